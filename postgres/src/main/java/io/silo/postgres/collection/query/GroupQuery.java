package io.silo.postgres.collection.query;

import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.template.FieldPath;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A grouping: the documents matching a filter, grouped by one or more {@link GroupKey keys} (a
 * field's values, or the day, week, month or year of a field's dates in a time zone), each group
 * with its count and, when a numeric field is named, the sum, average, minimum and maximum of
 * that field's numeric values (other values are skipped). Documents lacking a grouped field, or
 * whose value there is no date a bucket can place, have {@code null} for that key.
 *
 * <p>Immutable and thread-safe.
 *
 * @param filter which documents are grouped
 * @param keys what forms the groups, 1 to {@value #MAX_KEYS}, none twice
 * @param metric the numeric field to aggregate, if any
 * @param zone the time zone in which date buckets are cut; an IANA region, see {@link #zone(String)}
 * @param order whether the groups come largest first or by their keys
 * @param limit the most groups returned, 1 to {@value #MAX_LIMIT}
 */
public record GroupQuery(
        Filter filter, List<GroupKey> keys, Optional<FieldPath> metric, ZoneId zone, Order order, int limit) {
    /** The number of groups when none is asked for. */
    public static final int DEFAULT_LIMIT = 100;
    /** The most groups one query returns. */
    public static final int MAX_LIMIT = 1000;
    /** The most keys one grouping has. */
    public static final int MAX_KEYS = 8;
    /** The time zone when none is asked for. */
    public static final ZoneId UTC = ZoneId.of("UTC");

    /**
     * The names a time zone may be given by: {@code UTC} and the JDK's {@code Area/Location} names,
     * less {@code SystemV/…}, which PostgreSQL's tz database dropped in 2020. The name is handed to
     * {@code AT TIME ZONE}, which tries abbreviations first: {@code CET} there is a fixed +01:00
     * without summer time, where the JDK's {@code CET} has one, and no abbreviation contains a
     * {@code /}. A bare offset such as {@code +02:00} PostgreSQL reads as POSIX does, west of
     * Greenwich positive.
     */
    private static final Set<String> ZONE_NAMES = ZoneId.getAvailableZoneIds().stream()
            .filter(name -> name.equals("UTC") || (name.contains("/") && !name.startsWith("SystemV/")))
            .collect(Collectors.toUnmodifiableSet());

    public GroupQuery {
        Objects.requireNonNull(filter, "filter");
        keys = List.copyOf(keys);
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(order, "order");
        checkKeys(keys);
        // also for a zone built in code: an offset or an abbreviation would mean something else to AT TIME ZONE
        zone(zone.getId());
        DocumentQuery.checkLimit(limit, MAX_LIMIT);
    }

    /**
     * A grouping of every document by {@code by}: keys joined by commas, each a body field or a
     * field and a {@link DateBucket} joined by a colon, such as {@code cashierId,soldAt:day}.
     */
    public static Builder by(String by) {
        String[] parts = by.split(",", -1);
        if (parts.length > MAX_KEYS) {
            throw invalid("by", "a grouping has at most " + MAX_KEYS + " keys, not " + parts.length);
        }
        List<GroupKey> keys = new ArrayList<>();
        for (String part : parts) {
            if (part.isBlank()) {
                throw invalid(
                        "by",
                        "the grouping '" + GroupKey.shorten(by) + "' has an empty key; "
                                + "write keys joined by commas, like cashierId,soldAt:day");
            }
            keys.add(GroupKey.parse(part.strip()));
        }
        checkKeys(keys);
        return new Builder(keys);
    }

    /**
     * The time zone named {@code name}: an {@code Area/Location} name of the tz database such as
     * {@code Europe/Berlin}, spelled as it spells it, or {@code UTC}; anything else is an
     * {@code invalid-grouping}.
     */
    public static ZoneId zone(String name) {
        if (!ZONE_NAMES.contains(name)) {
            throw invalid(
                    "tz",
                    "'" + GroupKey.shorten(name)
                            + "' is not a time zone; use an IANA name such as Europe/Berlin or UTC");
        }
        return ZoneId.of(name);
    }

    private static void checkKeys(List<GroupKey> keys) {
        if (keys.isEmpty() || keys.size() > MAX_KEYS) {
            throw invalid("by", "a grouping has 1 to " + MAX_KEYS + " keys, not " + keys.size());
        }
        Set<GroupKey> seen = new HashSet<>();
        for (GroupKey key : keys) {
            if (!seen.add(key)) {
                throw invalid("by", "the grouping names '" + key + "' twice");
            }
        }
    }

    private static FieldPath bodyPath(String text, String role) {
        if (DocumentField.parse(text) instanceof DocumentField.Path path) {
            return path.path();
        }
        throw ProblemType.INVALID_FIELD
                .exception("'" + text + "' is a meta field; " + role + " takes a field of the document body")
                .with("field", text);
    }

    private static SiloException invalid(String parameter, String message) {
        return ProblemType.INVALID_GROUPING.exception(message).with("field", parameter);
    }

    /** The order of the groups. Thread-safe (an enum). */
    public enum Order {
        /** Largest first, then by the keys: the top of a ranking. */
        COUNT,
        /** By the keys, in the order of {@code by}: a report over time. */
        KEYS;

        /** The order as written in a parameter: {@code count} or {@code keys}. */
        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The order written {@code text}; anything else is an {@code invalid-grouping}. */
        public static Order parse(String text) {
            for (Order order : values()) {
                if (order.text().equals(text)) {
                    return order;
                }
            }
            throw invalid("order", "'" + GroupKey.shorten(text) + "' is not an order of groups; use count or keys");
        }
    }

    /** Collects the parts of a grouping; call only the setters for parameters that were given. Not thread-safe. */
    public static final class Builder {
        private final List<GroupKey> keys;
        private Filter filter = Filter.all();
        private Optional<FieldPath> metric = Optional.empty();
        private ZoneId zone = UTC;
        private Order order = Order.COUNT;
        private int limit = DEFAULT_LIMIT;

        private Builder(List<GroupKey> keys) {
            this.keys = keys;
        }

        /** The filter as JSON text, see {@link FilterParser#parse(String)}. */
        public Builder filter(String json) {
            return filter(FilterParser.parse(json));
        }

        public Builder filter(Filter filter) {
            this.filter = Objects.requireNonNull(filter, "filter");
            return this;
        }

        /** The numeric field to aggregate, as text such as {@code total}. */
        public Builder metric(String field) {
            this.metric = Optional.of(bodyPath(field, "a metric"));
            return this;
        }

        /** The time zone of the date buckets, by name, see {@link GroupQuery#zone(String)}. */
        public Builder timeZone(String name) {
            this.zone = zone(name);
            return this;
        }

        /** The order as text: {@code count} or {@code keys}. */
        public Builder order(String text) {
            this.order = Order.parse(text);
            return this;
        }

        /** The limit as text: a whole number from 1 to {@value #MAX_LIMIT}. */
        public Builder limit(String text) {
            this.limit = DocumentQuery.parseLimit(text, MAX_LIMIT);
            return this;
        }

        public Builder limit(int limit) {
            this.limit = DocumentQuery.checkLimit(limit, MAX_LIMIT);
            return this;
        }

        public GroupQuery build() {
            return new GroupQuery(filter, keys, metric, zone, order, limit);
        }
    }
}
