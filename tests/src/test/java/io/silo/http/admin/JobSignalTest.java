package io.silo.http.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.testing.Eventually;
import io.silo.testing.SiloClient;
import io.silo.testing.TestSilo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A job left to the workers (an import started over HTTP) is claimed when it is recorded, through
 * the {@code silo_jobs} notification, not at the workers' next poll: with a poll every ten minutes,
 * the job still runs while the test waits.
 */
class JobSignalTest {

    @Test
    void aRecordedJobWakesAnIdleWorkerBeforeItsNextPoll() throws Exception {
        try (TestSilo silo = TestSilo.start(1, Map.of("SILO_JOBS_POLL_INTERVAL", "10m"))) {
            Path root = silo.config().importsDir().orElseThrow();
            Path export = Files.createDirectories(root.resolve("shop").resolve("tenant_65f0a1b2c3d4e5f601234567"));
            Files.writeString(export.resolve("users.json"), """
                    {"_id": {"$oid": "65f0a1b2c3d4e5f600000001"}, "email": "owner@signal.example", "name": "Owner", \
                    "password": "owner-password-1", "role": "org_admin"}
                    """);
            SiloClient admin = silo.client().asAdmin();
            // the workers polled once at start and now sleep for ten minutes
            Thread.sleep(500);

            SiloClient.Response started =
                    admin.post("/api/admin/imports", Map.of("folder", "shop", "layout", "per-tenant"));
            assertThat(started.status()).as(started.text()).isEqualTo(202);
            String id = started.json().path("id").asString();
            JsonNode finished = Eventually.get(
                    Duration.ofSeconds(60),
                    () -> admin.get("/api/admin/jobs/" + id).json(),
                    body -> body.path("state").asString().equals("succeeded"));
            assertThat(finished.path("import").path("organizations").size()).isEqualTo(1);
        }
    }
}
