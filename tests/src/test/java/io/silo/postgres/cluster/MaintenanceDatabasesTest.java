package io.silo.postgres.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.silo.cluster.Cluster;
import io.silo.crypto.Secrets;
import io.silo.testing.TestPostgres;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Before Silo puts a tenant role on a cluster, the server's maintenance databases are closed to
 * every role: a tenant role, whose password could leak one day, connects to its own databases only.
 * The server here starts as PostgreSQL ships, with {@code postgres} and {@code template1} open to PUBLIC.
 */
class MaintenanceDatabasesTest {

    @Test
    void aTenantRoleCannotConnectToTheMaintenanceDatabasesOfAClusterSiloUses() throws Exception {
        TestPostgres server = TestPostgres.secondary();
        server.admin().useHandle(handle -> {
            handle.execute("GRANT CONNECT, TEMPORARY ON DATABASE postgres TO PUBLIC");
            handle.execute("GRANT CONNECT, TEMPORARY ON DATABASE template1 TO PUBLIC");
        });
        String role = "silo_t_maintenance_" + System.nanoTime();
        String password = Secrets.token(24);
        Cluster cluster = new Cluster(
                "secondary",
                server.url("postgres"),
                server.user(),
                server.password(),
                Map.of(),
                100,
                10,
                false,
                "active");
        try (ClusterAdmin admin = new ClusterAdmin(cluster, Duration.ofMinutes(1))) {
            admin.ensureRole(role, password);

            for (String database : new String[] {"postgres", "template1"}) {
                assertThat(server.admin()
                                .queryOne(
                                        "SELECT has_database_privilege('public', ?, 'CONNECT')",
                                        row -> row.getBoolean(1),
                                        database)
                                .orElseThrow())
                        .as("PUBLIC may connect to %s", database)
                        .isFalse();
                assertThatThrownBy(() -> DriverManager.getConnection(server.url(database), role, password)
                                .close())
                        .isInstanceOf(SQLException.class)
                        .hasMessageContaining("permission denied for database");
            }
            admin.dropRole(role);
        }
    }
}
