package io.silo.postgres.collection;

import static io.silo.postgres.collection.CollectionDatabase.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.template.CollectionSpec;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SQL the store writes must use the collections' expression indexes: a filter renders a field
 * as {@code doc->'a'->'b'}, the very expression of {@code CREATE INDEX … ((doc->'a'->'b'))}.
 */
class IndexUsageTest {
    private static final CollectionSpec ORDERS = CollectionDatabase.spec(
            "orders", "", List.of("status", "customer.address.city"), List.of("code"), Set.of());
    private static CollectionDatabase db;

    @BeforeAll
    static void fill() throws SQLException {
        db = CollectionDatabase.create("indexes");
        db.create(ORDERS);
        DocumentStore store = new DocumentStore();
        for (int i = 0; i < 200; i++) {
            store.insert(
                    db.connection(),
                    ORDERS,
                    json("{\"status\":\"s" + (i % 10) + "\",\"code\":\"c" + i
                            + "\",\"customer\":{\"address\":{\"city\":\"city" + i + "\"}},\"price\":" + i + "}"));
        }
        db.connection().commit();
        try (Statement statement = db.connection().createStatement()) {
            statement.execute("ANALYZE orders");
        }
        db.connection().commit();
    }

    @AfterAll
    static void close() throws SQLException {
        db.close();
    }

    @Test
    void equalityOnAnIndexedFieldUsesTheIndex() throws SQLException {
        assertThat(plan("{\"status\":\"s3\"}")).contains("orders_status_idx");
    }

    @Test
    void nestedPathsAndRangesUseTheirIndexes() throws SQLException {
        assertThat(plan("{\"customer.address.city\":\"city7\"}")).contains("orders_customer_address_city_idx");
        assertThat(plan("{\"status\":{\"$gte\":\"s3\",\"$lt\":\"s5\"}}")).contains("orders_status_idx");
        assertThat(plan("{\"status\":{\"$in\":[\"s1\",\"s2\"]}}")).contains("orders_status_idx");
        assertThat(plan("{\"code\":\"c42\"}")).contains("orders_code_key");
    }

    /** The plan of the query the store runs for {@code filter}, captured with auto_explain-like EXPLAIN. */
    private static String plan(String filter) throws SQLException {
        io.silo.postgres.collection.query.Filter parsed = io.silo.postgres.collection.query.FilterParser.parse(filter);
        Sql sql = new Sql().append("SELECT id FROM orders WHERE ");
        FilterSql.render(parsed, sql);
        try (Statement statement = db.connection().createStatement()) {
            statement.execute("SET LOCAL enable_seqscan = off");
        }
        try (PreparedStatement explain = db.connection().prepareStatement("EXPLAIN " + sql.text())) {
            Object[] params = sql.params();
            for (int i = 0; i < params.length; i++) {
                explain.setObject(i + 1, params[i]);
            }
            List<String> lines = new ArrayList<>();
            try (ResultSet rows = explain.executeQuery()) {
                while (rows.next()) {
                    lines.add(rows.getString(1));
                }
            }
            return String.join("\n", lines);
        } finally {
            db.rollback();
        }
    }
}
