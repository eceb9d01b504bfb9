package io.silo.cli;

import io.silo.crypto.BackupKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where {@code silo backup} and {@code silo restore} find the backup key: the file {@code --key-file}
 * names, else the environment variable {@value #VARIABLE}. Never a command-line value, which other
 * users of the machine could read in the process list.
 */
final class BackupKeys {
    static final String VARIABLE = "SILO_BACKUP_KEY";

    private BackupKeys() {}

    static BackupKey load(Optional<Path> keyFile, Map<String, String> environment) {
        if (keyFile.isPresent()) {
            try {
                return BackupKey.parse(Files.readString(keyFile.get()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the backup key file " + keyFile.get(), e);
            }
        }
        String fromEnvironment = environment.get(VARIABLE);
        if (fromEnvironment == null || fromEnvironment.isBlank()) {
            throw new IllegalArgumentException("give the backup key: --key-file FILE or the environment variable "
                    + VARIABLE + " (32 random bytes as base64: openssl rand -base64 32)");
        }
        return BackupKey.parse(fromEnvironment);
    }
}
