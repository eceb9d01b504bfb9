package io.silo.postgres.control;

import io.silo.json.Json;
import io.silo.postgres.jdbc.Handle;
import io.silo.postgres.jdbc.Jdbc;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * Pending sign-ups in the control database. The verification token is stored only as its SHA-256
 * digest and the requested administrator's password only as its argon2id hash, which is removed
 * once the organization exists.
 *
 * <p>Thread-safe.
 */
public final class SignupStore {
    private final Jdbc jdbc;

    public SignupStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * A sign-up as stored.
     *
     * @param request the organization asked for, with {@code admin.passwordHash} until it is verified
     * @param status {@code pending}, {@code verified} or {@code expired}
     */
    public record Signup(
            UUID id,
            String email,
            JsonNode request,
            String status,
            Optional<UUID> tenantId,
            Instant expiresAt,
            Optional<Instant> verifiedAt,
            Instant createdAt) {
        @Override
        public String toString() {
            return "Signup[" + id + " " + email + " " + status + "]";
        }
    }

    public void insert(
            UUID id, String tokenHash, String email, JsonNode request, Instant expiresAt, Instant createdAt) {
        jdbc.update("""
                INSERT INTO signups (id, token_hash, email, request, status, expires_at, created_at)
                VALUES (?, ?, ?, ?::jsonb, 'pending', ?, ?)
                """, id, tokenHash, email, Json.write(request), expiresAt, createdAt);
    }

    public void delete(UUID id) {
        jdbc.update("DELETE FROM signups WHERE id = ?", id);
    }

    /** The sign-up of a token digest. */
    public Optional<Signup> findByTokenHash(String tokenHash) {
        return jdbc.queryOne("SELECT * FROM signups WHERE token_hash = ?", SignupStore::map, tokenHash);
    }

    /**
     * Marks a pending sign-up verified with the organization it made, and forgets the password
     * hash; in the transaction that records the organization, so that both commit or neither.
     * False when it was no longer pending: another verification won.
     */
    public boolean markVerified(Handle handle, UUID id, UUID tenantId, Instant at) {
        return handle.update("""
                UPDATE signups SET status = 'verified', tenant_id = ?, verified_at = ?, request = request #- '{admin,passwordHash}'
                WHERE id = ? AND status = 'pending'
                """, tenantId, at, id) == 1;
    }

    /** Marks a sign-up expired and forgets the password hash. */
    public void markExpired(UUID id) {
        jdbc.update(
                "UPDATE signups SET status = 'expired', request = request #- '{admin,passwordHash}' WHERE id = ? AND status = 'pending'",
                id);
    }

    /**
     * Expires pending sign-ups past their time, forgetting their password hashes, and deletes
     * sign-ups finished long ago; housekeeping calls it.
     */
    public int purge(Instant now, Instant finishedBefore) {
        int expired = jdbc.update("""
                UPDATE signups SET status = 'expired', request = request #- '{admin,passwordHash}'
                WHERE status = 'pending' AND expires_at <= ?
                """, now);
        return expired
                + jdbc.update(
                        "DELETE FROM signups WHERE status <> 'pending' AND coalesce(verified_at, expires_at) < ?",
                        finishedBefore);
    }

    private static Signup map(ResultSet row) throws SQLException {
        return new Signup(
                row.getObject("id", UUID.class),
                row.getString("email"),
                Json.read(row.getString("request")),
                row.getString("status"),
                Optional.ofNullable(row.getObject("tenant_id", UUID.class)),
                row.getTimestamp("expires_at").toInstant(),
                Optional.ofNullable(row.getTimestamp("verified_at")).map(Timestamp::toInstant),
                row.getTimestamp("created_at").toInstant());
    }
}
