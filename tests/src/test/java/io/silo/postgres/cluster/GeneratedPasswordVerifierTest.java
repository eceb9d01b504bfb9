package io.silo.postgres.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.testing.SiloClient;
import io.silo.testing.TestPostgres;
import io.silo.testing.TestSilo;
import io.silo.testing.TestTenants;
import io.silo.testing.TestTenants.TestTenant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
    void theEmbeddedSuperuserHasACheapVerifierAndStillLogsIn() {
        TestPostgres server = TestPostgres.primary();
        String verifier = server.admin()
                .queryOne("SELECT rolpassword FROM pg_authid WHERE rolname = current_user", row -> row.getString(1))
                .orElseThrow();
        assertThat(verifier).startsWith("SCRAM-SHA-256$" + GeneratedPasswordVerifier.ITERATIONS + ":");
        // a fresh login with the generated password, over the same password authentication
        try (var connection =
                java.sql.DriverManager.getConnection(server.url("postgres"), server.user(), server.password())) {
            assertThat(connection.isValid(5)).isTrue();
        } catch (java.sql.SQLException e) {
            throw new AssertionError("the superuser could not log in: " + e.getMessage(), e);
        }
    }

    @Test
    void everyVerifierHasItsOwnSalt() {
        assertThat(GeneratedPasswordVerifier.of("same password"))
                .isNotEqualTo(GeneratedPasswordVerifier.of("same password"));
    }
}
