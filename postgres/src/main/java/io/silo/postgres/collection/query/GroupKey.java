package io.silo.postgres.collection.query;

import io.silo.error.ProblemType;
import java.util.Objects;
import java.util.Optional;

/**
 * One key of a grouping, as written in {@code by}: a body field, whose values form the groups
 * ({@code cashierId}), or a date bucket of a field holding dates ({@code soldAt:day}). The meta
 * fields {@code _createdAt} and {@code _updatedAt} may be grouped by a date bucket; no meta field
 * by its value, which would make a group per document.
 *
 * <p>Immutable and thread-safe.
 *
 * @param field the field read
 * @param bucket the span its dates are grouped into, if any
 */
public record GroupKey(DocumentField field, Optional<DateBucket> bucket) {
    public GroupKey {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(bucket, "bucket");
        if (field instanceof MetaField meta && !(bucket.isPresent() && isTimestamp(meta))) {
            throw ProblemType.INVALID_FIELD
                    .exception("'" + meta.text() + "' is a meta field; a grouping takes a field of the document body,"
                            + " or a date bucket of _createdAt or _updatedAt such as _createdAt:day")
                    .with("field", meta.text());
        }
    }

    /**
     * Parses {@code field} or {@code field:bucket}: a malformed field is an {@code invalid-field}, an
     * unknown bucket an {@code invalid-grouping}.
     */
    public static GroupKey parse(String text) {
        int colon = text.indexOf(':');
        if (colon < 0) {
            return new GroupKey(DocumentField.parse(text), Optional.empty());
        }
        DocumentField field = DocumentField.parse(text.substring(0, colon));
        return new GroupKey(field, Optional.of(DateBucket.parse(text.substring(colon + 1))));
    }

    /** The key as written in {@code by}: {@code cashierId} or {@code soldAt:day}. */
    @Override
    public String toString() {
        return field.text() + bucket.map(value -> ":" + value.text()).orElse("");
    }

    private static boolean isTimestamp(MetaField meta) {
        return meta == MetaField.CREATED_AT || meta == MetaField.UPDATED_AT;
    }

    static String shorten(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }
}
