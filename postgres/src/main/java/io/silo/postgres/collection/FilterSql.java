package io.silo.postgres.collection;

import io.silo.error.ProblemType;
import io.silo.postgres.collection.query.DocumentField;
import io.silo.postgres.collection.query.Filter;
import io.silo.postgres.collection.query.MetaField;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Renders a {@link Filter} as a SQL condition. A missing field is SQL {@code NULL} here, and
 * the rendering keeps the two-valued logic of the filter language: {@code $not} counts a
 * comparison that is unknown because the field is missing as not matching, so its negation
 * matches (as in MongoDB, {@code {"a": {"$ne": 1}}} matches documents without {@code a}).
 *
 * <p>Stateless and thread-safe.
 */
final class FilterSql {
    private FilterSql() {}

    static void render(Filter filter, Sql sql) {
        switch (filter) {
            case Filter.All all -> sql.append("TRUE");
            case Filter.And and -> join(and.terms(), " AND ", sql);
            case Filter.Or or -> join(or.terms(), " OR ", sql);
            case Filter.Not not -> {
                sql.append("NOT COALESCE(");
                render(not.term(), sql);
                sql.append(", FALSE)");
            }
            case Filter.Comparison comparison -> comparison(comparison, sql);
            case Filter.In in -> in(in, sql);
            case Filter.Exists exists -> exists(exists, sql);
            case Filter.Contains contains -> contains(contains, sql);
        }
    }

    private static void join(List<Filter> terms, String operator, Sql sql) {
        sql.append("(");
        for (int i = 0; i < terms.size(); i++) {
            if (i > 0) {
                sql.append(operator);
            }
            render(terms.get(i), sql);
        }
        sql.append(")");
    }

    private static void comparison(Filter.Comparison comparison, Sql sql) {
        DocumentField field = comparison.field();
        JsonNode value = comparison.value();
        if (field instanceof MetaField meta) {
            sql.field(field).append(" " + comparison.operator().sql() + " ").bind(metaValue(meta, value));
        } else if (comparison.operator() == Filter.Operator.EQ) {
            equality(field, value, sql);
        } else {
            // jsonb orders across types (strings < numbers < booleans); comparing only within the
            // value's own type keeps {"price": {"$lt": 10}} from matching every string
            sql.append("(")
                    .field(field)
                    .append(" " + comparison.operator().sql() + " ")
                    .bindJson(value)
                    .append(" AND jsonb_typeof(")
                    .field(field)
                    .append(") = ")
                    .bind(orderedType(field, value))
                    .append(")");
        }
    }

    /** {@code null} matches a JSON null and a missing field, as in MongoDB; other values compare as jsonb. */
    private static void equality(DocumentField field, JsonNode value, Sql sql) {
        if (value.isNull()) {
            sql.append("(").field(field).append(" IS NULL OR ").field(field).append(" = 'null'::jsonb)");
        } else {
            sql.field(field).append(" = ").bindJson(value);
        }
    }

    private static void in(Filter.In in, Sql sql) {
        if (in.values().isEmpty()) {
            sql.append("FALSE");
            return;
        }
        boolean meta = in.field() instanceof MetaField;
        sql.append("(").field(in.field()).append(" IN (");
        for (int i = 0; i < in.values().size(); i++) {
            JsonNode value = in.values().get(i);
            sql.append(i > 0 ? ", " : "");
            if (in.field() instanceof MetaField field) {
                sql.bind(metaValue(field, value));
            } else {
                sql.bindJson(value);
            }
        }
        sql.append(")");
        if (!meta && in.values().stream().anyMatch(JsonNode::isNull)) {
            sql.append(" OR ").field(in.field()).append(" IS NULL");
        }
        sql.append(")");
    }

    private static void exists(Filter.Exists exists, Sql sql) {
        if (exists.field() instanceof MetaField) {
            sql.append(exists.present() ? "TRUE" : "FALSE");
        } else {
            sql.field(exists.field()).append(exists.present() ? " IS NOT NULL" : " IS NULL");
        }
    }

    /** A scalar is wrapped in an array: {@code {"tags": {"$contains": "x"}}} asks for an array holding "x". */
    private static void contains(Filter.Contains contains, Sql sql) {
        JsonNode value = contains.value();
        JsonNode wanted = value.isContainer()
                ? value
                : JsonNodeFactory.instance.arrayNode().add(value);
        sql.field(contains.field()).append(" @> ").bindJson(wanted);
    }

    private static String orderedType(DocumentField field, JsonNode value) {
        if (value.isNumber()) {
            return "number";
        }
        if (value.isString() || value.isBoolean()) {
            return value.isString() ? "string" : "boolean";
        }
        throw ProblemType.INVALID_FILTER.exception(
                "'" + field.text() + "' can only be ordered against a number, string or boolean");
    }

    /** The parser admits only valid values; this guards filters built by hand. */
    private static Object metaValue(MetaField meta, JsonNode value) {
        return meta.parseValue(value)
                .orElseThrow(
                        () -> ProblemType.INVALID_FILTER.exception("'" + meta.text() + "' needs " + meta.expected()));
    }
}
