package io.silo.postgres.collection;

import io.silo.json.Json;
import io.silo.postgres.collection.query.JsonInput;
import io.silo.postgres.schema.CollectionTables;
import io.silo.template.CollectionSpec;
import io.silo.template.FieldPath;
import io.silo.testing.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * A fresh database for one test class, with collection tables created exactly as the
 * provisioning code creates them, and one connection whose transaction the test owns (rolled
 * back after each test, as the HTTP layer would on failure).
 */
final class CollectionDatabase implements AutoCloseable {
    private final Connection connection;

    private CollectionDatabase(Connection connection) {
        this.connection = connection;
    }

    static CollectionDatabase create(String prefix) throws SQLException {
        TestPostgres postgres = TestPostgres.primary();
        Connection connection = postgres.connect(postgres.createDatabase(prefix));
        connection.setAutoCommit(false);
        return new CollectionDatabase(connection);
    }

    Connection connection() {
        return connection;
    }

    /** Creates the table, indexes and unique keys of {@code spec} with the provisioning DDL, and commits. */
    void create(CollectionSpec spec) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(CollectionTables.createTable(spec.name()));
            for (CollectionSpec.IndexSpec index : spec.indexes()) {
                statement.execute(CollectionTables.createIndex(spec.name(), index));
            }
            for (List<FieldPath> key : spec.unique()) {
                statement.execute(CollectionTables.createUniqueKey(spec.name(), key));
            }
        }
        connection.commit();
    }

    void rollback() throws SQLException {
        connection.rollback();
    }

    @Override
    public void close() throws SQLException {
        connection.rollback();
        connection.close();
    }

    /** A collection spec from short text: paths as {@code a.b}, keys as {@code a+b}. */
    static CollectionSpec spec(
            String name, String schema, List<String> indexes, List<String> unique, Set<String> privateFields) {
        Optional<JsonNode> parsed = schema.isEmpty() ? Optional.empty() : Optional.of(Json.read(schema));
        return new CollectionSpec(
                name,
                parsed,
                indexes.stream()
                        .map(index -> new CollectionSpec.IndexSpec(paths(index), false))
                        .toList(),
                unique.stream().map(CollectionDatabase::paths).toList(),
                privateFields);
    }

    static CollectionSpec spec(String name) {
        return spec(name, "", List.of(), List.of(), Set.of());
    }

    /** JSON with decimals kept exact, as the store reads documents back. */
    static JsonNode json(String text) {
        return JsonInput.readStored(text);
    }

    private static List<FieldPath> paths(String key) {
        return Arrays.stream(key.split("\\+")).map(FieldPath::parse).toList();
    }
}
