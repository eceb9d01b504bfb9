package io.silo.http.cluster;

import static io.silo.testing.TestInvoices.invoice;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.app.SiloOptions;
import io.silo.job.StepObserver;
import io.silo.postgres.move.MoveJob;
import io.silo.testing.Eventually;
import io.silo.testing.SiloClient;
import io.silo.testing.TestPostgres;
import io.silo.testing.TestSilo;
import io.silo.testing.TestTenants;
import io.silo.testing.TestTenants.TestTenant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * An organization moves to another PostgreSQL server ({@code POST /api/admin/organizations/{org}/move},
 * the job {@value MoveJob#KIND}) while a client keeps writing and reading: every acknowledged write is
 * on the new server once, none twice; reads never fail; a write during the fence is answered 503
 * {@code database-fenced} with {@code Retry-After}; the placement switches; the old copy stays for its
 * grace, read-only, then housekeeping drops it. Killed between two steps, the move is finished by the
 * next instance's worker. The write fence's length is printed for logical replication and for a copy
 * under the fence.
 */
class OrganizationMoveTest {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String INVOICES = "/api/data/billing/invoices";
    private static final int SEEDED = 3000;

    /** Stands for the process dying just before a step of the move. */
    static final class SimulatedCrash extends Error {
        private static final long serialVersionUID = 1L;

        SimulatedCrash(String step) {
            super("simulated crash before " + step);
        }
    }

    @Test
    void aMoveWhileAClientWritesLosesNoWriteFencesWritesWith503AndNeverFailsARead() throws Exception {
        CountDownLatch fenced = new CountDownLatch(1);
        CountDownLatch goOn = new CountDownLatch(1);
        StepObserver pauseBeforeCatchUp = (job, step) -> {
            if (job.kind().equals(MoveJob.KIND) && step.equals("catch-up") && fenced.getCount() > 0) {
                fenced.countDown();
                await(goOn);
            }
        };
        try (TestSilo silo = TestSilo.start(2, Map.of(), SiloOptions.server().withStepObserver(pauseBeforeCatchUp))) {
            SiloClient admin = silo.client().asAdmin();
            TestTenant tenant =
                    TestTenants.create(silo.client(), "Mover", List.of("billing"), Map.of("cluster", "primary"));
            seed(tenant, SEEDED);
            Writer writer = new Writer(tenant.client());
            Reader reader = new Reader(tenant.client());
            Thread writing = Thread.ofVirtual().start(writer);
            Thread reading = Thread.ofVirtual().start(reader);
            Eventually.until("the writer is under way", () -> writer.acknowledged.size() >= 20);

            SiloClient.Response started =
                    admin.post("/api/admin/organizations/" + tenant.slug() + "/move", Map.of("cluster", "secondary"));
            assertThat(started.status()).as(started.toString()).isEqualTo(202);
            String job = started.json().path("id").asString();
            assertThat(fenced.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

            // the fence is up and the move paused inside it: a write is refused for a moment, a read is served
            SiloClient.Response refused = tenant.client().post(INVOICES, invoice("FENCED-1"));
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.problemType()).isEqualTo("database-fenced");
            assertThat(refused.header("Retry-After")).isPresent();
            assertThat(tenant.client().get(INVOICES + "/_count").status()).isEqualTo(200);
            goOn.countDown();

            JsonNode ended = Eventually.get(
                    WAIT,
                    () -> admin.get("/api/admin/jobs/" + job).json(),
                    body -> body.path("state").asString().matches("succeeded|failed|cancelled"));
            assertThat(ended.path("state").asString()).as(ended.toString()).isEqualTo("succeeded");
            int afterSwitch = writer.acknowledged.size();
            Eventually.until(
                    "the writer writes to the new server", () -> writer.acknowledged.size() >= afterSwitch + 20);
            writer.stop.set(true);
            reader.stop.set(true);
            writing.join();
            reading.join();

            assertThat(writer.unexpected)
                    .as("writes answered other than 201 or 503 database-fenced")
                    .isEmpty();
            assertThat(reader.failures).as("reads that failed").isEmpty();
            assertThat(placement(silo, tenant)).containsOnly("secondary");
            JsonNode move = ended.path("move");
            assertThat(move.path("method").asString()).isEqualTo("logical");
            assertThat(move.path("counts").path("billing").path("invoices").asLong())
                    .isGreaterThanOrEqualTo(SEEDED);

            // every acknowledged write is on the new server, once; nothing else was written
            List<String> numbers = TestPostgres.secondary()
                    .jdbc(tenant.database("billing"))
                    .query(
                            "SELECT doc->>'number' FROM invoices WHERE doc->>'number' LIKE 'W-%'",
                            row -> row.getString(1));
            assertThat(numbers).doesNotHaveDuplicates();
            assertThat(new HashSet<>(numbers)).isEqualTo(writer.acknowledged);
            assertThat(tenant.client()
                            .get(INVOICES + "/_count")
                            .json()
                            .path("count")
                            .asLong())
                    .isEqualTo(SEEDED + writer.acknowledged.size());
            System.out.printf(
                    "move while writing (logical, paused inside the fence): fence %d ms, %d writes acknowledged, %d refused,"
                            + " longest refused window seen by the writer %d ms%n",
                    move.path("fenceMs").asLong(),
                    writer.acknowledged.size(),
                    writer.refused.get(),
                    writer.longestRefusal.get());

            assertOldCopyKeptThenDropped(silo, tenant);
        }
    }

    @Test
    void aMoveKilledBetweenStepsIsFinishedByTheNextInstance() {
        AtomicBoolean crashed = new AtomicBoolean();
        StepObserver crashBeforeCatchUp = (job, step) -> {
            if (job.kind().equals(MoveJob.KIND) && step.equals("catch-up") && crashed.compareAndSet(false, true)) {
                throw new SimulatedCrash(step);
            }
        };
        try (TestSilo silo = TestSilo.start(
                2, Map.of("SILO_JOBS_LEASE", "1s"), SiloOptions.server().withStepObserver(crashBeforeCatchUp))) {
            TestTenant tenant = TestTenants.create(
                    silo.client(), "Crashing Mover", List.of("billing", "crm"), Map.of("cluster", "primary"));
            seed(tenant, 500);
            SiloClient admin = silo.client().asAdmin();
            String job = admin.post(
                            "/api/admin/organizations/" + tenant.slug() + "/move", Map.of("cluster", "secondary"))
                    .json()
                    .path("id")
                    .asString();
            Eventually.until("the move died before catch-up", crashed::get);

            silo.restart(SiloOptions.server());
            SiloClient again = silo.client().asAdmin();
            JsonNode ended = Eventually.get(
                    WAIT,
                    () -> again.get("/api/admin/jobs/" + job).json(),
                    body -> body.path("state").asString().matches("succeeded|failed|cancelled"));
            assertThat(ended.path("state").asString()).as(ended.toString()).isEqualTo("succeeded");
            assertThat(placement(silo, tenant)).containsOnly("secondary");
            SiloClient member =
                    TestTenants.signIn(silo.client(), tenant.slug(), tenant.adminEmail(), TestTenants.PASSWORD);
            assertThat(member.get(INVOICES + "/_count").json().path("count").asLong())
                    .isEqualTo(500);
            assertThat(member.post(INVOICES, invoice("AFTER-1")).status()).isEqualTo(201);
            assertThat(TestPostgres.primary()
                            .admin()
                            .query("SELECT slot_name FROM pg_replication_slots", row -> row.getString(1)))
                    .as("no replication slot is left")
                    .isEmpty();
        }
    }

    @Test
    void theFenceOfAFewThousandDocumentsByLogicalReplicationAndByCopy() {
        try (TestSilo silo = TestSilo.start(2, Map.of())) {
            SiloClient admin = silo.client().asAdmin();
            Map<String, Long> fences = new java.util.LinkedHashMap<>();
            for (String method : List.of("logical", "copy")) {
                TestTenant tenant = TestTenants.create(
                        silo.client(), "Measured " + method, List.of("billing"), Map.of("cluster", "primary"));
                seed(tenant, SEEDED);
                String job = admin.post(
                                "/api/admin/organizations/" + tenant.slug() + "/move",
                                Map.of("cluster", "secondary", "method", method))
                        .json()
                        .path("id")
                        .asString();
                JsonNode ended = Eventually.get(
                        WAIT,
                        () -> admin.get("/api/admin/jobs/" + job).json(),
                        body -> body.path("state").asString().matches("succeeded|failed|cancelled"));
                assertThat(ended.path("state").asString()).as(ended.toString()).isEqualTo("succeeded");
                assertThat(ended.path("move").path("method").asString()).isEqualTo(method);
                assertThat(ended.path("move")
                                .path("counts")
                                .path("billing")
                                .path("invoices")
                                .asLong())
                        .isEqualTo(SEEDED);
                assertThat(tenant.client()
                                .get(INVOICES + "/_count")
                                .json()
                                .path("count")
                                .asLong())
                        .isEqualTo(SEEDED);
                fences.put(method, ended.path("move").path("fenceMs").asLong());
            }
            System.out.println("write fence of a move of " + SEEDED + " invoices, ms by method: " + fences);
        }
    }

    @Test
    void aMoveBackWithinTheGraceKeepsTheLiveCopyAndTheDropSweepWaitsForTheTenantsLease() {
        try (TestSilo silo = TestSilo.start(2, Map.of())) {
            SiloClient admin = silo.client().asAdmin();
            TestTenant tenant =
                    TestTenants.create(silo.client(), "Returner", List.of("billing"), Map.of("cluster", "primary"));
            seed(tenant, 200);
            String path = "/api/admin/organizations/" + tenant.slug() + "/move";
            assertThat(moved(admin, path, "secondary").path("state").asString()).isEqualTo("succeeded");
            assertThat(tenant.client().post(INVOICES, invoice("ON-SECONDARY")).status())
                    .isEqualTo(201);
            // back before the grace ends: the old copy on primary is taken over, emptied and filled again
            assertThat(moved(admin, path, "primary").path("state").asString()).isEqualTo("succeeded");
            assertThat(placement(silo, tenant)).containsOnly("primary");
            String database = tenant.database("billing");

            silo.control().update("UPDATE tenant_moves SET drop_after = now() WHERE slug = ?", tenant.slug());
            // another job holds the organization (a move starting): the sweep leaves its copies alone
            silo.control()
                    .update(
                            "INSERT INTO leases (name, holder, until) VALUES (?, 'move:another', now() + interval '1 hour')",
                            "tenant:" + tenant.id());
            assertThat(silo.silo().application().moves().dropExpired()).isZero();
            assertThat(databaseExists(TestPostgres.secondary(), database)).isTrue();
            silo.control().update("DELETE FROM leases WHERE holder = 'move:another'");

            // both moves cleared: the copy on primary is live and stays, the one on secondary goes
            assertThat(silo.silo().application().moves().dropExpired()).isEqualTo(2);
            assertThat(databaseExists(TestPostgres.primary(), database)).isTrue();
            assertThat(databaseExists(TestPostgres.secondary(), database)).isFalse();
            assertThat(silo.control().query("SELECT count(*) FROM leases", row -> row.getLong(1)))
                    .as("the sweep released the tenant's lease")
                    .containsExactly(0L);
            assertThat(tenant.client()
                            .get(INVOICES + "/_count")
                            .json()
                            .path("count")
                            .asLong())
                    .isEqualTo(201);
            assertThat(tenant.client()
                            .post(INVOICES, invoice("BACK-ON-PRIMARY"))
                            .status())
                    .isEqualTo(201);
        }
    }

    private static JsonNode moved(SiloClient admin, String path, String cluster) {
        SiloClient.Response started = admin.post(path, Map.of("cluster", cluster));
        assertThat(started.status()).as(started.toString()).isEqualTo(202);
        String job = started.json().path("id").asString();
        return Eventually.get(
                WAIT,
                () -> admin.get("/api/admin/jobs/" + job).json(),
                body -> body.path("state").asString().matches("succeeded|failed|cancelled"));
    }

    @Test
    void aMoveUnderWayCountsAgainstItsTargetsCapacity() {
        CountDownLatch copying = new CountDownLatch(1);
        CountDownLatch goOn = new CountDownLatch(1);
        StepObserver pauseBeforeCopy = (job, step) -> {
            if (job.kind().equals(MoveJob.KIND) && step.equals("copy") && copying.getCount() > 0) {
                copying.countDown();
                await(goOn);
            }
        };
        try (TestSilo silo = TestSilo.start(2, Map.of(), SiloOptions.server().withStepObserver(pauseBeforeCopy))) {
            SiloClient admin = silo.client().asAdmin();
            TestTenant first =
                    TestTenants.create(silo.client(), "First Mover", List.of("billing"), Map.of("cluster", "primary"));
            TestTenant second =
                    TestTenants.create(silo.client(), "Second Mover", List.of("billing"), Map.of("cluster", "primary"));
            // room for one organization of two databases, not for two
            silo.control().update("UPDATE clusters SET capacity = 3 WHERE id = 'secondary'");
            SiloClient.Response started =
                    admin.post("/api/admin/organizations/" + first.slug() + "/move", Map.of("cluster", "secondary"));
            assertThat(started.status()).as(started.toString()).isEqualTo(202);
            await(copying);
            try {
                SiloClient.Response full = admin.post(
                        "/api/admin/organizations/" + second.slug() + "/move", Map.of("cluster", "secondary"));
                assertThat(full.status()).as(full.toString()).isEqualTo(409);
                assertThat(full.problemType()).isEqualTo("cluster-full");
            } finally {
                goOn.countDown();
            }
            String job = started.json().path("id").asString();
            JsonNode ended = Eventually.get(
                    WAIT,
                    () -> admin.get("/api/admin/jobs/" + job).json(),
                    body -> body.path("state").asString().matches("succeeded|failed|cancelled"));
            assertThat(ended.path("state").asString()).as(ended.toString()).isEqualTo("succeeded");
            assertThat(placement(silo, second)).containsOnly("primary");
        }
    }

    @Test
    void aMoveThatCannotStartIsRefusedBeforeAnythingChanges() {
        try (TestSilo silo = TestSilo.start(2, Map.of())) {
            SiloClient admin = silo.client().asAdmin();
            TestTenant tenant =
                    TestTenants.create(silo.client(), "Stayer", List.of("billing"), Map.of("cluster", "primary"));
            String path = "/api/admin/organizations/" + tenant.slug() + "/move";

            SiloClient.Response same = admin.post(path, Map.of("cluster", "primary"));
            assertThat(same.status()).isEqualTo(409);
            assertThat(same.problemType()).isEqualTo("move-refused");
            assertThat(admin.post(path, Map.of("cluster", "nowhere")).problemType())
                    .isEqualTo("unknown-cluster");
            assertThat(admin.post(path, Map.of()).problemType()).isEqualTo("missing-field");
            assertThat(admin.post(path, Map.of("cluster", "secondary", "method", "teleport"))
                            .problemType())
                    .isEqualTo("invalid-json");
            assertThat(admin.post("/api/admin/organizations/nobody/move", Map.of("cluster", "secondary"))
                            .status())
                    .isEqualTo(404);
            SiloClient.Response member = tenant.client().post(path, Map.of("cluster", "secondary"));
            assertThat(member.status()).isEqualTo(403);
            assertThat(silo.client().post(path, Map.of("cluster", "secondary")).status())
                    .isEqualTo(401);
            admin.patch("/api/admin/clusters/secondary", Map.of("acceptingTenants", false));
            assertThat(admin.post(path, Map.of("cluster", "secondary")).problemType())
                    .isEqualTo("cluster-not-accepting");

            assertThat(placement(silo, tenant)).containsOnly("primary");
            assertThat(silo.control().query("SELECT count(*) FROM tenant_moves", row -> row.getLong(1)))
                    .containsExactly(0L);
            assertThat(silo.control().query("SELECT count(*) FROM leases", row -> row.getLong(1)))
                    .containsExactly(0L);
        }
    }

    private static void assertOldCopyKeptThenDropped(TestSilo silo, TestTenant tenant) {
        String database = tenant.database("billing");
        TestPostgres primary = TestPostgres.primary();
        assertThat(databaseExists(primary, database))
                .as("the old copy is kept for its grace")
                .isTrue();
        silo.control().update("UPDATE tenant_moves SET drop_after = now() WHERE slug = ?", tenant.slug());
        assertThat(silo.silo().application().moves().dropExpired()).isEqualTo(1);
        assertThat(databaseExists(primary, database)).isFalse();
        assertThat(databaseExists(TestPostgres.secondary(), database)).isTrue();
        assertThat(tenant.client().get(INVOICES + "/_count").status()).isEqualTo(200);
    }

    private static boolean databaseExists(TestPostgres server, String database) {
        return !server.admin()
                .query("SELECT 1 FROM pg_database WHERE datname = ?", row -> 1, database)
                .isEmpty();
    }

    private static List<String> placement(TestSilo silo, TestTenant tenant) {
        return silo.control()
                .query(
                        "SELECT cluster_id FROM tenant_databases WHERE tenant_id = ?::uuid",
                        row -> row.getString(1),
                        tenant.id());
    }

    private static void seed(TestTenant tenant, int count) {
        for (int start = 0; start < count; start += 100) {
            List<Map<String, Object>> operations = new ArrayList<>();
            for (int index = start; index < Math.min(count, start + 100); index++) {
                operations.add(Map.of("op", "insert", "collection", "invoices", "body", invoice("S-" + index)));
            }
            SiloClient.Response batch =
                    tenant.client().post("/api/data/billing/_batch", Map.of("operations", operations));
            assertThat(batch.status()).as(batch.toString()).isEqualTo(200);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes numbered invoices one after another; a refused one is tried again with the same number. */
    private static final class Writer implements Runnable {
        final SiloClient client;
        final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        final List<String> unexpected = new java.util.concurrent.CopyOnWriteArrayList<>();
        final AtomicLong refused = new AtomicLong();
        final AtomicLong longestRefusal = new AtomicLong();
        final AtomicBoolean stop = new AtomicBoolean();

        Writer(SiloClient client) {
            this.client = client;
        }

        @Override
        public void run() {
            int next = 0;
            long refusedSince = 0;
            while (!stop.get()) {
                String number = "W-" + next;
                SiloClient.Response response = client.post(INVOICES, invoice(number));
                if (response.status() == 201) {
                    acknowledged.add(number);
                    next++;
                    if (refusedSince != 0) {
                        longestRefusal.accumulateAndGet((System.nanoTime() - refusedSince) / 1_000_000, Math::max);
                        refusedSince = 0;
                    }
                } else if (response.status() == 503
                        && response.problemType().equals("database-fenced")
                        && response.header("Retry-After").isPresent()) {
                    refused.incrementAndGet();
                    refusedSince = refusedSince == 0 ? System.nanoTime() : refusedSince;
                    sleep(5); // a real client waits Retry-After; this one tries again soon, to see the fence end
                } else {
                    unexpected.add(number + ": " + response);
                    return;
                }
            }
        }
    }

    /** Reads the count again and again; every answer must be a 200. */
    private static final class Reader implements Runnable {
        final SiloClient client;
        final List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        final AtomicBoolean stop = new AtomicBoolean();

        Reader(SiloClient client) {
            this.client = client;
        }

        @Override
        public void run() {
            while (!stop.get()) {
                SiloClient.Response response = client.get(INVOICES + "/_count");
                if (response.status() != 200) {
                    failures.add(response.toString());
                }
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
