package io.silo.postgres.provision;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.app.SiloOptions;
import io.silo.job.StepObserver;
import io.silo.testing.Eventually;
import io.silo.testing.SiloClient;
import io.silo.testing.TestPostgres;
import io.silo.testing.TestSilo;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * A process that dies before any step of provisioning or deletion leaves a job that another
 * instance finishes: the tenant ends active with every database, or gone with none, and no
 * database or role is orphaned. The crash is an Error thrown before the step, which the runner
 * does not record, exactly like a killed process ({@link ProvisioningKillTest} kills one for real).
 */
class ProvisioningCrashTest {
    private static final Map<String, String> SHORT_LEASE = Map.of("SILO_JOBS_LEASE", "1s");

    /** Stands for the process dying: the runner does not catch it, so the job stays leased to a dead worker. */
    static final class SimulatedCrash extends Error {
        private static final long serialVersionUID = 1L;

        SimulatedCrash(String step) {
            super("simulated crash before " + step);
        }
    }

    static StepObserver crashOnceBefore(String kind, String target) {
        AtomicBoolean crashed = new AtomicBoolean();
        return (job, step) -> {
            if (job.kind().equals(kind) && step.equals(target) && crashed.compareAndSet(false, true)) {
                throw new SimulatedCrash(step);
            }
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"role", "database:core", "database:billing", "admin-user", "directory", "activate"})
    void provisioningResumesAfterACrashBeforeAnyStep(String step) {
        try (TestSilo silo = TestSilo.start(
                1, SHORT_LEASE, SiloOptions.server().withStepObserver(crashOnceBefore(ProvisioningJob.KIND, step)))) {
            SiloClient admin = silo.client().asAdmin();
            SiloClient.Response crashed = admin.post(
                    "/api/organizations",
                    Map.of(
                            "name",
                            "Crash Co",
                            "services",
                            List.of("billing"),
                            "admin",
                            Map.of("email", "boss@crash.example", "password", "correct horse battery")));
            assertThat(crashed.status()).as(crashed.text()).isEqualTo(500);

            silo.restart(SiloOptions.server());
            SiloClient fresh = silo.client().asAdmin();
            JsonNode tenant = Eventually.get(
                    Duration.ofSeconds(30),
                    () -> fresh.get("/api/organizations/crash-co").json(),
                    body -> "active".equals(body.path("status").asString()));

            assertThat(tenant.path("databases").findValuesAsString("state")).containsOnly("ready");
            assertThat(tenantDatabasesOnServer())
                    .containsExactlyInAnyOrderElementsOf(
                            tenant.path("databases").findValuesAsString("name"));
            String core = tenant.path("databases").get(0).path("name").asString();
            assertThat(TestPostgres.primary().jdbc(core).query("SELECT count(*) FROM users", row -> row.getLong(1)))
                    .containsExactly(1L);
            assertThat(silo.control().query("SELECT login FROM directory", row -> row.getString(1)))
                    .containsExactly("boss@crash.example");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"close", "drop:core", "drop:billing", "role", "forget"})
    void deletionResumesAfterACrashBeforeAnyStep(String step) {
        try (TestSilo silo = TestSilo.start(
                1, SHORT_LEASE, SiloOptions.server().withStepObserver(crashOnceBefore(DeletionJob.KIND, step)))) {
            SiloClient admin = silo.client().asAdmin();
            assertThat(admin.post(
                                    "/api/organizations",
                                    Map.of(
                                            "name",
                                            "Doomed",
                                            "services",
                                            List.of("billing"),
                                            "admin",
                                            Map.of(
                                                    "email",
                                                    "boss@doomed.example",
                                                    "password",
                                                    "correct horse battery")))
                            .status())
                    .isEqualTo(201);
            String role = silo.control()
                    .query("SELECT db_role FROM tenants", row -> row.getString(1))
                    .getFirst();

            assertThat(admin.delete("/api/organizations/doomed").status()).isEqualTo(500);

            silo.restart(SiloOptions.server());
            SiloClient fresh = silo.client().asAdmin();
            Eventually.get(
                    Duration.ofSeconds(30),
                    () -> fresh.get("/api/organizations/doomed").status(),
                    status -> status == 404);

            assertThat(tenantDatabasesOnServer()).isEmpty();
            assertThat(TestPostgres.primary()
                            .admin()
                            .query("SELECT rolname FROM pg_roles WHERE rolname = ?", row -> row.getString(1), role))
                    .isEmpty();
            assertThat(silo.control().query("SELECT count(*) FROM directory", row -> row.getLong(1)))
                    .containsExactly(0L);
        }
    }

    /** Every database on the server but the system, control and template ones. */
    static List<String> tenantDatabasesOnServer() {
        return TestPostgres.primary().admin().query("""
                SELECT datname FROM pg_database
                WHERE datname NOT IN ('postgres', 'template0', 'template1', 'silo') AND datname NOT LIKE 'silo\\_tpl\\_%'
                """, row -> row.getString(1));
    }
}
