package io.silo.postgres.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command run again at once: a stop returns only when the server is gone (zonky's
 * own stop gives up after 5 s, and a start right after then met a server still shutting down), and a
 * start beside a Silo that is running fails at once, naming the cause. A server left running by a
 * Silo killed with SIGKILL is stopped by the next start, which then starts its own.
 */
class EmbeddedServerStopTest {

    @Test
    void aCloseReturnsOnceTheServerIsGoneAndAStartBesideARunningOneFailsAtOnce(@TempDir Path home) throws Exception {
        EmbeddedServer first = EmbeddedServer.start(home, 0, false, 20);
        long pid = Long.parseLong(Files.readAllLines(first.dataDir().resolve("postmaster.pid"))
                .getFirst()
                .trim());

        long before = System.nanoTime();
        assertThatThrownBy(() -> EmbeddedServer.start(home, 0, false, 20))
                .hasMessageContaining("another Silo is using this data directory");
        assertThat((System.nanoTime() - before) / 1e9)
                .as("a running server is not waited for")
                .isLessThan(30);

        first.close();
        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive))
                .as("close returns once the server is gone")
                .isEmpty();
        try (EmbeddedServer again = EmbeddedServer.start(home, 0, false, 20)) {
            assertThat(again.port()).isPositive();
        }
    }

    @Test
    void aServerLeftRunningByAKilledSiloIsStoppedByTheNextStart(@TempDir Path home) throws Exception {
        Process silo = new ProcessBuilder(
                        ProcessHandle.current().info().command().orElseThrow(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        EmbeddedServerProcess.class.getName(),
                        home.toString())
                .redirectErrorStream(true)
                .start();
        try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(silo.getInputStream()))) {
            String line;
            do {
                line = lines.readLine();
            } while (line != null && !line.equals(EmbeddedServerProcess.READY));
            assertThat(line).as("the other process started its server").isNotNull();

            assertThatThrownBy(() -> EmbeddedServer.start(home, 0, false, 20))
                    .as("its Silo is alive: the data directory is its")
                    .hasMessageContaining("another Silo is using this data directory");

            long left = Long.parseLong(Files.readAllLines(home.resolve("pgdata").resolve("postmaster.pid"))
                    .getFirst()
                    .trim());
            silo.destroyForcibly().waitFor();
            assertThat(ProcessHandle.of(left).filter(ProcessHandle::isAlive))
                    .as("SIGKILL left the server running")
                    .isPresent();

            try (EmbeddedServer next = EmbeddedServer.start(home, 0, false, 20)) {
                assertThat(ProcessHandle.of(left).filter(ProcessHandle::isAlive))
                        .as("the left-over server was stopped")
                        .isEmpty();
                try (var connection = java.sql.DriverManager.getConnection(
                                next.jdbcUrl("postgres"), next.user(), next.password());
                        var rows = connection.createStatement().executeQuery("SELECT 1")) {
                    assertThat(rows.next()).isTrue();
                }
            }
        } finally {
            silo.destroyForcibly();
        }
    }
}
