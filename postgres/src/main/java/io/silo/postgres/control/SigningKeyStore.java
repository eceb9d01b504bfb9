package io.silo.postgres.control;

import io.silo.crypto.SecretBox;
import io.silo.postgres.jdbc.Jdbc;
import java.time.Instant;
import java.util.List;

/**
 * Token signing keys. Private keys are sealed with the master key; public keys are kept until
 * every token they signed has expired, so that verification survives a rotation.
 *
 * <p>Thread-safe.
 */
public final class SigningKeyStore {
    private final Jdbc jdbc;
    private final SecretBox secrets;

    public SigningKeyStore(Jdbc jdbc, SecretBox secrets) {
        this.jdbc = jdbc;
        this.secrets = secrets;
    }

    /**
     * A stored key pair as JWK JSON.
     *
     * @param privateJwk the full JWK including the private part; never logged
     * @param retireAt after this the key no longer signs
     * @param expiresAt after this the key is no longer published
     */
    public record StoredKey(
            String kid,
            String algorithm,
            String publicJwk,
            String privateJwk,
            Instant createdAt,
            Instant retireAt,
            Instant expiresAt) {
        @Override
        public String toString() {
            return "StoredKey[" + kid + " " + algorithm + " retire " + retireAt + "]";
        }
    }

    public void insert(StoredKey key) {
        jdbc.update(
                """
                INSERT INTO signing_keys (kid, algorithm, public_jwk, private_key, created_at, retire_at, expires_at)
                VALUES (?, ?, ?::jsonb, ?, ?, ?, ?)
                """,
                key.kid(),
                key.algorithm(),
                key.publicJwk(),
                secrets.seal(key.privateJwk()),
                key.createdAt(),
                key.retireAt(),
                key.expiresAt());
    }

    /** Every key still published at {@code now}, newest first. */
    public List<StoredKey> published(Instant now) {
        return jdbc.query(
                """
                SELECT kid, algorithm, public_jwk::text AS public_jwk, private_key, created_at, retire_at, expires_at
                FROM signing_keys WHERE expires_at > ? ORDER BY created_at DESC
                """,
                row -> new StoredKey(
                        row.getString("kid"),
                        row.getString("algorithm"),
                        row.getString("public_jwk"),
                        secrets.open(row.getString("private_key")),
                        row.getTimestamp("created_at").toInstant(),
                        row.getTimestamp("retire_at").toInstant(),
                        row.getTimestamp("expires_at").toInstant()),
                now);
    }

    /** Removes keys no longer published. */
    public int purgeExpired(Instant now) {
        return jdbc.update("DELETE FROM signing_keys WHERE expires_at <= ?", now);
    }
}
