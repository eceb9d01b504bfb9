package io.silo.postgres.collection;

import io.silo.error.ProblemType;
import io.silo.postgres.collection.query.Filter;
import io.silo.postgres.collection.query.GroupQuery;
import io.silo.postgres.collection.query.JsonInput;
import io.silo.postgres.jdbc.DataAccessException;
import io.silo.postgres.jdbc.Handle;
import io.silo.template.CollectionSpec;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Runs a {@link GroupQuery} as one statement: a column {@code k0}, {@code k1} … per key
 * ({@link GroupKeys}), the count, and the metric's aggregates. The metric is cast to
 * {@code numeric} only inside a {@code CASE} on {@code jsonb_typeof(…) = 'number'}, so that a
 * string or object in the field is skipped instead of failing the whole query, and sums stay
 * exact decimals. Groups are distinct in their keys, so ordering by the keys last makes the order
 * total.
 *
 * <p>Stateless and thread-safe.
 */
final class Groups {
    /** SQLSTATE invalid_parameter_value: what {@code AT TIME ZONE} answers for a name it does not know. */
    private static final String UNKNOWN_ZONE = "22023";

    private Groups() {}

    /** Runs {@code query} over the documents matching {@code filter}: the query's own, limited by the caller's rules. */
    static GroupResult run(Handle handle, CollectionSpec spec, Filter filter, GroupQuery query) {
        int keys = query.keys().size();
        Sql sql = new Sql().append("SELECT ");
        for (int i = 0; i < keys; i++) {
            GroupKeys.render(query.keys().get(i), query.zone(), sql);
            sql.append(" AS k" + i + ", ");
        }
        sql.append("count(*) AS n");
        query.metric().ifPresent(metric -> {
            String expression = Sql.path(metric);
            String number =
                    "CASE WHEN jsonb_typeof(" + expression + ") = 'number' THEN (" + expression + ")::numeric END";
            sql.append(", sum(" + number + ") AS sum, avg(" + number + ") AS avg, min(" + number + ") AS min, max("
                    + number + ") AS max");
        });
        sql.append(" FROM " + Sql.table(spec.name()));
        where(filter, sql);
        String positions = positions(keys);
        sql.append(" GROUP BY " + positions + " ORDER BY ")
                .append(query.order() == GroupQuery.Order.COUNT ? "n DESC, " + positions : positions)
                .append(" LIMIT ")
                .bind(query.limit() + 1);
        List<GroupResult.Group> groups = read(handle, sql, query);
        boolean truncated = groups.size() > query.limit();
        return new GroupResult(truncated ? groups.subList(0, query.limit()) : groups, truncated);
    }

    /** The documents grouped: the one place a grouping's {@code WHERE} is written. */
    private static void where(Filter filter, Sql sql) {
        sql.append(" WHERE ");
        FilterSql.render(filter, sql);
    }

    private static List<GroupResult.Group> read(Handle handle, Sql sql, GroupQuery query) {
        try {
            return handle.query(
                    sql.text(),
                    row -> group(row, query.keys().size(), query.metric().isPresent()),
                    sql.params());
        } catch (DataAccessException e) {
            // the zone's name passed the JDK's tz database; a server with an older one may not know it
            boolean zoned = query.keys().stream().anyMatch(key -> key.bucket().isPresent());
            if (zoned && e.sqlState().filter(UNKNOWN_ZONE::equals).isPresent()) {
                throw ProblemType.INVALID_GROUPING
                        .exception(
                                "the database does not know the time zone '"
                                        + query.zone().getId() + "'; use another name for it, or UTC",
                                e)
                        .with("field", "tz");
            }
            throw e;
        }
    }

    private static String positions(int keys) {
        StringBuilder out = new StringBuilder("1");
        for (int i = 2; i <= keys; i++) {
            out.append(", ").append(i);
        }
        return out.toString();
    }

    private static GroupResult.Group group(ResultSet row, int keys, boolean metric) throws SQLException {
        List<JsonNode> values = new ArrayList<>(keys);
        for (int i = 0; i < keys; i++) {
            values.add(JsonInput.readStored(row.getString("k" + i)));
        }
        return new GroupResult.Group(
                values,
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
