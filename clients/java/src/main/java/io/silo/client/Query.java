package io.silo.client;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A query of a collection: filter, sort, page size, the cursor of the page to read, and the fields to
 * return (docs/query-language.md). {@code Query.where(filter).sort("-total").limit(20)}.
 *
 * <p>Immutable: each method answers a new query.
 */
public final class Query {
    private final Filter filter;
    private final List<String> sort;
    private final OptionalInt limit;
    private final Optional<String> cursor;
    private final List<String> fields;

    private Query(Filter filter, List<String> sort, OptionalInt limit, Optional<String> cursor, List<String> fields) {
        this.filter = filter;
        this.sort = sort;
        this.limit = limit;
        this.cursor = cursor;
        this.fields = fields;
    }

    /** Every document, in {@code _id} order, 50 a page. */
    public static Query all() {
        return new Query(Filter.all(), List.of(), OptionalInt.empty(), Optional.empty(), List.of());
    }

    public static Query where(Filter filter) {
        return all().filter(filter);
    }

    public Query filter(Filter filter) {
        return new Query(Objects.requireNonNull(filter, "filter"), sort, limit, cursor, fields);
    }

    /** Sort keys, each a field with an optional {@code -} (descending) or {@code +}: {@code "status", "-total"}. */
    public Query sort(String... keys) {
        return new Query(filter, List.of(keys), limit, cursor, fields);
    }

    /** Page size, 1 to 1000. */
    public Query limit(int limit) {
        return new Query(filter, sort, OptionalInt.of(limit), cursor, fields);
    }

    /** The page after the one whose {@code nextCursor} this is. */
    public Query cursor(String cursor) {
        return new Query(filter, sort, limit, Optional.of(cursor), fields);
    }

    /** The body fields to return (meta fields always come). */
    public Query fields(String... fields) {
        return new Query(filter, sort, limit, cursor, List.of(fields));
    }

    Transport.Call apply(Transport.Call call) {
        return call.query("filter", filter.matchesAll() ? Optional.empty() : Optional.of(filter.toString()))
                .query("sort", sort.isEmpty() ? Optional.empty() : Optional.of(String.join(",", sort)))
                .query("limit", limit.isPresent() ? Optional.of(limit.getAsInt()) : Optional.empty())
                .query("cursor", cursor)
                .query("fields", fields.isEmpty() ? Optional.empty() : Optional.of(String.join(",", fields)));
    }
}
