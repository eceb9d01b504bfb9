package io.silo.http.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.app.SiloOptions;
import io.silo.app.identity.CommitObserver;
import io.silo.job.StepObserver;
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
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * New template versions taken in without a restart ({@code POST /api/admin/templates/reload}): the
 * instance asked and, through the control database's notification, the others; a rollout right
 * after, served on both; every change a running Silo cannot take refused with nothing changed; and a
 * rollout claimed by an instance still behind tried again rather than failed.
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
            JsonNode raised = reloaded.json().path("raised").get(0);
            assertThat(raised.path("service").asString()).isEqualTo("shelf");
            assertThat(raised.path("from").asInt()).isEqualTo(1);
            assertThat(raised.path("to").asInt()).isEqualTo(2);
            assertThat(newestVersion(first)).isEqualTo(2);
            // the other instance heard of it and read its folder (the same one here)
            Eventually.get(WAIT, () -> newestVersion(second), version -> version == 2);

            JsonNode job = rollout(second);
            assertThat(job.path("state").asString()).as(job.toString()).isEqualTo("succeeded");
            for (String database : databases) {
                assertThat(TestPostgres.primary()
                                .jdbc(database)
                                .queryOne("SELECT max(version) FROM silo_schema", row -> row.getInt(1))
                                .orElseThrow())
                        .as(database)
                        .isEqualTo(2);
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

            // a service added, and a template that does not parse: each named
            copy("shelf-v1.yaml", services.resolve("shelf.yaml"));
            Files.writeString(
                    services.resolve("desk.yaml"), text("shelf-v1.yaml").replace("service: shelf", "service: desk"));
            assertRefused(admin, "service desk is new");
            Files.writeString(services.resolve("desk.yaml"), "service: desk\nversion: [\n");
            assertRefused(admin, "desk.yaml");
            Files.delete(services.resolve("desk.yaml"));

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
                                        "1s")),
                        SiloOptions.server())) {
            SiloClient admin = first.client().asAdmin();
            String database = tenant(admin, "one");
            deployVersion2(ahead);
            assertThat(admin.post("/api/admin/templates/reload", Map.of()).status())
                    .isEqualTo(200);
            // the second instance heard, read its own folder (still at version 1) and kept serving it
            assertThat(newestVersion(second)).isEqualTo(1);

            SiloClient.Response started = admin.post("/api/admin/migrations", Map.of("service", "shelf"));
            assertThat(started.status()).as(started.text()).isEqualTo(202);
            String id = started.json().path("job").asString();
            // its first attempts meet an instance behind: retried, not failed
            JsonNode retried = Eventually.get(
                    WAIT,
                    () -> admin.get("/api/admin/jobs/" + id).json(),
                    job -> job.path("attempts").asInt() > 0);
            assertThat(retried.path("finishedAt").isString())
                    .as(retried.toString())
                    .isFalse();

            deployVersion2(behind);
            assertThat(second.client()
                            .asAdmin()
                            .post("/api/admin/templates/reload", Map.of())
                            .status())
                    .isEqualTo(200);
            JsonNode job = Eventually.get(
                    WAIT,
                    () -> admin.get("/api/admin/jobs/" + id).json(),
                    done -> done.path("finishedAt").isString());
            assertThat(job.path("state").asString()).as(job.toString()).isEqualTo("succeeded");
            assertThat(TestPostgres.primary()
                            .jdbc(database)
                            .queryOne("SELECT max(version) FROM silo_schema", row -> row.getInt(1))
                            .orElseThrow())
                    .isEqualTo(2);
        }
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
        String id = started.json().path("job").asString();
        return Eventually.get(
                WAIT,
                () -> admin.get("/api/admin/jobs/" + id).json(),
                job -> job.path("finishedAt").isString());
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
