package io.silo.postgres.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.silo.postgres.embedded.EmbeddedServer;
import io.silo.testing.SiloClient;
import io.silo.testing.TestPostgres;
import io.silo.testing.TestSilo;
import io.silo.testing.TestTenants;
import io.silo.testing.TestTenants.TestTenant;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;
import org.slf4j.LoggerFactory;

/**
 * A password Silo generates is stored as a SCRAM verifier with few iterations (a random password
 * gains nothing from stretching): a tenant role's, which still logs in with it, also after a
 * suspension closed its pools, and the embedded server's superuser's.
 */
class GeneratedPasswordVerifierTest {

    @Test
    void tenantRolesHaveCheapVerifiersAndStillLogIn() {
        try (TestSilo silo = TestSilo.start(1, Map.of())) {
            TestTenant tenant =
                    TestTenants.create(silo.client(), "Verifier Co " + System.nanoTime(), List.of("billing"));
            String role = silo.control()
                    .queryOne("SELECT db_role FROM tenants WHERE id = ?::uuid", row -> row.getString(1), tenant.id())
                    .orElseThrow();

            String verifier = TestPostgres.primary()
                    .admin()
                    .queryOne("SELECT rolpassword FROM pg_authid WHERE rolname = ?", row -> row.getString(1), role)
                    .orElseThrow();
            assertThat(verifier).startsWith("SCRAM-SHA-256$" + GeneratedPasswordVerifier.ITERATIONS + ":");

            SiloClient client = tenant.client();
            SiloClient.Response created = client.post(
                    "/api/data/billing/invoices",
                    Map.of(
                            "number",
                            "INV-1",
                            "customer",
                            Map.of("name", "Ada"),
                            "status",
                            "draft",
                            "currency",
                            "EUR",
                            "total",
                            10,
                            "issueDate",
                            "2026-11-01",
                            "items",
                            List.of(Map.of("description", "consulting", "quantity", 1, "unitPrice", 10))));
            assertThat(created.status()).as(created.text()).isEqualTo(201);
            // suspending closes the tenant's pools: the read after it logs in anew
            SiloClient admin = silo.client().asAdmin();
            assertThat(admin.post("/api/organizations/" + tenant.slug() + "/suspend", Map.of())
                            .status())
                    .isEqualTo(200);
            assertThat(admin.post("/api/organizations/" + tenant.slug() + "/activate", Map.of())
                            .status())
                    .isEqualTo(200);
            assertThat(client.get("/api/data/billing/invoices/"
                                    + created.json().path("_id").asString())
                            .status())
                    .isEqualTo(200);
        }
    }

    @Test
    void theEmbeddedSuperuserHasACheapVerifierAndStillLogsIn() throws SQLException {
        TestPostgres server = TestPostgres.primary();
        String verifier = server.admin()
                .queryOne("SELECT rolpassword FROM pg_authid WHERE rolname = current_user", row -> row.getString(1))
                .orElseThrow();
        assertThat(verifier).startsWith("SCRAM-SHA-256$" + GeneratedPasswordVerifier.ITERATIONS + ":");
        // a fresh login with the generated password, over the same password authentication
        try (Connection connection =
                DriverManager.getConnection(server.url("postgres"), server.user(), server.password())) {
            assertThat(connection.isValid(5)).isTrue();
        }
    }

    @Test
    void anOlderDataDirectorysSuperuserGetsTheCheapVerifierAtItsNextStart(@TempDir Path home) throws SQLException {
        try (EmbeddedServer server = EmbeddedServer.start(home, 0, false, 20)) {
            // as a data directory secured before the cheap verifier was: pgjdbc's default of 4,096 iterations
            try (Connection connection =
                    DriverManager.getConnection(server.jdbcUrl("postgres"), server.user(), server.password())) {
                connection
                        .unwrap(PGConnection.class)
                        .alterUserPassword(server.user(), server.password().toCharArray(), "scram-sha-256");
            }
            assertThat(superuserVerifier(server)).startsWith("SCRAM-SHA-256$4096:");
        }
        try (EmbeddedServer server = EmbeddedServer.start(home, 0, false, 20)) {
            assertThat(superuserVerifier(server))
                    .startsWith("SCRAM-SHA-256$" + GeneratedPasswordVerifier.ITERATIONS + ":");
        }
    }

    @Test
    void aSuperuserVerifierThatCannotBeReplacedIsWarnedOfAndTheServerStartsAnyway(@TempDir Path home)
            throws SQLException {
        try (EmbeddedServer server = EmbeddedServer.start(home, 0, false, 20);
                Connection connection =
                        DriverManager.getConnection(server.jdbcUrl("postgres"), server.user(), server.password())) {
            connection
                    .unwrap(PGConnection.class)
                    .alterUserPassword(server.user(), server.password().toCharArray(), "scram-sha-256");
            // from the next start on, every transaction is read-only: ALTER ROLE is refused
            connection.createStatement().execute("ALTER SYSTEM SET default_transaction_read_only = on");
        }
        Logger logger = (Logger) LoggerFactory.getLogger(EmbeddedServer.class);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        try (EmbeddedServer server = EmbeddedServer.start(home, 0, false, 20)) {
            assertThat(superuserVerifier(server)).as("kept as it was").startsWith("SCRAM-SHA-256$4096:");
            assertThat(events.list).anySatisfy(event -> {
                assertThat(event.getLevel()).isEqualTo(Level.WARN);
                assertThat(event.getFormattedMessage())
                        .contains("keeps its verifier of more iterations")
                        .contains("read-only")
                        .doesNotContain(server.password());
            });
        } finally {
            logger.detachAppender(events);
        }
    }

    private static String superuserVerifier(EmbeddedServer server) throws SQLException {
        try (Connection connection =
                        DriverManager.getConnection(server.jdbcUrl("postgres"), server.user(), server.password());
                var rows = connection
                        .createStatement()
                        .executeQuery("SELECT rolpassword FROM pg_authid WHERE rolname = current_user")) {
            assertThat(rows.next()).isTrue();
            return rows.getString(1);
        }
    }

    @Test
    void everyVerifierHasItsOwnSalt() {
        assertThat(GeneratedPasswordVerifier.of("same password"))
                .isNotEqualTo(GeneratedPasswordVerifier.of("same password"));
    }
}
