package io.silo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.config.ConfigSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve --demo} listens on 127.0.0.1 (its passwords are short) unless the host is configured. */
class DemoHostTest {

    @Test
    void theDemoListensOnLoopbackByDefault() {
        ConfigSource source = ConfigOptions.demoSource(Optional.empty(), Map.of());

        assertThat(source.optional("http.host")).contains("127.0.0.1");
    }

    @Test
    void aHostFromTheEnvironmentWins() {
        ConfigSource source = ConfigOptions.demoSource(Optional.empty(), Map.of("SILO_HTTP_HOST", "0.0.0.0"));

        assertThat(source.optional("http.host")).contains("0.0.0.0");
    }

    @Test
    void aHostFromTheConfigurationFileWins(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("silo.yaml");
        Files.writeString(file, "http:\n  host: 10.0.0.5\n");

        ConfigSource source = ConfigOptions.demoSource(Optional.of(file), Map.of());

        assertThat(source.optional("http.host")).contains("10.0.0.5");
    }
}
