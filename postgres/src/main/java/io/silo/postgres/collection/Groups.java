package io.silo.postgres.collection;

import io.silo.postgres.collection.query.Filter;
import io.silo.postgres.collection.query.GroupQuery;
import io.silo.postgres.collection.query.JsonInput;
import io.silo.postgres.jdbc.Handle;
import io.silo.template.CollectionSpec;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * Runs a {@link GroupQuery}. The metric is cast to {@code numeric} only inside a
 * {@code CASE} on {@code jsonb_typeof(…) = 'number'}, so that a string or object in the field
 * is skipped instead of failing the whole query.
 *
 * <p>Stateless and thread-safe.
 */
final class Groups {
    private Groups() {}

    /** Runs {@code query} over the documents matching {@code filter}: the query's own, limited by the caller's rules. */
    static GroupResult run(Handle handle, CollectionSpec spec, Filter filter, GroupQuery query) {
        String by = Sql.path(query.by());
        Sql sql = new Sql().append("SELECT COALESCE(" + by + ", 'null'::jsonb) AS key, count(*) AS n");
        query.metric().ifPresent(metric -> {
            String expression = Sql.path(metric);
            String number =
                    "CASE WHEN jsonb_typeof(" + expression + ") = 'number' THEN (" + expression + ")::numeric END";
            sql.append(", sum(" + number + ") AS sum, avg(" + number + ") AS avg, min(" + number + ") AS min, max("
                    + number + ") AS max");
        });
        sql.append(" FROM " + Sql.table(spec.name()) + " WHERE ");
        FilterSql.render(filter, sql);
        sql.append(" GROUP BY 1 ORDER BY n DESC, key ASC LIMIT ").bind(query.limit() + 1);
        List<GroupResult.Group> groups =
                handle.query(sql.text(), row -> group(row, query.metric().isPresent()), sql.params());
        boolean truncated = groups.size() > query.limit();
        return new GroupResult(truncated ? groups.subList(0, query.limit()) : groups, truncated);
    }

    private static GroupResult.Group group(ResultSet row, boolean metric) throws SQLException {
        return new GroupResult.Group(
                JsonInput.readStored(row.getString("key")),
                row.getLong("n"),
                metric ? decimal(row, "sum") : Optional.empty(),
                metric ? decimal(row, "avg") : Optional.empty(),
                metric ? decimal(row, "min") : Optional.empty(),
                metric ? decimal(row, "max") : Optional.empty());
    }

    /** Without trailing zeros ({@code avg} has sixteen), and never in exponent form. */
    private static Optional<BigDecimal> decimal(ResultSet row, String column) throws SQLException {
        BigDecimal value = row.getBigDecimal(column);
        if (value == null) {
            return Optional.empty();
        }
        BigDecimal stripped = value.stripTrailingZeros();
        return Optional.of(stripped.scale() < 0 ? stripped.setScale(0) : stripped);
    }
}
