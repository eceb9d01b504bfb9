package io.silo.postgres.collection.query;

import io.silo.error.ProblemType;
import io.silo.template.FieldPath;
import java.util.Objects;
import java.util.Optional;

/**
 * A grouping: the documents matching a filter, grouped by the value of one field, each group
 * with its count and, when a numeric field is named, the sum, average, minimum and maximum of
 * that field's numeric values (other values are skipped). Documents lacking the grouped field
 * fall in the group whose key is {@code null}. Groups come largest first.
 *
 * <p>Immutable and thread-safe.
 *
 * @param filter which documents are grouped
 * @param by the field whose values form the groups
 * @param metric the numeric field to aggregate, if any
 * @param limit the most groups returned, 1 to {@value #MAX_LIMIT}
 */
public record GroupQuery(Filter filter, FieldPath by, Optional<FieldPath> metric, int limit) {
    /** The number of groups when none is asked for. */
    public static final int DEFAULT_LIMIT = 100;
    /** The most groups one query returns. */
    public static final int MAX_LIMIT = 1000;

    public GroupQuery {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(by, "by");
        Objects.requireNonNull(metric, "metric");
        DocumentQuery.checkLimit(limit, MAX_LIMIT);
    }

    /** A grouping by {@code by} (text, such as {@code customer.city}) of every document. */
    public static Builder by(String by) {
        return new Builder(bodyPath(by, "group by"));
    }

    private static FieldPath bodyPath(String text, String role) {
        if (DocumentField.parse(text) instanceof DocumentField.Path path) {
            return path.path();
        }
        throw ProblemType.INVALID_FIELD
                .exception("'" + text + "' is a meta field; " + role + " takes a field of the document body")
                .with("field", text);
    }

    /** Collects the parts of a grouping. Not thread-safe. */
    public static final class Builder {
        private final FieldPath by;
        private Filter filter = Filter.all();
        private Optional<FieldPath> metric = Optional.empty();
        private int limit = DEFAULT_LIMIT;

        private Builder(FieldPath by) {
            this.by = by;
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
            return new GroupQuery(filter, by, metric, limit);
        }
    }
}
