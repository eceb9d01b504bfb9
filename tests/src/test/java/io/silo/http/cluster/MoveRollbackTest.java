package io.silo.http.cluster;

import static io.silo.testing.TestInvoices.invoice;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.app.SiloOptions;
import io.silo.config.SiloConfig;
import io.silo.job.StepObserver;
import io.silo.postgres.move.MoveJob;
import io.silo.testing.Eventually;
import io.silo.testing.FaultProxy;
import io.silo.testing.SiloClient;
import io.silo.testing.TestPostgres;
import io.silo.testing.TestSilo;
import io.silo.testing.TestTenants;
import io.silo.testing.TestTenants.TestTenant;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A move that fails inside its write fence because the target cluster went away (the likeliest
 * reason a move fails) is rolled back from the source side: the organization takes writes again at
 * once, although nothing on the target could be cleaned up; housekeeping removes what was left there
 * once the target is back, and a later move to that cluster succeeds. A move left under way by a roll back that could not finish is
 * rolled back by housekeeping.
 */
class MoveRollbackTest {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String INVOICES = "/api/data/billing/invoices";

    @Test
    void aMoveWhoseTargetDiesInsideTheFenceIsRolledBackAndWritesResume() {
        AtomicReference<FaultProxy> target = new AtomicReference<>();
        AtomicBoolean cut = new AtomicBoolean();
        StepObserver cutTheTargetBeforeCatchUp = (job, step) -> {
            if (job.kind().equals(MoveJob.KIND) && step.equals("catch-up") && cut.compareAndSet(false, true)) {
                target.get().mode(FaultProxy.Mode.REFUSE);
                target.get().resetAll();
            }
        };
        try (FaultProxy proxy = FaultProxy.to(TestPostgres.secondary().port());
                TestSilo silo = siloWithSecondaryBehind(
                        proxy, SiloOptions.server().withStepObserver(cutTheTargetBeforeCatchUp))) {
            target.set(proxy);
            SiloClient admin = silo.client().asAdmin();
            TestTenant tenant =
                    TestTenants.create(silo.client(), "Stranded", List.of("billing"), Map.of("cluster", "primary"));
            for (int index = 0; index < 50; index++) {
                assertThat(tenant.client().post(INVOICES, invoice("S-" + index)).status())
                        .isEqualTo(201);
            }
            String path = "/api/admin/organizations/" + tenant.slug() + "/move";

            JsonNode failed = awaitEnd(admin, start(admin, path));
            assertThat(cut.get()).isTrue();
            assertThat(failed.path("state").asString()).as(failed.toString()).isEqualTo("failed");
            // the job is recorded as failed first, then rolled back
            Eventually.until(
                    "the move is rolled back",
                    () -> admin.get("/api/admin/jobs/" + failed.path("id").asString())
                            .json()
                            .path("move")
                            .path("state")
                            .asString()
                            .equals("rolled-back"));
            assertThat(placement(silo, tenant)).containsOnly("primary/ready");
            SiloClient.Response written = tenant.client().post(INVOICES, invoice("AFTER-ROLLBACK"));
            assertThat(written.status()).as(written.toString()).isEqualTo(201);
            // released once the clean-up on the target gave up (a connection timeout)
            Eventually.get(
                    WAIT,
                    () -> silo.control().query("SELECT count(*) FROM leases", row -> row.getLong(1)),
                    leases -> leases.equals(List.of(0L)));

            // a roll back that could not reach the source leaves the move under way, fenced: housekeeping finishes it
            silo.control()
                    .update(
                            "UPDATE tenant_moves SET state = 'fenced' WHERE job_id = ?::uuid",
                            failed.path("id").asString());
            silo.control()
                    .update(
                            "UPDATE tenant_databases SET state = 'write-fenced' WHERE tenant_id = ?::uuid",
                            tenant.id());
            Eventually.until(
                    "writes are fenced",
                    () -> tenant.client().post(INVOICES, invoice("FENCED")).status() == 503);
            assertThat(silo.silo().application().moves().rollBackAbandoned()).isEqualTo(1);
            assertThat(silo.silo().application().moves().rollBackAbandoned()).isZero();
            Eventually.until(
                    "writes are taken again",
                    () -> tenant.client().post(INVOICES, invoice("AFTER-SWEEP")).status() == 201);

            // the target back: housekeeping removes what the failed move left there, once
            proxy.mode(FaultProxy.Mode.PASS);
            String copy = tenant.database("billing");
            assertThat(databasesNamed(copy)).as("the copy left on the target").isEqualTo(1);
            assertThat(silo.silo().application().moves().cleanUpAfterRollBacks())
                    .isEqualTo(1);
            assertThat(silo.silo().application().moves().cleanUpAfterRollBacks())
                    .isZero();
            assertThat(databasesNamed(copy)).as("the copy left on the target").isZero();
            assertThat(TestPostgres.secondary()
                            .admin()
                            .query("SELECT subname FROM pg_subscription", row -> row.getString(1)))
                    .isEmpty();
            long before = count(tenant);
            JsonNode moved = awaitEnd(admin, start(admin, path));
            assertThat(moved.path("state").asString()).as(moved.toString()).isEqualTo("succeeded");
            assertThat(placement(silo, tenant)).containsOnly("secondary/ready");
            assertThat(before).isGreaterThanOrEqualTo(52);
            assertThat(count(tenant)).isEqualTo(before);
            assertThat(tenant.client().post(INVOICES, invoice("AFTER-MOVE")).status())
                    .isEqualTo(201);
            assertThat(TestPostgres.secondary()
                            .admin()
                            .query("SELECT subname FROM pg_subscription", row -> row.getString(1)))
                    .as("no subscription is left on the target")
                    .isEmpty();
        }
    }

    private static long databasesNamed(String name) {
        return TestPostgres.secondary()
                .admin()
                .query("SELECT count(*) FROM pg_database WHERE datname = ?", row -> row.getLong(1), name)
                .getFirst();
    }

    private static long count(TestTenant tenant) {
        return tenant.client().get(INVOICES + "/_count").json().path("count").asLong();
    }

    private static String start(SiloClient admin, String path) {
        SiloClient.Response started = admin.post(path, Map.of("cluster", "secondary"));
        assertThat(started.status()).as(started.toString()).isEqualTo(202);
        return started.json().path("id").asString();
    }

    private static JsonNode awaitEnd(SiloClient admin, String job) {
        return Eventually.get(
                WAIT,
                () -> admin.get("/api/admin/jobs/" + job).json(),
                body -> body.path("state").asString().matches("succeeded|failed|cancelled"));
    }

    private static List<String> placement(TestSilo silo, TestTenant tenant) {
        return silo.control()
                .query(
                        "SELECT cluster_id || '/' || state FROM tenant_databases WHERE tenant_id = ?::uuid",
                        row -> row.getString(1),
                        tenant.id());
    }

    /** Both servers reset; cluster {@code secondary} reached through {@code proxy}; a failed step is not retried. */
    private static TestSilo siloWithSecondaryBehind(FaultProxy proxy, SiloOptions options) {
        TestPostgres server = TestPostgres.secondary();
        TestPostgres.primary().reset();
        server.reset();
        SiloConfig config = TestSilo.config(1, Map.of("SILO_JOBS_MAX_ATTEMPTS", "1"));
        return TestSilo.resume(
                config.withClusters(List.of(new SiloConfig.Cluster(
                        "secondary",
                        "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/postgres",
                        server.user(),
                        server.password(),
                        Map.of("zone", "b"),
                        5000,
                        config.pools().defaultBudget()))),
                options);
    }
}
