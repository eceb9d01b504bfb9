package io.silo.http.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.silo.app.SiloOptions;
import io.silo.job.StepObserver;
import io.silo.postgres.job.Leases;
import io.silo.postgres.migration.RolloutJob;
import io.silo.testing.Eventually;
import io.silo.testing.SiloClient;
import io.silo.testing.TestPostgres;
import io.silo.testing.TestSilo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Rollouts through the real HTTP API: tenants made at version 1 of {@code shelf}, a Silo restarted
 * with version 2, then {@code POST /api/admin/migrations}. One made to fail (a duplicate for its
 * new unique key) stays behind with its reason while the others move; a rerun after the fix
 * finishes it; a crash between slices resumes without a step running twice; ends the control
 * database refused are written when the slice runs again; a dry run changes nothing; a canary stops
 * where asked.
 */
class RolloutTest {
    private static final Duration WAIT = Duration.ofSeconds(120);

    /** Stands for the process dying between two slices of a rollout. */
    static final class SimulatedCrash extends Error {
        private static final long serialVersionUID = 1L;

        SimulatedCrash(String step) {
            super("simulated crash before " + step);
        }
    }

    private final Path services = directory();

    @Test
    void fiftyTenantsMoveButTheOneWithADuplicateWhichARerunFinishesAfterTheFix() {
        try (TestSilo silo = start(SiloOptions.server())) {
            List<String> databases = tenants(silo, 50);
            String broken = databases.get(17);
            TestPostgres.primary()
                    .jdbc(broken)
                    .update("INSERT INTO books (id, doc) VALUES (gen_random_uuid(), '{\"isbn\": \"isbn-1\"}')");
            upgrade(silo);
            SiloClient admin = silo.client().asAdmin();

            long started = System.nanoTime();
            JsonNode job = finished(silo, start(admin, Map.of("service", "shelf", "parallel", 8)));
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf(
                    "rollout: 50 databases in %.2f s (%.1f databases/s, parallel 8)%n", seconds, 50 / seconds);

            assertThat(job.path("state").asString()).isEqualTo("failed");
            assertThat(job.path("error").asString()).contains("1 of 50 databases of shelf failed");
            JsonNode progress = job.path("rollout");
            assertThat(progress.path("done").asInt()).isEqualTo(49);
            assertThat(progress.path("failed").asInt()).isEqualTo(1);
            assertThat(progress.path("remaining").asInt()).isZero();
            assertThat(progress.path("failures").get(0).path("database").asString())
                    .isEqualTo(broken);
            assertThat(progress.path("failures").get(0).path("reason").asString())
                    .contains("unique key (isbn)", "\"isbn-1\"");
            assertThat(schemaVersions(silo)).containsEntry(2, 49L).containsEntry(1, 1L);
            assertThat(version(broken)).isEqualTo(1);
            // shelf's version 2 renames a field, sets a default and runs SQL: each database's writes were
            // fenced for its catch-up; the failed one's fence was lifted with it
            System.out.printf("rollout: longest write fence %s%n", progress.path("longestFence"));
            assertThat(progress.path("longestFence").path("ms").isNumber())
                    .as(progress.toString())
                    .isTrue();
            assertThat(silo.control()
                            .queryOne(
                                    "SELECT count(*) FROM tenant_databases WHERE state = 'write-fenced'",
                                    row -> row.getLong(1))
                            .orElseThrow())
                    .isZero();

            TestPostgres.primary().jdbc(broken).update("DELETE FROM books WHERE doc->>'title' IS NULL");
            JsonNode rerun = start(admin, Map.of("service", "shelf"));
            assertThat(rerun.path("databases").asInt()).isEqualTo(1);
            assertThat(finished(silo, rerun).path("state").asString()).isEqualTo("succeeded");

            assertThat(schemaVersions(silo)).isEqualTo(Map.of(2, 50L));
            for (String database : databases) {
                assertThat(count(database, "SELECT count(*) FROM shelf_runs"))
                        .as(database)
                        .isEqualTo(1);
                assertThat(count(database, "SELECT count(*) FROM silo_migrations WHERE version = 2"))
                        .isEqualTo(6);
                assertThat(count(database, "SELECT count(*) FROM books WHERE doc->>'status' = 'on shelf'"))
                        .isEqualTo(3);
            }
            SiloClient.Response again = admin.post("/api/admin/migrations", Map.of("service", "shelf"));
            assertThat(again.status()).isEqualTo(200);
            assertThat(again.json().path("nothingToDo").asBoolean()).isTrue();
        }
    }

    @Test
    void aRolloutKilledBetweenSlicesFinishesAfterARestartWithoutRunningAStepTwice() {
        AtomicBoolean crashed = new AtomicBoolean();
        StepObserver crashOnce = (job, step) -> {
            if (job.kind().equals(RolloutJob.KIND)
                    && step.equals("migrate:5-20")
                    && crashed.compareAndSet(false, true)) {
                throw new SimulatedCrash(step);
            }
        };
        try (TestSilo silo = start(SiloOptions.server())) {
            List<String> databases = tenants(silo, 20);
            upgrade(silo, SiloOptions.server().withStepObserver(crashOnce));
            // two slices: a canary of 5 that goes on by itself, then the other 15
            JsonNode started = start(
                    silo.client().asAdmin(),
                    Map.of("service", "shelf", "parallel", 1, "canary", 5, "autoContinue", true));
            Eventually.get(WAIT, crashed::get, Boolean::booleanValue);

            silo.restart(SiloOptions.server());
            JsonNode job = finished(silo, started);

            assertThat(job.path("state").asString()).isEqualTo("succeeded");
            assertThat(schemaVersions(silo)).isEqualTo(Map.of(2, 20L));
            for (String database : databases) {
                assertThat(count(database, "SELECT count(*) FROM shelf_runs"))
                        .as(database)
                        .isEqualTo(1);
                assertThat(count(database, "SELECT count(*) FROM silo_migrations"))
                        .isEqualTo(6);
            }
        }
    }

    @Test
    void aDryRunReportsEachDatabaseAndChangesNothing() {
        try (TestSilo silo = start(SiloOptions.server())) {
            List<String> databases = tenants(silo, 3);
            upgrade(silo);

            SiloClient.Response plan =
                    silo.client().asAdmin().post("/api/admin/migrations", Map.of("service", "shelf", "dryRun", true));

            assertThat(plan.status()).as(plan.text()).isEqualTo(200);
            assertThat(plan.json().path("databases")).hasSize(3);
            JsonNode first = plan.json().path("databases").get(0);
            assertThat(first.path("fromVersion").asInt()).isEqualTo(1);
            assertThat(first.path("toVersion").asInt()).isEqualTo(2);
            assertThat(first.path("steps").get(0).asString()).isEqualTo("2.1 addCollection loans");
            assertThat(schemaVersions(silo)).isEqualTo(Map.of(1, 3L));
            for (String database : databases) {
                assertThat(version(database)).isEqualTo(1);
                assertThat(count(database, "SELECT count(*) FROM books WHERE doc->'name' IS NOT NULL"))
                        .isEqualTo(3);
            }
            assertThat(silo.control()
                            .query("SELECT count(*) FROM jobs WHERE kind = ?", row -> row.getLong(1), RolloutJob.KIND))
                    .containsExactly(0L);
        }
    }

    @Test
    void aCanaryStopsAfterItsDatabasesAndContinueMovesTheRest() {
        try (TestSilo silo = start(SiloOptions.server())) {
            tenants(silo, 5);
            upgrade(silo);
            SiloClient admin = silo.client().asAdmin();

            JsonNode canary = finished(silo, start(admin, Map.of("service", "shelf", "canary", 2)));
            assertThat(canary.path("state").asString()).isEqualTo("succeeded");
            assertThat(schemaVersions(silo)).isEqualTo(Map.of(2, 2L, 1, 3L));
            servedUnderTheirOwnVersion(silo);

            JsonNode rest = finished(silo, start(admin, Map.of("service", "shelf", "continueAfterCanary", true)));
            assertThat(rest.path("state").asString()).isEqualTo("succeeded");
            assertThat(schemaVersions(silo)).isEqualTo(Map.of(2, 5L));
            assertThat(silo.control()
                            .query(
                                    "SELECT details->>'databases' FROM audit_log WHERE action = 'service.migrate'"
                                            + " AND actor_name = 'admin@silo.test' ORDER BY id",
                                    row -> row.getString(1)))
                    .as("who started each rollout, and on how many databases")
                    .containsExactly("5", "3");

            assertThat(admin.post("/api/admin/migrations", Map.of("service", "shelf", "autoContinue", true))
                            .json()
                            .path("type")
                            .asString())
                    .isEqualTo("urn:silo:problem:invalid-rollout");
        }
    }

    /**
     * Half-way through a rollout each tenant is served under its database's version: shelf 0 and 1
     * (the canary) under version 2, whose books need a title and which has loans; shelf 2 under
     * version 1, whose books need a name and which has no loans.
     */
    private static void servedUnderTheirOwnVersion(TestSilo silo) {
        SiloClient migrated = member(silo, 0);
        SiloClient behind = member(silo, 2);

        assertThat(migrated.post("/api/data/shelf/books", Map.of("title", "Dune"))
                        .status())
                .isEqualTo(201);
        assertThat(migrated.post("/api/data/shelf/books", Map.of("name", "Dune"))
                        .problemType())
                .as("version 2's schema wants a title")
                .isEqualTo("schema-violation");
        assertThat(migrated.get("/api/data/shelf/loans").status()).isEqualTo(200);
        assertThat(migrated.get("/api/data/shelf/books?filter=%7B%22title%22:%22book%201%22%7D")
                        .json()
                        .path("items"))
                .as("renamed by the migration")
                .hasSize(1);

        assertThat(behind.post("/api/data/shelf/books", Map.of("name", "Dune")).status())
                .isEqualTo(201);
        assertThat(behind.post("/api/data/shelf/books", Map.of("title", "Dune")).problemType())
                .as("version 1's schema wants a name")
                .isEqualTo("schema-violation");
        assertThat(behind.get("/api/data/shelf/loans").problemType())
                .as("version 1 has no loans: not a missing table's 500")
                .isEqualTo("unknown-collection");
    }

    private static SiloClient member(TestSilo silo, int index) {
        return silo.client()
                .as(silo.client()
                        .login(
                                "/api/auth/login",
                                Map.of(
                                        "email",
                                        "boss@shelf" + index + ".example",
                                        "password",
                                        "correct horse battery")));
    }

    /** A canary asked to go on by itself moves the rest when none of its databases failed. */
    @Test
    void aCanaryThatGoesOnByItselfMovesEveryDatabaseWhenNothingFailed() {
        try (TestSilo silo = start(SiloOptions.server())) {
            tenants(silo, 5);
            upgrade(silo);
            SiloClient admin = silo.client().asAdmin();

            JsonNode rollout =
                    finished(silo, start(admin, Map.of("service", "shelf", "canary", 2, "autoContinue", true)));

            assertThat(rollout.path("state").asString()).isEqualTo("succeeded");
            assertThat(schemaVersions(silo)).isEqualTo(Map.of(2, 5L));
        }
    }

    /**
     * A tenant another job is changing (a move, say: its lease held, its writes fenced) stays behind
     * with that reason, and keeps that job's lease and fence: the rollout gives back only its own
     * leases, the others' with the commits that record their ends, and lifts only fences its own steps
     * left.
     */
    @Test
    void aTenantWhoseLeaseAnotherJobHoldsStaysBehindAndKeepsThatLease() {
        try (TestSilo silo = start(SiloOptions.server())) {
            List<String> databases = tenants(silo, 4);
            upgrade(silo);
            Leases leases = new Leases(silo.control());
            String busy = Leases.tenant(silo.control()
                    .queryOne(
                            "SELECT tenant_id FROM tenant_databases WHERE database_name = ?",
                            row -> row.getObject(1, java.util.UUID.class),
                            databases.get(2))
                    .orElseThrow());
            assertThat(leases.tryAcquire(busy, "another-job", Duration.ofMinutes(5)))
                    .isTrue();
            silo.control()
                    .update(
                            "UPDATE tenant_databases SET state = 'write-fenced' WHERE database_name = ?",
                            databases.get(2));
            SiloClient admin = silo.client().asAdmin();

            JsonNode job = finished(silo, start(admin, Map.of("service", "shelf", "parallel", 2)));

            assertThat(job.path("state").asString()).isEqualTo("failed");
            assertThat(job.path("rollout").path("done").asInt()).isEqualTo(3);
            JsonNode failure = job.path("rollout").path("failures").get(0);
            assertThat(failure.path("database").asString()).isEqualTo(databases.get(2));
            assertThat(failure.path("reason").asString()).contains("its lease is taken");
            assertThat(version(databases.get(2))).isEqualTo(1);
            assertThat(silo.control().query("SELECT name || ' ' || holder FROM leases", row -> row.getString(1)))
                    .as("the other job's lease stays, none of the rollout's does")
                    .containsExactly(busy + " another-job");
            assertThat(silo.control()
                            .queryOne(
                                    "SELECT state FROM tenant_databases WHERE database_name = ?",
                                    row -> row.getString(1),
                                    databases.get(2))
                            .orElseThrow())
                    .as("the other job's fence stays up")
                    .isEqualTo("write-fenced");

            silo.control()
                    .update("UPDATE tenant_databases SET state = 'ready' WHERE database_name = ?", databases.get(2));
            leases.release(busy, "another-job");
            assertThat(finished(silo, start(admin, Map.of("service", "shelf")))
                            .path("state")
                            .asString())
                    .isEqualTo("succeeded");
            assertThat(schemaVersions(silo)).isEqualTo(Map.of(2, 4L));
        }
    }

    /**
     * A tenant whose database moved after the rollout was planned (its placement changed between the
     * canary and the rest) stays behind with that reason, untouched: the rollout does not migrate the
     * database it planned for, does not record a version for it, and leaves the fence it finds up. A
     * rerun plans from the placement as it is.
     */
    @Test
    void aTenantMovedSincePlanningStaysBehindUntouchedAndKeepsItsFence() {
        AtomicReference<Runnable> beforeTheRest = new AtomicReference<>();
        StepObserver moveOnce = (job, step) -> {
            Runnable move = beforeTheRest.get();
            if (job.kind().equals(RolloutJob.KIND)
                    && step.equals("migrate:2-4")
                    && move != null
                    && beforeTheRest.compareAndSet(move, null)) {
                move.run();
            }
        };
        try (TestSilo silo = start(SiloOptions.server())) {
            List<String> databases = tenants(silo, 4);
            upgrade(silo, SiloOptions.server().withStepObserver(moveOnce));
            String moved = databases.get(3);
            beforeTheRest.set(() -> silo.control()
                    .update(
                            "UPDATE tenant_databases SET database_name = database_name || '_moved',"
                                    + " state = 'write-fenced' WHERE database_name = ?",
                            moved));

            JsonNode job = finished(
                    silo,
                    start(silo.client().asAdmin(), Map.of("service", "shelf", "canary", 2, "autoContinue", true)));

            assertThat(beforeTheRest.get())
                    .as("the placement changed before the rest")
                    .isNull();
            assertThat(job.path("state").asString()).isEqualTo("failed");
            assertThat(job.path("rollout").path("done").asInt()).isEqualTo(3);
            JsonNode failure = job.path("rollout").path("failures").get(0);
            assertThat(failure.path("database").asString()).isEqualTo(moved);
            assertThat(failure.path("reason").asString())
                    .contains("moved to another cluster since the rollout was planned");
            assertThat(version(moved))
                    .as("the database planned for is not migrated")
                    .isEqualTo(1);
            assertThat(silo.control()
                            .queryOne(
                                    "SELECT state || ' ' || schema_version FROM tenant_databases WHERE database_name = ?",
                                    row -> row.getString(1),
                                    moved + "_moved")
                            .orElseThrow())
                    .as("the fence found stays up, and no version is recorded")
                    .isEqualTo("write-fenced 1");
            assertThat(silo.control().query("SELECT name FROM leases", row -> row.getString(1)))
                    .as("no lease of the rollout remains")
                    .isEmpty();

            silo.control()
                    .update(
                            "UPDATE tenant_databases SET database_name = ?, state = 'ready' WHERE database_name = ?",
                            moved,
                            moved + "_moved");
            assertThat(finished(silo, start(silo.client().asAdmin(), Map.of("service", "shelf")))
                            .path("state")
                            .asString())
                    .isEqualTo("succeeded");
            assertThat(schemaVersions(silo)).isEqualTo(Map.of(2, 4L));
        }
    }

    /**
     * The control database refuses the first batch of databases' ends (a trigger standing for a
     * commit that fails). The migration is one index, which takes no fence, so each database's version
     * travels with its end: refused, the control plane stays behind the databases, never ahead. The
     * slice fails with those ends unwritten, runs again, finds its databases migrated and records
     * their versions and outcomes; no step runs twice and no lease is left.
     */
    @Test
    void endsTheControlDatabaseRefusedAreRecordedWhenTheSliceRunsAgain() {
        AtomicInteger sliceRuns = new AtomicInteger();
        StepObserver countSlices = (job, step) -> {
            if (job.kind().equals(RolloutJob.KIND) && step.equals("migrate:0-4")) {
                sliceRuns.incrementAndGet();
            }
        };
        try (TestSilo silo = start(SiloOptions.server())) {
            List<String> databases = tenants(silo, 4);
            copy("shelf-v2-index.yaml");
            copy("shelf-v1.yaml", services.resolve("history").resolve("shelf-v1.yaml"));
            silo.restart(SiloOptions.server().withStepObserver(countSlices));
            silo.control().update("CREATE SEQUENCE refused_ends");
            silo.control().update("""
                    CREATE FUNCTION refuse_first_ends() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        IF nextval('refused_ends') = 1 THEN
                            RAISE EXCEPTION 'these ends are refused (a test)';
                        END IF;
                        RETURN NULL;
                    END $$""");
            silo.control()
                    .update("CREATE TRIGGER refuse_first_ends BEFORE INSERT ON rollout_databases"
                            + " FOR EACH STATEMENT EXECUTE FUNCTION refuse_first_ends()");

            JsonNode job = finished(silo, start(silo.client().asAdmin(), Map.of("service", "shelf", "parallel", 1)));

            assertThat(job.path("state").asString()).as(job.toString()).isEqualTo("succeeded");
            assertThat(silo.control()
                            .queryOne("SELECT last_value FROM refused_ends", row -> row.getLong(1))
                            .orElseThrow())
                    .as("one batch of ends refused, and the ends written after it")
                    .isGreaterThan(1);
            assertThat(sliceRuns.get()).as("the slice ran again").isEqualTo(2);
            assertThat(job.path("rollout").path("done").asInt()).isEqualTo(4);
            assertThat(schemaVersions(silo))
                    .as("the versions refused with their ends were recorded by the slice's second run")
                    .isEqualTo(Map.of(2, 4L));
            for (String database : databases) {
                assertThat(version(database)).as(database).isEqualTo(2);
                assertThat(count(database, "SELECT count(*) FROM silo_migrations WHERE version = 2"))
                        .as("no step ran twice in " + database)
                        .isEqualTo(1);
            }
            assertThat(silo.control().query("SELECT name FROM leases", row -> row.getString(1)))
                    .as("no lease of the rollout remains")
                    .isEmpty();
        }
    }

    @Test
    void aReleasedStepEditedStopsStartUpNamingTheFileAndStep() throws IOException {
        try (TestSilo silo = start(SiloOptions.server())) {
            tenants(silo, 1);
            upgrade(silo);
            finished(silo, start(silo.client().asAdmin(), Map.of("service", "shelf")));
            Path file = services.resolve("shelf.yaml");
            Files.writeString(file, Files.readString(file).replace("value: on shelf", "value: shelved"));

            assertThatThrownBy(() -> silo.restart(SiloOptions.server()))
                    .hasMessageContaining(
                            file + ": migrations[1].operations[2]: the released step (setDefault) was edited");
        }
    }

    private TestSilo start(SiloOptions options) {
        copy("shelf-v1.yaml");
        return TestSilo.start(1, Map.of("SILO_SERVICES_DIR", services.toString(), "SILO_JOBS_LEASE", "1s"), options);
    }

    private void upgrade(TestSilo silo) {
        upgrade(silo, SiloOptions.server());
    }

    private void upgrade(TestSilo silo, SiloOptions options) {
        copy("shelf-v2.yaml");
        copy("shelf-v1.yaml", services.resolve("history").resolve("shelf-v1.yaml"));
        silo.restart(options);
    }

    /**
     * Creates {@code n} organizations with shelf, four at a time (provisioning dominates this test's
     * time), each with three books; their shelf databases, in the order of the organizations' names.
     */
    private static List<String> tenants(TestSilo silo, int n) {
        SiloClient admin = silo.client().asAdmin();
        List<String> databases = new ArrayList<>(java.util.Collections.nCopies(n, ""));
        Semaphore permits = new Semaphore(4);
        try (ExecutorService creators = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> created = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                created.add(creators.submit(() -> {
                    permits.acquireUninterruptibly();
                    try {
                        databases.set(index, tenant(admin, index));
                    } finally {
                        permits.release();
                    }
                }));
            }
            for (Future<?> future : created) {
                future.get();
            }
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError("creating organizations failed", e);
        }
        return databases;
    }

    private static String tenant(SiloClient admin, int index) {
        SiloClient.Response created = admin.post(
                "/api/organizations",
                Map.of(
                        "name",
                        "Shelf " + index,
                        "services",
                        List.of("shelf"),
                        "admin",
                        Map.of("email", "boss@shelf" + index + ".example", "password", "correct horse battery")));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        for (JsonNode database : created.json().path("databases")) {
            if (database.path("service").asString().equals("shelf")) {
                String name = database.path("name").asString();
                TestPostgres.primary()
                        .jdbc(name)
                        .update("INSERT INTO books (id, doc) SELECT gen_random_uuid(), jsonb_build_object('name',"
                                + " 'book ' || n, 'isbn', 'isbn-' || n, 'shelfNo', n) FROM generate_series(1, 3) n");
                return name;
            }
        }
        throw new AssertionError("no shelf database in " + created.text());
    }

    private static JsonNode start(SiloClient admin, Map<String, Object> body) {
        SiloClient.Response response = admin.post("/api/admin/migrations", body);
        assertThat(response.status()).as(response.text()).isEqualTo(202);
        return response.json();
    }

    private static JsonNode finished(TestSilo silo, JsonNode started) {
        String id = started.path("job").asString();
        // one sign-in for all the polls: signing in at each would meet the sign-in throttle on a long rollout
        SiloClient admin = silo.client().asAdmin();
        return Eventually.get(
                WAIT,
                () -> admin.get("/api/admin/jobs/" + id).json(),
                job -> job.path("finishedAt").isString());
    }

    private static Map<Integer, Long> schemaVersions(TestSilo silo) {
        Map<Integer, Long> out = new java.util.TreeMap<>();
        silo.control()
                .query(
                        "SELECT schema_version, count(*) FROM tenant_databases WHERE service = 'shelf' GROUP BY 1",
                        row -> out.put(row.getInt(1), row.getLong(2)));
        return out;
    }

    private static int version(String database) {
        return TestPostgres.primary()
                .jdbc(database)
                .queryOne("SELECT max(version) FROM silo_schema", row -> row.getInt(1))
                .orElseThrow();
    }

    private static long count(String database, String sql) {
        return TestPostgres.primary()
                .jdbc(database)
                .queryOne(sql, row -> row.getLong(1))
                .orElseThrow();
    }

    private void copy(String template) {
        copy(template, services.resolve("shelf.yaml"));
    }

    private void copy(String template, Path target) {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("templates/rollout/" + template)) {
            Files.createDirectories(target.getParent());
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path directory() {
        try {
            return Files.createTempDirectory("silo-rollout-services-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
