package io.silo.cli;

import static io.silo.cli.CliRuns.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.cli.CliRuns.Outcome;
import io.silo.testing.Eventually;
import io.silo.testing.SiloClient;
import io.silo.testing.TestSilo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code silo templates reload}: the folder checked in this process, then a running instance told,
 * which takes the new version in without a restart; a broken folder stops the command, naming it.
 */
class TemplatesCommandTest {
    @TempDir
    Path dir;

    @Test
    void aRunningInstanceTakesTheCheckedFolderInWithoutARestart() throws IOException {
        Path services = Files.createDirectories(dir.resolve("services"));
        Files.writeString(services.resolve("shelf.yaml"), ShelfTemplates.V1);
        try (TestSilo silo = TestSilo.start(1, Map.of("SILO_SERVICES_DIR", services.toString()))) {
            Path config = CliConfigs.of(silo.config(), dir);
            Files.writeString(config, "services: {dir: " + services + "}\n", StandardOpenOption.APPEND);

            Files.createDirectories(services.resolve("history"));
            Files.writeString(services.resolve("history/shelf-v1.yaml"), ShelfTemplates.V1);
            Files.writeString(services.resolve("shelf.yaml"), ShelfTemplates.V2);
            Outcome reloaded = run("templates", "reload", "--config", config.toString());

            assertThat(reloaded.code()).as(reloaded.err()).isZero();
            assertThat(reloaded.out()).contains("shelf  version 2", "every running instance was asked");
            assertThat(reloadsAsked(silo)).isEqualTo(1);
            SiloClient admin = silo.client().asAdmin();
            Eventually.get(
                    Duration.ofSeconds(30),
                    () -> admin.post("/api/admin/migrations", Map.of("service", "shelf", "dryRun", true))
                            .json()
                            .path("version")
                            .asInt(),
                    version -> version == 2);

            Files.writeString(services.resolve("shelf.yaml"), "service: shelf\nversion: [\n");
            long asked = reloadsAsked(silo);
            Outcome broken = run("templates", "reload", "--config", config.toString());
            assertThat(broken.code()).isNotZero();
            assertThat(broken.err()).contains(services.resolve("shelf.yaml").toString());
            assertThat(admin.post("/api/admin/migrations", Map.of("service", "shelf", "dryRun", true))
                            .json()
                            .path("version")
                            .asInt())
                    .isEqualTo(2);
            assertThat(reloadsAsked(silo))
                    .as("a folder the command refused asks no instance")
                    .isEqualTo(asked);
        }
    }

    /** The reloads asked for so far, as the master audit log records them. */
    private static long reloadsAsked(TestSilo silo) {
        return silo.control()
                .queryOne("SELECT count(*) FROM audit_log WHERE action = 'templates.reload'", row -> row.getLong(1))
                .orElseThrow();
    }
}
