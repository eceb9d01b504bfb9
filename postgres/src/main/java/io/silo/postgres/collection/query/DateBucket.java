package io.silo.postgres.collection.query;

import io.silo.error.ProblemType;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A span of calendar time that date values are grouped into, written after a colon in a grouping
 * key: {@code soldAt:day}. A bucket is named by its first day, as an ISO date.
 *
 * <p>Thread-safe (an enum).
 */
public enum DateBucket {
    /** A calendar day. */
    DAY,
    /** An ISO week: Monday to Sunday, named by its Monday. */
    WEEK,
    /** A calendar month, named by its first day. */
    MONTH,
    /** A calendar year, named by 1 January. */
    YEAR;

    /** The bucket as written in a grouping key. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The bucket written {@code text} ({@code day}, {@code week}, {@code month} or {@code year}); anything else is an {@code invalid-grouping}. */
    public static DateBucket parse(String text) {
        for (DateBucket bucket : values()) {
            if (bucket.text().equals(text)) {
                return bucket;
            }
        }
        throw ProblemType.INVALID_GROUPING
                .exception("'" + GroupKey.shorten(text) + "' is not a date bucket; use one of "
                        + Arrays.stream(values()).map(DateBucket::text).collect(Collectors.joining(", ")))
                .with("field", "by");
    }
}
