package io.silo.postgres.provision;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.app.SiloOptions;
import io.silo.config.ConfigSource;
import io.silo.config.SiloConfig;
import io.silo.testing.Eventually;
import io.silo.testing.SiloClient;
import io.silo.testing.TestPostgres;
import io.silo.testing.TestSilo;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** A real SIGKILL of a Silo process in the middle of provisioning; another process finishes the job. */
class ProvisioningKillTest {

    @Test
    void provisioningSurvivesKillDashNine() throws Exception {
        TestPostgres.primary().reset();
        Map<String, String> env = TestSilo.env(Map.of("SILO_JOBS_LEASE", "1s"));
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                PausingSilo.class.getName());
        builder.environment().putAll(env);
        builder.environment().put("SILO_TEST_PAUSE_AT", "database:crm");
        builder.redirectErrorStream(true);
        Process child = builder.start();
        try {
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread.ofVirtual().start(() -> {
                try (BufferedReader reader =
                        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    reader.lines().forEach(lines::add);
                } catch (java.io.IOException e) {
                    // the child died; nothing more to read
                }
            });
            int port = Integer.parseInt(awaitLine(lines, "PORT ").substring(5).trim());
            SiloClient client = new SiloClient(URI.create("http://127.0.0.1:" + port)).asAdmin();
            Thread.ofVirtual()
                    .start(() -> client.post(
                            "/api/organizations",
                            Map.of(
                                    "name",
                                    "Killed Midway",
                                    "services",
                                    List.of("billing", "crm"),
                                    "admin",
                                    Map.of("email", "boss@killed.example", "password", "correct horse battery"))));

            awaitLine(lines, "PAUSED database:crm");
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }

        SiloConfig config = SiloConfig.from(ConfigSource.ofEnv(env));
        try (TestSilo survivor = TestSilo.resume(config, SiloOptions.server())) {
            SiloClient admin = survivor.client().asAdmin();
            JsonNode tenant = Eventually.get(
                    Duration.ofSeconds(30),
                    () -> admin.get("/api/organizations/killed-midway").json(),
                    body -> "active".equals(body.path("status").asString()));
            assertThat(tenant.path("databases").findValuesAsString("state")).containsOnly("ready");
            assertThat(ProvisioningCrashTest.tenantDatabasesOnServer())
                    .containsExactlyInAnyOrderElementsOf(
                            tenant.path("databases").findValuesAsString("name"));
        }
    }

    private static String awaitLine(BlockingQueue<String> lines, String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line != null && line.startsWith(prefix)) {
                return line;
            }
        }
        throw new AssertionError("the child never printed '" + prefix + "'");
    }
}
