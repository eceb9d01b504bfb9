package io.silo.postgres.collection.query;

import java.util.List;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * A parsed filter: a small tree that the store renders to SQL with every value bound as a
 * parameter. Built by {@link FilterParser}; {@code $ne} and {@code $nin} arrive here as
 * {@link Not} around {@link Comparison} and {@link In}.
 *
 * <p>Implementations are immutable and thread-safe, provided the JSON values in them are not
 * modified.
 */
public sealed interface Filter {

    /** The filter that matches every document ({@code {}}). */
    static Filter all() {
        return All.INSTANCE;
    }

    /** Every field this filter reads, so that the store can check them against a collection. */
    default Stream<DocumentField> fields() {
        return switch (this) {
            case All all -> Stream.empty();
            case And and -> and.terms().stream().flatMap(Filter::fields);
            case Or or -> or.terms().stream().flatMap(Filter::fields);
            case Not not -> not.term().fields();
            case Comparison comparison -> Stream.of(comparison.field());
            case In in -> Stream.of(in.field());
            case Exists exists -> Stream.of(exists.field());
            case Contains contains -> Stream.of(contains.field());
        };
    }

    /** Matches everything. */
    enum All implements Filter {
        INSTANCE
    }

    /** Every term matches. */
    record And(List<Filter> terms) implements Filter {
        public And {
            terms = List.copyOf(terms);
        }
    }

    /** At least one term matches. */
    record Or(List<Filter> terms) implements Filter {
        public Or {
            terms = List.copyOf(terms);
        }
    }

    /** The term does not match; a document lacking the field the term reads counts as not matching it. */
    record Not(Filter term) implements Filter {}

    /** The field compares to a value; for the order operators, only values of the same JSON type match. */
    record Comparison(DocumentField field, Operator operator, JsonNode value) implements Filter {}

    /** The field equals one of the values. */
    record In(DocumentField field, List<JsonNode> values) implements Filter {
        public In {
            values = List.copyOf(values);
        }
    }

    /** The field is present (even if {@code null}), or absent. */
    record Exists(DocumentField field, boolean present) implements Filter {}

    /** The field, an array or object, contains the value (JSON containment, as PostgreSQL's {@code @>}). */
    record Contains(DocumentField field, JsonNode value) implements Filter {}

    /** The comparison operators. */
    enum Operator {
        EQ("$eq", "="),
        GT("$gt", ">"),
        GTE("$gte", ">="),
        LT("$lt", "<"),
        LTE("$lte", "<=");

        private final String text;
        private final String sql;

        Operator(String text, String sql) {
            this.text = text;
            this.sql = sql;
        }

        /** The operator as written in a filter, such as {@code $gte}. */
        public String text() {
            return text;
        }

        /** The SQL comparison operator; a fixed token, never taken from input. */
        public String sql() {
            return sql;
        }
    }
}
