package io.silo.client;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A grouping of a collection's documents (docs/query-language.md#grouping):
 * {@code Grouping.by("cashierId", "soldAt:day").metric("total").timeZone("Europe/Berlin")}.
 *
 * <p>Immutable: each method answers a new grouping.
 */
public final class Grouping {
    private final String by;
    private final Optional<String> metric;
    private final Optional<String> timeZone;
    private final Optional<String> order;
    private final Filter filter;
    private final OptionalInt limit;

    private Grouping(
            String by,
            Optional<String> metric,
            Optional<String> timeZone,
            Optional<String> order,
            Filter filter,
            OptionalInt limit) {
        this.by = by;
        this.metric = metric;
        this.timeZone = timeZone;
        this.order = order;
        this.filter = filter;
        this.limit = limit;
    }

    /** The keys: fields, or a date field and a bucket ({@code soldAt:day}, {@code :week}, {@code :month}, {@code :year}). */
    public static Grouping by(String... keys) {
        if (keys.length == 0) {
            throw new IllegalArgumentException("a grouping needs at least one key");
        }
        return new Grouping(
                String.join(",", keys),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Filter.all(),
                OptionalInt.empty());
    }

    /** The numeric field summed, averaged, and its least and greatest value, per group. */
    public Grouping metric(String field) {
        return new Grouping(by, Optional.of(field), timeZone, order, filter, limit);
    }

    /** The IANA time zone of the date buckets, e.g. {@code Europe/Berlin}. */
    public Grouping timeZone(String zone) {
        return new Grouping(by, metric, Optional.of(zone), order, filter, limit);
    }

    /** Groups by their keys, instead of the largest first. */
    public Grouping orderByKeys() {
        return new Grouping(by, metric, timeZone, Optional.of("keys"), filter, limit);
    }

    public Grouping filter(Filter filter) {
        return new Grouping(by, metric, timeZone, order, Objects.requireNonNull(filter, "filter"), limit);
    }

    public Grouping limit(int limit) {
        return new Grouping(by, metric, timeZone, order, filter, OptionalInt.of(limit));
    }

    Transport.Call apply(Transport.Call call) {
        return call.query("by", Optional.of(by))
                .query("metric", metric)
                .query("tz", timeZone)
                .query("order", order)
                .query("filter", filter.matchesAll() ? Optional.empty() : Optional.of(filter.toString()))
                .query("limit", limit.isPresent() ? Optional.of(limit.getAsInt()) : Optional.empty());
    }
}
