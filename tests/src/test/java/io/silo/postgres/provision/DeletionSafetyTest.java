package io.silo.postgres.provision;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.app.SiloOptions;
import io.silo.testing.Eventually;
import io.silo.testing.SiloClient;
import io.silo.testing.TestPostgres;
import io.silo.testing.TestSilo;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Deleting an organization never drops what is not its own, and never races its provisioning. */
class DeletionSafetyTest {

    /**
     * Regression: deletion dropped databases by name. A database of the same name that appeared
     * after the request was checked made provisioning fail, and deleting the failed tenant then
     * dropped the stranger's database.
     */
    @Test
    void deletingAFailedTenantLeavesAForeignDatabaseOfTheSameNameAlone() {
        SiloOptions plantForeignDatabase = SiloOptions.server().withStepObserver((job, step) -> {
            if (step.equals("database:billing") && job.kind().equals(ProvisioningJob.KIND)) {
                TestPostgres.primary().admin().useHandle(handle -> {
                    handle.execute("CREATE DATABASE billing_victim_co");
                });
            }
        });
        try (TestSilo silo = TestSilo.start(1, Map.of(), plantForeignDatabase)) {
            SiloClient admin = silo.client().asAdmin();
            SiloClient.Response created = admin.post(
                    "/api/organizations",
                    Map.of(
                            "name",
                            "Victim Co",
                            "services",
                            List.of("billing"),
                            "admin",
                            Map.of("email", "boss@victim.example", "password", "correct horse battery")));
            assertThat(created.status()).as(created.text()).isEqualTo(202);
            assertThat(created.json().path("status").asString()).isEqualTo("failed");
            assertThat(created.json().path("statusReason").asString()).contains("billing_victim_co");

            assertThat(admin.delete("/api/organizations/victim-co").status()).isEqualTo(204);

            assertThat(TestPostgres.primary()
                            .admin()
                            .query(
                                    "SELECT datname FROM pg_database WHERE datname = 'billing_victim_co'",
                                    row -> row.getString(1)))
                    .containsExactly("billing_victim_co");
            assertThat(ProvisioningCrashTest.tenantDatabasesOnServer()).containsExactly("billing_victim_co");
        }
    }

    /**
     * Regression: a delete issued while a provisioning step was creating a database left that
     * database behind, and could let provisioning flip the status back to active.
     */
    @Test
    void deletingDuringProvisioningWaitsForItAndLeavesNothing() throws Exception {
        CountDownLatch reached = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        SiloOptions slowCrm = SiloOptions.server().withStepObserver((job, step) -> {
            if (step.equals("database:crm") && job.kind().equals(ProvisioningJob.KIND)) {
                reached.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        try (TestSilo silo = TestSilo.start(1, Map.of(), slowCrm)) {
            SiloClient admin = silo.client().asAdmin();
            Thread creator = Thread.ofVirtual()
                    .start(() -> admin.post(
                            "/api/organizations",
                            Map.of(
                                    "name",
                                    "Racing Co",
                                    "services",
                                    List.of("billing", "crm"),
                                    "admin",
                                    Map.of("email", "boss@racing.example", "password", "correct horse battery"))));
            assertThat(reached.await(30, TimeUnit.SECONDS)).isTrue();

            Thread deleter = Thread.ofVirtual().start(() -> admin.delete("/api/organizations/racing-co"));
            Eventually.get(
                    Duration.ofSeconds(10),
                    () -> admin.get("/api/organizations/racing-co")
                            .json()
                            .path("status")
                            .asString(),
                    "deleting"::equals);
            release.countDown();
            creator.join(Duration.ofSeconds(60));
            deleter.join(Duration.ofSeconds(60));

            Eventually.get(
                    Duration.ofSeconds(60),
                    () -> admin.get("/api/organizations/racing-co").status(),
                    status -> status == 404);
            assertThat(ProvisioningCrashTest.tenantDatabasesOnServer()).isEmpty();
            assertThat(TestPostgres.primary()
                            .admin()
                            .query(
                                    "SELECT rolname FROM pg_roles WHERE rolname LIKE 'silo\\_t\\_%'",
                                    row -> row.getString(1)))
                    .isEmpty();
        }
    }
}
