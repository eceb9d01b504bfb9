package io.silo.cli;

import io.silo.config.ConfigSource;
import io.silo.config.SiloConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The options every command shares: where the configuration file is. */
final class ConfigOptions {
    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            description = "Configuration file (default: $SILO_CONFIG, else ./silo.yaml when present).")
    Path file;

    @Option(names = "--verbose", description = "Show the cause chain of a failure.")
    boolean verbose;

    SiloConfig load() {
        return SiloConfig.from(ConfigSource.load(resolve(), System.getenv()));
    }

    private Optional<Path> resolve() {
        if (file != null) {
            return Optional.of(file);
        }
        String fromEnv = System.getenv("SILO_CONFIG");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Optional.of(Path.of(fromEnv));
        }
        Path local = Path.of("silo.yaml");
        return Files.isRegularFile(local) ? Optional.of(local) : Optional.empty();
    }
}
