package io.silo.bench;

import io.silo.bench.stack.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * On a server you run, removes what a run made: the tenant databases and roles its control
 * database lists, the control database itself, and the scratch databases of raw creations and
 * pgbench. Template databases ({@code silo_tpl_…}) stay: another Silo on the server may use them.
 * Runs before a run too, for what one that died left behind.
 *
 * <p>Thread-safe: stateless.
 */
final class ExternalCleanup {
    private ExternalCleanup() {}

    static void dropRun(PostgresServer server, String controlDatabase, Consumer<String> progress) {
        try (Connection admin = server.connect("postgres");
                Statement statement = admin.createStatement()) {
            List<String> scratch = names(
                    statement,
                    "SELECT datname FROM pg_database WHERE datname LIKE 'bench\\_raw\\_%' "
                            + "OR datname = 'bench_pgbench'");
            for (String database : scratch) {
                statement.execute("DROP DATABASE IF EXISTS \"" + database + "\" WITH (FORCE)");
            }
            if (names(statement, "SELECT datname FROM pg_database WHERE datname = '" + controlDatabase + "'")
                    .isEmpty()) {
                return;
            }
            List<String> databases;
            List<String> roles;
            try (Connection control = server.connect(controlDatabase);
                    Statement query = control.createStatement()) {
                databases = names(query, "SELECT database_name FROM tenant_databases");
                roles = names(query, "SELECT db_role FROM tenants");
            }
            progress.accept("dropping " + databases.size() + " tenant databases, " + roles.size() + " roles and "
                    + controlDatabase);
            for (String database : databases) {
                statement.execute("DROP DATABASE IF EXISTS \"" + database.replace("\"", "\"\"") + "\" WITH (FORCE)");
            }
            for (String role : roles) {
                statement.execute("DROP ROLE IF EXISTS \"" + role.replace("\"", "\"\"") + "\"");
            }
            statement.execute("DROP DATABASE IF EXISTS \"" + controlDatabase + "\" WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("cleaning up the benchmark's databases failed: " + e.getMessage(), e);
        }
    }

    private static List<String> names(Statement statement, String sql) throws SQLException {
        List<String> names = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        return names;
    }
}
