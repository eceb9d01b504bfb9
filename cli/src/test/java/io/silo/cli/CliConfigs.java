package io.silo.cli;

import io.silo.config.SiloConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The configuration file a CLI test gives {@code --config}, for a test instance's control database and master key. */
final class CliConfigs {
    private CliConfigs() {}

    /** {@code dir/silo.yaml}: the instance's control database and master key, cheap argon2id, a data directory in {@code dir}. */
    static Path of(SiloConfig config, Path dir) throws IOException {
        SiloConfig.Database database = config.database().orElseThrow();
        Path file = dir.resolve("silo.yaml");
        Files.writeString(file, """
                data: {dir: %s}
                master: {key: "%s"}
                database: {url: "%s", user: %s, password: "%s"}
                passwords: {memoryKib: 4096, iterations: 1}
                """.formatted(
                        dir.resolve("data"),
                        config.masterKey().orElseThrow(),
                        database.url(),
                        database.user(),
                        database.password()));
        return file;
    }
}
