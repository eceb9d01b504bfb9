package io.silo.postgres.control;

import io.silo.config.ConfigException;
import io.silo.crypto.SecretBox;
import io.silo.error.SiloException;
import io.silo.postgres.jdbc.Jdbc;

/**
 * Proves at start-up that the master key is the one this control database was set up with: the
 * first instance seals a known value; every later one must open it. Without this, a wrong key
 * would go unnoticed until the first tenant request, and an instance that generated a fresh key
 * would seal new secrets that no other instance can read.
 */
public final class MasterKeyCheck {
    private static final String KEY = "master_key_check";
    private static final String PLAINTEXT = "silo master key check";

    private MasterKeyCheck() {}

    public static void verify(Jdbc control, SecretBox secrets) {
        control.update(
                "INSERT INTO control_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
                KEY,
                secrets.seal(PLAINTEXT));
        String sealed = control.queryOne(
                        "SELECT value FROM control_settings WHERE key = ?", row -> row.getString(1), KEY)
                .orElseThrow();
        try {
            if (PLAINTEXT.equals(secrets.open(sealed))) {
                return;
            }
        } catch (SiloException e) {
            // reported below
        }
        throw new ConfigException("the master key does not match the one this control database was set up with: set "
                + "SILO_MASTER_KEY (or data/master.key) to the original key");
    }
}
