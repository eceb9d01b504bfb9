package io.silo.postgres.collection;

import io.silo.postgres.collection.query.DateBucket;
import io.silo.postgres.collection.query.DocumentField;
import io.silo.postgres.collection.query.GroupKey;
import io.silo.postgres.collection.query.MetaField;
import java.time.ZoneId;

/**
 * The SQL of a {@link GroupKey}: a {@code jsonb} expression, JSON {@code null} for a document
 * without a value there. A date bucket is the ISO date of its first day as a JSON string,
 * computed by PostgreSQL: the value is truncated with {@code date_trunc} after
 * {@code AT TIME ZONE}, so that days, weeks and months are those of the zone, daylight saving
 * time included.
 *
 * <p>A body value is cast to a timestamp only when it matches {@link #WITH_OFFSET} or
 * {@link #LOCAL}: a cast that fails fails the whole statement (PostgreSQL 16's
 * {@code pg_input_is_valid} would ask without failing, but Silo also runs on 15, the oldest
 * {@code ClusterAdmin} accepts), so the patterns admit only what the cast accepts. They check each month's days, leap years included
 * ({@code 2026-02-29} is refused by the cast), years 1000 to 9999 (year 0 is refused, and a year
 * shifted into BC would print without its era) and offsets up to ±15:59 (PostgreSQL's limit).
 * Anything else, a number or {@code "yesterday"} included, has no bucket: {@code null}.
 *
 * <p>A value with an offset ({@code Z}, {@code +01:00}) is an instant and is placed in the zone's
 * calendar. A date ({@code 2026-03-01}) or a date-time without an offset is already a calendar
 * value and is taken as it is, in any zone. The zone's name is bound as a parameter, as are the
 * patterns; the {@code date_trunc} unit comes from {@link DateBucket}, never from a request.
 *
 * <p>Stateless and thread-safe.
 */
final class GroupKeys {
    // months of 31 days, of 30, February to the 28th; then 29 February of years divisible by 4 but not by 100,
    // and of centuries divisible by 400. Matching costs a few microseconds a row, most of a bucketed grouping's time
    private static final String DATE = "(?:[1-9][0-9]{3}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
            + "|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))"
            + "|(?:[1-9][0-9](?:0[48]|[2468][048]|[13579][26])|(?:[2468][048]|[13579][26])00)-02-29)";
    private static final String TIME = "[Tt ](?:[01][0-9]|2[0-3]):[0-5][0-9](?::(?:[0-5][0-9]|60)(?:\\.[0-9]{1,9})?)?";
    private static final String OFFSET = "(?:[Zz]|[+-](?:0[0-9]|1[0-5]):[0-5][0-9])";
    /** A date-time with an offset: an instant, cast to {@code timestamptz}. */
    private static final String WITH_OFFSET = "^" + DATE + TIME + OFFSET + "$";
    /** A date, or a date-time without an offset: a calendar value, cast to {@code timestamp}. */
    private static final String LOCAL = "^" + DATE + "(?:" + TIME + ")?$";

    private GroupKeys() {}

    /** Appends the key's expression, which binds parameters of its own. */
    static void render(GroupKey key, ZoneId zone, Sql sql) {
        if (key.bucket().isEmpty()) {
            sql.append("COALESCE(").field(key.field()).append(", 'null'::jsonb)");
            return;
        }
        String unit = unit(key.bucket().get());
        sql.append("COALESCE(to_jsonb(");
        switch (key.field()) {
            case MetaField meta -> inZone(Sql.column(meta), unit, zone, sql);
            case DocumentField.Path path -> bodyDate(Sql.path(path.path()), unit, zone, sql);
        }
        sql.append("), 'null'::jsonb)");
    }

    private static void bodyDate(String value, String unit, ZoneId zone, Sql sql) {
        String text = "(" + value + " #>> '{}')";
        String string = "jsonb_typeof(" + value + ") = 'string' AND " + text + " ~ ";
        sql.append("CASE WHEN " + string).bind(WITH_OFFSET).append(" THEN ");
        inZone(text + "::timestamptz", unit, zone, sql);
        sql.append(" WHEN " + string).bind(LOCAL).append(" THEN " + day(unit, text + "::timestamp") + " END");
    }

    /** An instant ({@code timestamptz}) placed in the zone's calendar. */
    private static void inZone(String instant, String unit, ZoneId zone, Sql sql) {
        sql.append("to_char(date_trunc('" + unit + "', " + instant + " AT TIME ZONE ")
                .bind(zone.getId())
                .append("), 'YYYY-MM-DD')");
    }

    /** A calendar value ({@code timestamp}), taken as it is. */
    private static String day(String unit, String timestamp) {
        return "to_char(date_trunc('" + unit + "', " + timestamp + "), 'YYYY-MM-DD')";
    }

    private static String unit(DateBucket bucket) {
        return switch (bucket) {
            case DAY -> "day";
            case WEEK -> "week";
            case MONTH -> "month";
            case YEAR -> "year";
        };
    }
}
