package io.silo.postgres.collection.query;

import io.silo.error.ProblemType;
import java.util.Objects;
import java.util.Optional;

/**
 * A query for one page of documents: which match, in what order, how many, where to resume,
 * and which fields to return. Built with {@link #builder()}, usually from the query parameters
 * of {@code GET /api/data/{service}/{collection}} as they arrive; each setter validates its
 * input at once, so a malformed parameter fails before any SQL exists.
 *
 * <p>Immutable and thread-safe.
 *
 * @param filter which documents match
 * @param sort the order; {@code _id} breaks ties
 * @param limit the most documents in the page, 1 to {@value #MAX_LIMIT}
 * @param cursor where the previous page ended, as the store returned it
 * @param fields which parts of the bodies to return
 */
public record DocumentQuery(Filter filter, Sort sort, int limit, Optional<String> cursor, Fields fields) {
    /** The page size when none is asked for. */
    public static final int DEFAULT_LIMIT = 50;
    /** The largest page. */
    public static final int MAX_LIMIT = 1000;
    /** The longest cursor accepted, in characters. */
    public static final int MAX_CURSOR = 8 * 1024;

    public DocumentQuery {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(sort, "sort");
        Objects.requireNonNull(cursor, "cursor");
        Objects.requireNonNull(fields, "fields");
        checkLimit(limit, MAX_LIMIT);
    }

    /** A query for the first page of every document by {@code _id}, {@value #DEFAULT_LIMIT} at a time. */
    public static Builder builder() {
        return new Builder();
    }

    /** Parses a limit parameter: a whole number from 1 to {@code max}, else {@code invalid-limit}. */
    public static int parseLimit(String text, int max) {
        try {
            return checkLimit(Integer.parseInt(text.strip()), max);
        } catch (NumberFormatException e) {
            throw ProblemType.INVALID_LIMIT.exception(
                    "the limit '" + shorten(text) + "' is not a whole number from 1 to " + max);
        }
    }

    static int checkLimit(int limit, int max) {
        if (limit < 1 || limit > max) {
            throw ProblemType.INVALID_LIMIT.exception("the limit " + limit + " is not from 1 to " + max);
        }
        return limit;
    }

    private static String shorten(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }

    /**
     * Collects the parts of a query; call only the setters for parameters that were given.
     * Not thread-safe.
     */
    public static final class Builder {
        private Filter filter = Filter.all();
        private Sort sort = Sort.none();
        private int limit = DEFAULT_LIMIT;
        private Optional<String> cursor = Optional.empty();
        private Fields fields = Fields.all();

        private Builder() {}

        /** The filter as JSON text, see {@link FilterParser#parse(String)}. */
        public Builder filter(String json) {
            return filter(FilterParser.parse(json));
        }

        public Builder filter(Filter filter) {
            this.filter = Objects.requireNonNull(filter, "filter");
            return this;
        }

        /** The sort as text, see {@link Sort#parse(String)}. */
        public Builder sort(String text) {
            return sort(Sort.parse(text));
        }

        public Builder sort(Sort sort) {
            this.sort = Objects.requireNonNull(sort, "sort");
            return this;
        }

        /** The limit as text: a whole number from 1 to {@value #MAX_LIMIT}. */
        public Builder limit(String text) {
            this.limit = parseLimit(text, MAX_LIMIT);
            return this;
        }

        public Builder limit(int limit) {
            this.limit = checkLimit(limit, MAX_LIMIT);
            return this;
        }

        /** The cursor of the previous page, as the store returned it; blank means the first page. */
        public Builder cursor(String cursor) {
            if (cursor.length() > MAX_CURSOR) {
                throw ProblemType.INVALID_CURSOR.exception("the cursor is longer than " + MAX_CURSOR + " characters");
            }
            this.cursor = cursor.isBlank() ? Optional.empty() : Optional.of(cursor.strip());
            return this;
        }

        /** The field selection as text, see {@link Fields#parse(String)}. */
        public Builder fields(String text) {
            return fields(Fields.parse(text));
        }

        public Builder fields(Fields fields) {
            this.fields = Objects.requireNonNull(fields, "fields");
            return this;
        }

        public DocumentQuery build() {
            return new DocumentQuery(filter, sort, limit, cursor, fields);
        }
    }
}
