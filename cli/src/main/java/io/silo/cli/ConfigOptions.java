package io.silo.cli;

import io.silo.config.ConfigSource;
import io.silo.config.SiloConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
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

    /**
     * The configuration of a demo: as {@link #load()}, but listening on {@value #DEMO_HOST} unless
     * {@code http.host} (or {@code SILO_HTTP_HOST}) is set, because the demo's accounts have the
     * seeds' short passwords.
     */
    SiloConfig loadForDemo() {
        return SiloConfig.from(demoSource(resolve(), System.getenv()));
    }

    static final String DEMO_HOST = "127.0.0.1";

    static ConfigSource demoSource(Optional<Path> file, Map<String, String> env) {
        ConfigSource source = ConfigSource.load(file, env);
        if (source.optional("http.host").isPresent()) {
            return source;
        }
        Map<String, String> loopback = new HashMap<>(env);
        loopback.put(ConfigSource.envName("http.host"), DEMO_HOST);
        return ConfigSource.load(file, loopback);
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
