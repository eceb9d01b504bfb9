package io.silo.app;

import io.silo.config.ConfigException;
import io.silo.config.SiloConfig;
import io.silo.crypto.PrivateFiles;
import io.silo.crypto.Secrets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the master key that seals stored secrets: {@code SILO_MASTER_KEY} when set, else
 * {@code master.key} in the data directory, generated on first start with a warning, because a
 * lost key makes every sealed secret unreadable.
 */
final class MasterKeys {
    private static final Logger log = LoggerFactory.getLogger(MasterKeys.class);

    private MasterKeys() {}

    static byte[] load(SiloConfig config) {
        if (config.masterKey().isPresent()) {
            return decode(config.masterKey().get(), "master.key (SILO_MASTER_KEY)");
        }
        Path file = config.dataDir().resolve("master.key");
        try {
            if (Files.exists(file)) {
                return decode(Files.readString(file).trim(), file.toString());
            }
            byte[] key = Secrets.bytes(32);
            PrivateFiles.write(file, Base64.getEncoder().encodeToString(key) + "\n");
            log.warn(
                    "SILO_MASTER_KEY is not set: generated a master key in {}. Back it up; in production set "
                            + "SILO_MASTER_KEY instead. Without it, stored secrets cannot be read.",
                    file.toAbsolutePath());
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the master key at " + file, e);
        }
    }

    /** The key before a rotation ({@code SILO_MASTER_PREVIOUS_KEY}), whose secrets are still opened until re-sealed. */
    static Optional<byte[]> previous(SiloConfig config) {
        return config.previousMasterKey().map(text -> decode(text, "master.previousKey (SILO_MASTER_PREVIOUS_KEY)"));
    }

    private static byte[] decode(String text, String origin) {
        try {
            byte[] key = Base64.getDecoder().decode(text.trim());
            if (key.length != 32) {
                throw new ConfigException("invalid master key in " + origin + ": expected base64 of 32 bytes, got "
                        + key.length + " bytes (generate one with: openssl rand -base64 32)");
            }
            return key;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(
                    "invalid master key in " + origin + ": not base64 (generate one with: openssl rand -base64 32)");
        }
    }
}
