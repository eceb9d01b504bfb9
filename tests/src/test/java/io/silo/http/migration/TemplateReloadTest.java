package io.silo.http.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.silo.app.SiloOptions;
import io.silo.app.identity.CommitObserver;
import io.silo.error.SiloException;
import io.silo.job.StepObserver;
import io.silo.postgres.control.ReleasedSteps;
import io.silo.template.ServiceTemplate;
import io.silo.template.TemplateLoader;
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
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * New template versions taken in without a restart ({@code POST /api/admin/templates/reload}): the
 * instance asked and, through the control database's notification, the others; a rollout right
 * after, served on both; every change a running Silo cannot take refused with nothing changed; and a
 * rollout claimed by an instance still behind tried again rather than failed, and one whose instance
 * took a newer version in midway carried on at its own; two files of one version never both released.
 */
class TemplateReloadTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void aNewVersionIsServedAndRolledOutByBothInstancesWithoutARestart() {
        Path services = directory();
        copy("shelf-v1.yaml", services.resolve("shelf.yaml"));
        try (TestSilo first = TestSilo.start(1, Map.of("SILO_SERVICES_DIR", services.toString()));
                TestSilo second = TestSilo.resume(first.config(), SiloOptions.server())) {
            SiloClient admin = first.client().asAdmin();
            List<String> databases = List.of(tenant(admin, "one"), tenant(admin, "two"));
            SiloClient.Response unchanged = admin.post("/api/admin/templates/reload", Map.of());
            assertThat(unchanged.status()).as(unchanged.text()).isEqualTo(200);
            assertThat(unchanged.json().path("raised").size()).isZero();

            deployVersion2(services);
            SiloClient.Response reloaded = admin.post("/api/admin/templates/reload", Map.of());

            assertThat(reloaded.status()).as(reloaded.text()).isEqualTo(200);
            assertThat(reloaded.json().path("raised").size()).isEqualTo(1);
            JsonNode raised = reloaded.json().path("raised").get(0);
            assertThat(raised.path("service").asString()).isEqualTo("shelf");
            assertThat(raised.path("from").asInt()).isEqualTo(1);
            assertThat(raised.path("to").asInt()).isEqualTo(2);
            assertThat(reloaded.json().path("services").toString()).contains("{\"service\":\"shelf\",\"version\":2}");
            assertThat(newestVersion(first)).isEqualTo(2);
            // the other instance heard of it and read its folder (the same one here); each says so in its metrics
            Eventually.get(WAIT, () -> newestVersion(second), version -> version == 2);
            for (TestSilo silo : List.of(first, second)) {
                assertThat(servedInMetrics(silo)).isEqualTo("2.0");
            }

            JsonNode job = rollout(second);
            assertThat(job.path("state").asString()).as(job.toString()).isEqualTo("succeeded");
            for (String database : databases) {
                assertThat(schemaVersion(database)).as(database).isEqualTo(2);
            }
            // each instance serves the databases at the new version: its renamed field, its new collection
            for (TestSilo silo : List.of(first, second)) {
                SiloClient keeper = silo.client()
                        .as(silo.client()
                                .login(
                                        "/api/auth/login",
                                        Map.of(
                                                "email",
                                                "boss@reload-one.example",
                                                "password",
                                                "correct horse battery")));
                SiloClient.Response titled = keeper.post("/api/data/shelf/books", Map.of("title", "Emma"));
                assertThat(titled.status()).as(titled.text()).isEqualTo(201);
                SiloClient.Response loans = keeper.get("/api/data/shelf/loans");
                assertThat(loans.status()).as(loans.text()).isEqualTo(200);
            }
            assertThat(first.control()
                            .queryOne(
                                    "SELECT count(*) FROM audit_log WHERE action = 'templates.reload'",
                                    row -> row.getLong(1))
                            .orElseThrow())
                    .isEqualTo(2);
        }
    }

    @Test
    void whatOnlyARestartCanTakeIsRefusedAndNothingChanges() throws IOException {
        Path services = directory();
        copy("shelf-v1.yaml", services.resolve("shelf.yaml"));
        try (TestSilo silo = TestSilo.start(1, Map.of("SILO_SERVICES_DIR", services.toString()))) {
            SiloClient admin = silo.client().asAdmin();

            // version 2 without version 1 kept in history/: databases at 1 would have no template
            copy("shelf-v2.yaml", services.resolve("shelf.yaml"));
            assertRefused(admin, "version 1 of shelf is served here and is missing", "history/shelf-v1.yaml");

            // version 1 edited in place
            Files.writeString(
                    services.resolve("shelf.yaml"),
                    text("shelf-v1.yaml").replace("required: [name]", "required: [name, isbn]"));
            assertRefused(admin, "version 1 of shelf changed in place");

            // a service added, a template that does not parse, a service removed, the folder gone: each named
            copy("shelf-v1.yaml", services.resolve("shelf.yaml"));
            Files.writeString(
                    services.resolve("desk.yaml"), text("shelf-v1.yaml").replace("service: shelf", "service: desk"));
            assertRefused(admin, "service desk is new");
            Files.writeString(services.resolve("desk.yaml"), "service: desk\nversion: [\n");
            assertRefused(admin, "desk.yaml: line 2", "not valid YAML");
            Files.delete(services.resolve("desk.yaml"));
            Files.move(services.resolve("shelf.yaml"), services.resolve("shelf.yaml.off"));
            assertRefused(admin, "service shelf is gone");
            Files.move(services.resolve("shelf.yaml.off"), services.resolve("shelf.yaml"));
            Path moved = Files.move(services, services.resolveSibling(services.getFileName() + "-away"));
            assertRefused(admin, "is not a directory");
            Files.move(moved, services);

            assertThat(newestVersion(silo)).isEqualTo(1);
            deployVersion2(services);
            assertThat(admin.post("/api/admin/templates/reload", Map.of()).status())
                    .isEqualTo(200);
            assertThat(newestVersion(silo)).isEqualTo(2);

            // a lower version is never taken back
            copy("shelf-v1.yaml", services.resolve("shelf.yaml"));
            Files.delete(services.resolve("history").resolve("shelf-v1.yaml"));
            assertRefused(admin, "version 1 is below version 2");
            assertThat(newestVersion(silo)).isEqualTo(2);
        }
    }

    @Test
    void aReleasedStepEditedIsRefusedAsAtStartUp() throws IOException {
        Path services = directory();
        copy("shelf-v1.yaml", services.resolve("shelf.yaml"));
        try (TestSilo silo = TestSilo.start(1, Map.of("SILO_SERVICES_DIR", services.toString()))) {
            SiloClient admin = silo.client().asAdmin();
            tenant(admin, "one");
            deployVersion2(services);
            assertThat(admin.post("/api/admin/templates/reload", Map.of()).status())
                    .isEqualTo(200);
            assertThat(rollout(silo).path("state").asString()).isEqualTo("succeeded");

            Path file = services.resolve("shelf.yaml");
            Files.writeString(file, Files.readString(file).replace("value: on shelf", "value: shelved"));
            assertRefused(admin, "the released step (setDefault) was edited");
        }
    }

    @Test
    void aRolloutClaimedByAnInstanceStillBehindIsTriedAgainNotFailed() {
        Path ahead = directory();
        Path behind = directory();
        copy("shelf-v1.yaml", ahead.resolve("shelf.yaml"));
        copy("shelf-v1.yaml", behind.resolve("shelf.yaml"));
        String key = Base64.getEncoder().encodeToString(io.silo.crypto.Secrets.bytes(32));
        // the first instance answers HTTP and runs no job; the second runs every job, from a folder
        // not deployed yet
        SiloOptions noJobs = new SiloOptions(Clock.systemUTC(), StepObserver.NONE, true, false, CommitObserver.NONE);
        try (TestSilo first = TestSilo.start(
                        1,
                        Map.of("SILO_SERVICES_DIR", ahead.toString(), "SILO_MASTER_KEY", key, "SILO_JOBS_LEASE", "1s"),
                        noJobs);
                TestSilo second = TestSilo.resume(
                        TestSilo.config(
                                1,
                                Map.of(
                                        "SILO_SERVICES_DIR",
                                        behind.toString(),
                                        "SILO_MASTER_KEY",
                                        key,
                                        "SILO_JOBS_LEASE",
                                        "1s",
                                        // however long the operator takes here, the job must not give up
                                        "SILO_JOBS_MAX_ATTEMPTS",
                                        "100")),
                        SiloOptions.server())) {
            SiloClient admin = first.client().asAdmin();
            String database = tenant(admin, "one");
            deployVersion2(ahead);
            assertThat(admin.post("/api/admin/templates/reload", Map.of()).status())
                    .isEqualTo(200);
            // the second instance's own folder is still at version 1
            assertThat(newestVersion(second)).isEqualTo(1);

            SiloClient.Response started = admin.post("/api/admin/migrations", Map.of("service", "shelf"));
            assertThat(started.status()).as(started.text()).isEqualTo(202);
            String id = started.json().path("job").asString();
            // its first attempts meet an instance behind: retried, not failed
            JsonNode retried = Eventually.get(
                    WAIT,
                    () -> admin.get("/api/admin/jobs/" + id).json(),
                    job -> job.path("attempts").asInt() > 1);
            assertThat(retried.path("finishedAt").isString())
                    .as(retried.toString())
                    .isFalse();
            assertThat(retried.path("error").asString()).contains("this instance serves version 1 so far");

            deployVersion2(behind);
            assertThat(second.client()
                            .asAdmin()
                            .post("/api/admin/templates/reload", Map.of())
                            .status())
                    .isEqualTo(200);
            JsonNode job = finished(admin, id);
            assertThat(job.path("state").asString()).as(job.toString()).isEqualTo("succeeded");
            assertThat(schemaVersion(database)).isEqualTo(2);
        }
    }

    @Test
    void aRolloutGoesOnAtItsVersionAfterANewerOneIsTakenInMidway() throws InterruptedException, IOException {
        Path services = directory();
        copy("shelf-v1.yaml", services.resolve("shelf.yaml"));
        CountDownLatch atSecondSlice = new CountDownLatch(1);
        CountDownLatch reloaded = new CountDownLatch(1);
        // the canary's slice runs, then the job waits before the rest's, which migrates with the template
        StepObserver pauseBeforeTheRest = (job, step) -> {
            if (job.kind().equals("service.migrate") && step.startsWith("migrate:1-")) {
                atSecondSlice.countDown();
                try {
                    reloaded.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        try (TestSilo silo = TestSilo.start(
                1,
                Map.of("SILO_SERVICES_DIR", services.toString()),
                SiloOptions.server().withStepObserver(pauseBeforeTheRest))) {
            SiloClient admin = silo.client().asAdmin();
            List<String> databases = List.of(tenant(admin, "one"), tenant(admin, "two"));
            deployVersion2(services);
            assertThat(admin.post("/api/admin/templates/reload", Map.of()).status())
                    .isEqualTo(200);
            SiloClient.Response started =
                    admin.post("/api/admin/migrations", Map.of("service", "shelf", "canary", 1, "autoContinue", true));
            assertThat(started.status()).as(started.text()).isEqualTo(202);
            assertThat(atSecondSlice.await(60, TimeUnit.SECONDS)).isTrue();

            // version 3 deployed and taken in while the rollout to 2 is between its slices
            copy("shelf-v2.yaml", services.resolve("history").resolve("shelf-v2.yaml"));
            Files.writeString(services.resolve("shelf.yaml"), version3());
            SiloClient.Response three = admin.post("/api/admin/templates/reload", Map.of());
            assertThat(three.status()).as(three.text()).isEqualTo(200);
            assertThat(three.json().path("raised").get(0).path("to").asInt()).isEqualTo(3);
            reloaded.countDown();

            String id = started.json().path("job").asString();
            JsonNode job = finished(admin, id);
            assertThat(job.path("state").asString()).as(job.toString()).isEqualTo("succeeded");
            for (String database : databases) {
                assertThat(schemaVersion(database)).as(database).isEqualTo(2);
            }
            assertThat(silo.control()
                            .queryOne(
                                    "SELECT count(*) FROM released_steps WHERE service = 'shelf' AND version = 3",
                                    row -> row.getLong(1))
                            .orElseThrow())
                    .as("the rollout to 2 released nothing of 3")
                    .isZero();
            assertThat(rollout(silo).path("state").asString()).isEqualTo("succeeded");
        }
    }

    /** Version 3 of shelf: version 2 with one more collection. */
    private static String version3() {
        return text("shelf-v2.yaml")
                        .replace("version: 2\nroles", "version: 3\nroles")
                        .replace("  loans: {}\n", "  loans: {}\n  returns: {}\n")
                + "  - version: 3\n    operations:\n      - addCollection: {collection: returns}\n";
    }

    @Test
    void twoFilesOfOneVersionCannotBothBeReleased() {
        Path services = directory();
        copy("shelf-v1.yaml", services.resolve("shelf.yaml"));
        try (TestSilo silo = TestSilo.start(1, Map.of("SILO_SERVICES_DIR", services.toString()))) {
            ReleasedSteps released = new ReleasedSteps(silo.control());
            ServiceTemplate deployed = TemplateLoader.load("shelf.yaml", text("shelf-v2.yaml"));
            ServiceTemplate other = TemplateLoader.load(
                    "shelf.yaml", text("shelf-v2.yaml").replace("value: on shelf", "value: shelved"));
            released.release(deployed);
            released.release(deployed);

            assertThatThrownBy(() -> released.release(other))
                    .isInstanceOfSatisfying(
                            SiloException.class, e -> assertThat(e.type()).isEqualTo("migration-step-edited"))
                    .hasMessageContaining("migrations[1].operations[2]: the released step (setDefault) was edited");
            // an older version (an instance a rolling upgrade has not reached) still releases its own
            released.release(TemplateLoader.load("shelf.yaml", text("shelf-v1.yaml")));
        }
    }

    /** The {@code silo_template_version} of shelf in the instance's metrics. */
    private static String servedInMetrics(TestSilo silo) {
        return silo.client()
                .asAdmin()
                .get("/metrics")
                .text()
                .lines()
                .filter(line -> line.startsWith("silo_template_version{") && line.contains("service=\"shelf\""))
                .map(line -> line.substring(line.lastIndexOf(' ') + 1))
                .findFirst()
                .orElse("(none)");
    }

    private static void assertRefused(SiloClient admin, String... details) {
        SiloClient.Response refused = admin.post("/api/admin/templates/reload", Map.of());
        assertThat(refused.status()).as(refused.text()).isEqualTo(409);
        assertThat(refused.json().path("type").asString()).isEqualTo("urn:silo:problem:template-reload-refused");
        assertThat(refused.json().path("errors").toString()).contains(details);
    }

    /** The newest version of shelf this instance would roll out, as a dry run says. */
    private static int newestVersion(TestSilo silo) {
        SiloClient.Response plan =
                silo.client().asAdmin().post("/api/admin/migrations", Map.of("service", "shelf", "dryRun", true));
        assertThat(plan.status()).as(plan.text()).isEqualTo(200);
        return plan.json().path("version").asInt();
    }

    private static JsonNode rollout(TestSilo silo) {
        SiloClient admin = silo.client().asAdmin();
        SiloClient.Response started = admin.post("/api/admin/migrations", Map.of("service", "shelf"));
        assertThat(started.status()).as(started.text()).isEqualTo(202);
        return finished(admin, started.json().path("job").asString());
    }

    private static JsonNode finished(SiloClient admin, String jobId) {
        return Eventually.get(
                WAIT,
                () -> admin.get("/api/admin/jobs/" + jobId).json(),
                job -> job.path("finishedAt").isString());
    }

    /** The version {@code database} records. */
    private static int schemaVersion(String database) {
        return TestPostgres.primary()
                .jdbc(database)
                .queryOne("SELECT max(version) FROM silo_schema", row -> row.getInt(1))
                .orElseThrow();
    }

    /** An organization with shelf; its shelf database, with one book of the version-1 shape. */
    private static String tenant(SiloClient admin, String name) {
        SiloClient.Response created = admin.post(
                "/api/organizations",
                Map.of(
                        "name",
                        "Reload " + name,
                        "services",
                        List.of("shelf"),
                        "admin",
                        Map.of("email", "boss@reload-" + name + ".example", "password", "correct horse battery")));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        for (JsonNode database : created.json().path("databases")) {
            if (database.path("service").asString().equals("shelf")) {
                String databaseName = database.path("name").asString();
                TestPostgres.primary()
                        .jdbc(databaseName)
                        .update("INSERT INTO books (id, doc) VALUES (gen_random_uuid(),"
                                + " '{\"name\": \"Persuasion\", \"isbn\": \"isbn-1\"}')");
                return databaseName;
            }
        }
        throw new AssertionError("no shelf database in " + created.text());
    }

    /** Version 2 as the newest, version 1 kept in history/: what an operator deploys. */
    private static void deployVersion2(Path services) {
        copy("shelf-v2.yaml", services.resolve("shelf.yaml"));
        copy("shelf-v1.yaml", services.resolve("history").resolve("shelf-v1.yaml"));
    }

    private static void copy(String template, Path target) {
        try (InputStream in =
                TemplateReloadTest.class.getClassLoader().getResourceAsStream("templates/rollout/" + template)) {
            Files.createDirectories(target.getParent());
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String text(String template) {
        try (InputStream in =
                TemplateReloadTest.class.getClassLoader().getResourceAsStream("templates/rollout/" + template)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path directory() {
        try {
            return Files.createTempDirectory("silo-reload-services-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
