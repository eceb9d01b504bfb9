package io.silo.postgres.control;

import io.silo.postgres.jdbc.Jdbc;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Forgotten-password tokens in the control database, each kept only as its SHA-256 digest: a
 * reset arrives with the token alone, and the control database finds its organization and user
 * without asking every tenant. A token is spent once ({@link #spend}), atomically, and every other
 * open token of its user goes with it.
 *
 * <p>Thread-safe.
 */
public final class PasswordResetStore {
    private final Jdbc jdbc;

    public PasswordResetStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** An open reset: the organization and user it sets a password for. */
    public record Reset(UUID id, UUID tenantId, UUID userId, Instant expiresAt) {}

    public void insert(UUID id, String tokenHash, UUID tenantId, UUID userId, Instant expiresAt, Instant createdAt) {
        jdbc.update("""
                INSERT INTO password_resets (id, token_hash, tenant_id, user_id, expires_at, created_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """, id, tokenHash, tenantId, userId, expiresAt, createdAt);
    }

    /** The reset of a token digest while it is unused and unexpired at {@code now}. */
    public Optional<Reset> findOpen(String tokenHash, Instant now) {
        return jdbc.queryOne(
                "SELECT id, tenant_id, user_id, expires_at FROM password_resets"
                        + " WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
                row -> new Reset(
                        row.getObject(1, UUID.class),
                        row.getObject(2, UUID.class),
                        row.getObject(3, UUID.class),
                        row.getTimestamp(4).toInstant()),
                tokenHash,
                now);
    }

    /**
     * Spends the reset, if still open, and every other open reset of its user; false when another
     * request spent it first (or it expired meanwhile).
     */
    public boolean spend(Reset reset, Instant now) {
        boolean spent = jdbc.update(
                        "UPDATE password_resets SET used_at = ? WHERE id = ? AND used_at IS NULL AND expires_at > ?",
                        now,
                        reset.id(),
                        now)
                == 1;
        if (spent) {
            jdbc.update(
                    "UPDATE password_resets SET used_at = ? WHERE tenant_id = ? AND user_id = ? AND used_at IS NULL",
                    now,
                    reset.tenantId(),
                    reset.userId());
        }
        return spent;
    }
}
