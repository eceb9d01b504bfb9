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
 * start beside a server that is running fails at once, naming the likely cause.
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
                .hasMessageContaining("is another Silo using this data directory?");
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
}
