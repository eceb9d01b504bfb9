package io.silo.http.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.silo.app.SiloOptions;
import io.silo.app.identity.CommitObserver;
import io.silo.app.retention.LogRetention;
import io.silo.job.Job;
import io.silo.job.JobHandler;
import io.silo.job.JobState;
import io.silo.job.StepObserver;
import io.silo.json.Json;
import io.silo.postgres.jdbc.Jdbc;
import io.silo.postgres.job.JobRunner;
import io.silo.postgres.job.JobStore;
import io.silo.postgres.job.Leases;
import io.silo.testing.Eventually;
import io.silo.testing.SiloClient;
import io.silo.testing.TestClock;
import io.silo.testing.TestSilo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Jobs you can watch: the listing and its filters, progress inside a step, cancellation of a
 * pending and of a running job, the per-tenant lease, and log retention on a test clock. The Silo
 * runs no background workers, so the test's own runners are the only ones to claim its jobs.
 */
class JobsTest {
    private static final TestClock CLOCK = new TestClock();
    private static TestSilo silo;
    private static SiloClient admin;
    private static JobStore store;
    private static Leases leases;

    @BeforeAll
    static void start() {
        silo = TestSilo.start(1, Map.of(), new SiloOptions(CLOCK, StepObserver.NONE, true, false, CommitObserver.NONE));
        admin = silo.client().asAdmin();
        store = new JobStore(silo.control());
        leases = new Leases(silo.control());
    }

    @AfterAll
    static void stop() {
        silo.close();
    }

    @Test
    void listingFiltersByOrganizationStateAndKindAndPagesWithACursor() {
        JsonNode first = create("jobs-first");
        JsonNode second = create("jobs-second");

        JsonNode mine = admin.get("/api/admin/jobs?organization=jobs-first").json();
        assertThat(mine.path("items")).hasSize(1);
        assertThat(mine.path("items").get(0).path("id").asString())
                .isEqualTo(first.path("job").path("id").asString());
        assertThat(admin.get("/api/admin/jobs?organization=" + second.path("id").asString())
                        .json()
                        .path("items")
                        .get(0)
                        .path("tenantId")
                        .asString())
                .isEqualTo(second.path("id").asString());

        JsonNode page = admin.get("/api/admin/jobs?kind=tenant.provision&state=succeeded&limit=1")
                .json();
        assertThat(page.path("items")).hasSize(1);
        String newest = page.path("items").get(0).path("id").asString();
        assertThat(newest).isEqualTo(second.path("job").path("id").asString());
        JsonNode next = admin.get("/api/admin/jobs?kind=tenant.provision&state=succeeded&limit=1&cursor="
                        + page.path("nextCursor").asString())
                .json();
        assertThat(next.path("items").get(0).path("id").asString()).isNotEqualTo(newest);

        assertThat(admin.get("/api/admin/jobs?state=sleeping").problemType()).isEqualTo("invalid-status");
        assertThat(admin.get("/api/admin/jobs?organization=no-such-org").problemType())
                .isEqualTo("organization-not-found");
        assertThat(admin.get("/api/admin/jobs?cursor=forged").problemType()).isEqualTo("invalid-cursor");
        assertThat(silo.client().get("/api/admin/jobs").status()).isEqualTo(401);
    }

    @Test
    void aCancelledPendingJobNeverStartsAndCancellingAgainAnswersTheSame() {
        AtomicInteger ran = new AtomicInteger();
        Job job = pending("test.pending", UUID.randomUUID(), List.of("only"), Duration.ofHours(1));

        SiloClient.Response cancelled = admin.post("/api/admin/jobs/" + job.id() + "/cancel", Map.of());
        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.json().path("state").asString()).isEqualTo("cancelled");
        assertThat(admin.post("/api/admin/jobs/" + job.id() + "/cancel", Map.of())
                        .json()
                        .path("state")
                        .asString())
                .as("idempotent")
                .isEqualTo("cancelled");

        try (JobRunner runner = runner(List.of(handler("test.pending", (j, step) -> ran.incrementAndGet())), 1)) {
            assertThat(runner.runNow(job.id(), Duration.ZERO).state()).isEqualTo(JobState.CANCELLED);
        }
        assertThat(ran).as("the cancelled job's step never ran").hasValue(0);
    }

    @Test
    void cancellingAFinishedJobIsAConflict() {
        JsonNode created = create("jobs-finished");
        SiloClient.Response refused =
                admin.post("/api/admin/jobs/" + created.path("job").path("id").asString() + "/cancel", Map.of());
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.problemType()).isEqualTo("job-finished");
        assertThat(admin.post("/api/admin/jobs/" + UUID.randomUUID() + "/cancel", Map.of())
                        .problemType())
                .isEqualTo("job-not-found");
    }

    /** A deletion half done has dropped databases that cannot come back: it runs to its end once asked for. */
    @Test
    void aDeletionCannotBeCancelled() {
        UUID id = UUID.randomUUID();
        silo.control()
                .update(
                        "INSERT INTO jobs (id, kind, state, steps, run_after)"
                                + " VALUES (?, 'tenant.delete', 'pending', '[\"revoke\"]', now() + interval '1 hour')",
                        id);
        try {
            SiloClient.Response refused = admin.post("/api/admin/jobs/" + id + "/cancel", Map.of());
            assertThat(refused.status()).isEqualTo(409);
            assertThat(refused.problemType()).isEqualTo("job-not-cancellable");
            assertThat(refused.json().path("kind").asString()).isEqualTo("tenant.delete");
            assertThat(admin.get("/api/admin/jobs/" + id).json().path("state").asString())
                    .isEqualTo("pending");
        } finally {
            silo.control().update("DELETE FROM jobs WHERE id = ?", id);
        }
    }

    @Test
    void aRunningJobShowsItsProgressAndStopsAtTheNextStepBoundaryWhenCancelled() throws Exception {
        CountDownLatch reported = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> stepsRun = new ArrayList<>();
        JobHandler handler = handler("test.progress", (job, step) -> {
            stepsRun.add(step);
            if (step.equals("first")) {
                store.report(job.id(), 3, 1, 10);
                reported.countDown();
                await(release);
                store.report(job.id(), 5, 1, 10);
            }
        });
        Job job = pending("test.progress", UUID.randomUUID(), List.of("first", "second"), Duration.ZERO);
        try (JobRunner runner = runner(List.of(handler), 1)) {
            runner.start();
            assertThat(reported.await(30, TimeUnit.SECONDS)).isTrue();

            JsonNode running = admin.get("/api/admin/jobs/" + job.id()).json();
            assertThat(running.path("state").asString()).isEqualTo("running");
            assertThat(running.path("currentStep").asString()).isEqualTo("first");
            assertThat(running.path("progress").path("done").asLong()).isEqualTo(3);
            assertThat(running.path("progress").path("failed").asLong()).isEqualTo(1);
            assertThat(running.path("progress").path("remaining").asLong()).isEqualTo(6);
            assertThat(running.path("progress").path("total").asLong()).isEqualTo(10);

            SiloClient.Response asked = admin.post("/api/admin/jobs/" + job.id() + "/cancel", Map.of());
            assertThat(asked.status()).isEqualTo(202);
            assertThat(asked.json().path("cancelRequested").asBoolean()).isTrue();
            assertThat(store.cancelRequested(job.id())).isTrue();
            release.countDown();

            Eventually.until(
                    "the job is cancelled",
                    () -> store.find(job.id()).orElseThrow().state() == JobState.CANCELLED);
        }
        JsonNode done = admin.get("/api/admin/jobs/" + job.id()).json();
        assertThat(done.path("stepsDone").asInt()).isEqualTo(1);
        assertThat(done.path("progress").isNull()).isTrue();
        assertThat(done.path("finishedAt").isNull()).isFalse();
        assertThat(stepsRun).as("the step after the boundary never ran").containsExactly("first");
    }

    @Test
    void twoJobsOnOneTenantNeverRunStepsConcurrently() throws Exception {
        UUID tenant = UUID.randomUUID();
        Map<UUID, AtomicInteger> active = new ConcurrentHashMap<>();
        AtomicInteger mostAtOnce = new AtomicInteger();
        AtomicInteger steps = new AtomicInteger();
        JobHandler handler = handler("test.lease", (job, step) -> {
            int now = active.computeIfAbsent(job.tenantId().orElseThrow(), id -> new AtomicInteger())
                    .incrementAndGet();
            mostAtOnce.accumulateAndGet(now, Math::max);
            try {
                Thread.sleep(20);
                steps.incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                active.get(job.tenantId().orElseThrow()).decrementAndGet();
            }
        });
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            jobs.add(pending("test.lease", tenant, List.of("a", "b", "c"), Duration.ZERO));
        }
        try (JobRunner one = runner(List.of(handler), 3);
                JobRunner other = runner(List.of(handler), 3)) {
            one.start();
            other.start();
            Eventually.until(
                    "every job succeeds",
                    () -> jobs.stream()
                            .allMatch(job -> store.find(job.id()).orElseThrow().state() == JobState.SUCCEEDED));
        }
        assertThat(steps).hasValue(12);
        assertThat(mostAtOnce).as("steps of one tenant at once").hasValue(1);
        assertThat(leasesHeld(tenant)).as("released after each step").isZero();
    }

    /** Regression: an observer that threw before a step left the tenant's lease held until it lapsed. */
    @Test
    void aStepObserverThatThrowsReleasesTheTenantLease() {
        UUID tenant = UUID.randomUUID();
        AtomicInteger ran = new AtomicInteger();
        Job job = pending("test.observer", tenant, List.of("a"), Duration.ZERO);
        StepObserver crash = (running, step) -> {
            throw new IllegalStateException("observer refuses step " + step);
        };
        try (JobRunner runner =
                runner(List.of(handler("test.observer", (j, step) -> ran.incrementAndGet())), 1, crash)) {
            assertThatThrownBy(() -> runner.runNow(job.id(), Duration.ZERO))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("observer refuses step a");
        }
        assertThat(ran).as("the step never ran").hasValue(0);
        assertThat(leasesHeld(tenant))
                .as("the tenant's lease, released at once rather than after it lapses")
                .isZero();
    }

    @Test
    void retentionRemovesOldRowsInBoundedBatchesAndKeepsRecentOnes() throws Exception {
        JsonNode org = create("jobs-retention");
        UUID tenant = UUID.fromString(org.path("id").asString());
        Instant now = CLOCK.instant();
        Jdbc control = silo.control();
        for (int i = 0; i < 2500; i++) {
            control.update(
                    "INSERT INTO audit_log (at, actor_kind, action) VALUES (?, 'system', 'test.old')",
                    now.minus(Duration.ofDays(800)));
        }
        control.update(
                "INSERT INTO audit_log (at, actor_kind, action) VALUES (?, 'system', 'test.recent')",
                now.minus(Duration.ofDays(10)));
        var app = silo.silo().application();
        var database = app.tenants().find(tenant).orElseThrow().database("core").orElseThrow();
        insertActivity(database.databaseName(), now);
        // a suspended organization's log ages like any other
        JsonNode suspendedOrg = create("jobs-retention-suspended");
        var suspended = app.tenants()
                .find(UUID.fromString(suspendedOrg.path("id").asString()))
                .orElseThrow()
                .database("core")
                .orElseThrow();
        insertActivity(suspended.databaseName(), now);
        assertThat(admin.post("/api/organizations/jobs-retention-suspended/suspend", Map.of("reason", "unpaid"))
                        .status())
                .isEqualTo(200);

        LogRetention.Purge purge = app.retention().purge();

        assertThat(purge.ran()).isTrue();
        assertThat(purge.auditRows()).isGreaterThanOrEqualTo(2500);
        assertThat(purge.activityRows()).isGreaterThanOrEqualTo(3000);
        assertThat(purge.largestBatch()).as("rows per statement").isLessThanOrEqualTo(1000);
        assertThat(purge.statements()).isGreaterThanOrEqualTo(3 + 2);
        assertThat(control.queryOne("SELECT count(*) FROM audit_log WHERE action = 'test.old'", row -> row.getLong(1))
                        .orElseThrow())
                .isZero();
        assertThat(control.queryOne(
                                "SELECT count(*) FROM audit_log WHERE action = 'test.recent'", row -> row.getLong(1))
                        .orElseThrow())
                .isEqualTo(1);
        for (String name : List.of(database.databaseName(), suspended.databaseName())) {
            try (var connection = tenantDatabase(name);
                    var statement = connection.createStatement();
                    var rows = statement.executeQuery("SELECT count(*) FILTER (WHERE action = 'test.old'),"
                            + " count(*) FILTER (WHERE action = 'test.recent') FROM silo_activity")) {
                rows.next();
                assertThat(rows.getLong(1)).as("old rows left in %s", name).isZero();
                assertThat(rows.getLong(2)).isEqualTo(1);
            }
        }

        assertThat(leases.tryAcquire("retention", "another-instance", Duration.ofMinutes(1)))
                .isTrue();
        assertThat(app.retention().purge().ran()).as("one instance at a time").isFalse();
        leases.release("retention", "another-instance");
    }

    /** 1,500 activity rows of 400 days ago and one of yesterday in a tenant database. */
    private static void insertActivity(String databaseName, Instant now) throws java.sql.SQLException {
        try (var connection = tenantDatabase(databaseName);
                var insert = connection.prepareStatement(
                        "INSERT INTO silo_activity (at, action) SELECT ?, 'test.old' FROM generate_series(1, 1500)")) {
            insert.setTimestamp(1, java.sql.Timestamp.from(now.minus(Duration.ofDays(400))));
            insert.executeUpdate();
            try (var recent =
                    connection.prepareStatement("INSERT INTO silo_activity (at, action) VALUES (?, 'test.recent')")) {
                recent.setTimestamp(1, java.sql.Timestamp.from(now.minus(Duration.ofDays(1))));
                recent.executeUpdate();
            }
        }
    }

    /** A superuser connection to a tenant database on the primary server, where the test's tenants live. */
    private static java.sql.Connection tenantDatabase(String name) throws java.sql.SQLException {
        var server = silo.config().database().orElseThrow();
        return java.sql.DriverManager.getConnection(
                io.silo.postgres.jdbc.JdbcUrls.withDatabase(server.url(), name), server.user(), server.password());
    }

    private static JsonNode create(String slug) {
        SiloClient.Response response = admin.post(
                "/api/organizations",
                Map.of(
                        "name",
                        "Org " + slug,
                        "slug",
                        slug,
                        "services",
                        List.of("crm"),
                        "admin",
                        Map.of(
                                "email",
                                "owner@" + slug + ".example",
                                "name",
                                "Owner",
                                "password",
                                "long enough password")));
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        return response.json();
    }

    private static Job pending(String kind, UUID tenant, List<String> steps, Duration grace) {
        Job job = new Job(
                UUID.randomUUID(),
                kind,
                java.util.Optional.of(tenant),
                JobState.PENDING,
                Json.object(),
                steps,
                0,
                0,
                java.util.Optional.empty(),
                Instant.now(),
                Instant.now(),
                java.util.Optional.empty());
        silo.control().useTransaction(handle -> {
            store.create(handle, job, grace);
        });
        return job;
    }

    private static JobRunner runner(List<JobHandler> handlers, int workers) {
        return runner(handlers, workers, StepObserver.NONE);
    }

    private static JobRunner runner(List<JobHandler> handlers, int workers, StepObserver observer) {
        var jobs = silo.config().jobs();
        return new JobRunner(
                store,
                leases,
                handlers,
                new io.silo.config.SiloConfig.Jobs(
                        workers, Duration.ofMillis(20), jobs.lease(), jobs.maxAttempts(), jobs.statementTimeout()),
                "test-" + UUID.randomUUID(),
                observer,
                new io.silo.postgres.job.JobSignal());
    }

    private static JobHandler handler(String kind, java.util.function.BiConsumer<Job, String> step) {
        return new JobHandler() {
            @Override
            public String kind() {
                return kind;
            }

            @Override
            public void run(Job job, String name) {
                step.accept(job, name);
            }

            @Override
            public void failed(Job job, String reason) {}
        };
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** How many leases on {@code tenant} are held. */
    private static long leasesHeld(UUID tenant) {
        return silo.control()
                .queryOne("SELECT count(*) FROM leases WHERE name = ?", row -> row.getLong(1), Leases.tenant(tenant))
                .orElseThrow();
    }
}
