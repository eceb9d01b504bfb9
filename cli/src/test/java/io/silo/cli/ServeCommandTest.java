package io.silo.cli;

import static io.silo.cli.CliRuns.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.cli.CliRuns.Outcome;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up failures end in one clear line on standard error and exit code 1. */
class ServeCommandTest {

    @Test
    void badConfigurationIsOneLine(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("silo.yaml");
        Files.writeString(config, "http:\n  port: eighty\n");

        Outcome outcome = run("serve", "--config", config.toString());

        assertThat(outcome.code()).isEqualTo(1);
        assertThat(outcome.err().strip())
                .isEqualTo("silo: invalid http.port = 'eighty' (from " + config
                        + "): expected a whole number from 0 to 65535");
    }

    @Test
    void missingConfigurationFileIsOneLine(@TempDir Path dir) {
        Outcome outcome = run("serve", "--config", dir.resolve("nope.yaml").toString());

        assertThat(outcome.code()).isEqualTo(1);
        assertThat(outcome.err().strip())
                .isEqualTo("silo: configuration file " + dir.resolve("nope.yaml") + " does not exist");
    }

    @Test
    void unreachableExternalClusterIsOneLine(@TempDir Path dir) throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Path config = dir.resolve("silo.yaml");
        Files.writeString(config, """
                data: {dir: %s}
                master: {key: "%s"}
                database:
                  url: jdbc:postgresql://127.0.0.1:%d/silo
                  user: silo
                  password: secret
                """.formatted(
                        dir.resolve("data"), java.util.Base64.getEncoder().encodeToString(new byte[32]), closedPort));

        Outcome outcome = run("serve", "--config", config.toString());

        assertThat(outcome.code()).isEqualTo(1);
        assertThat(outcome.err().lines())
                .singleElement()
                .asString()
                .startsWith("silo: cannot reach the control database at jdbc:postgresql://127.0.0.1:" + closedPort
                        + "/silo:")
                .doesNotContain("secret");
    }

    @Test
    void portInUseIsOneLine(@TempDir Path dir) throws IOException {
        try (ServerSocket taken = new ServerSocket(0)) {
            Path config = dir.resolve("silo.yaml");
            Files.writeString(config, """
                    http: {port: %d}
                    data: {dir: %s}
                    embedded: {fsync: false}
                    passwords: {memoryKib: 4096, iterations: 1}
                    """.formatted(taken.getLocalPort(), dir.resolve("data")));

            Outcome outcome = run("serve", "--config", config.toString());

            assertThat(outcome.code()).isEqualTo(1);
            assertThat(outcome.err().strip())
                    .isEqualTo("silo: cannot listen on 0.0.0.0:" + taken.getLocalPort()
                            + ": the port is already in use (set SILO_HTTP_PORT to another port)");
        }
        assertThat(dir.resolve("data/postgres/pgdata/postmaster.pid"))
                .as("embedded PostgreSQL stopped again")
                .doesNotExist();
    }
}
