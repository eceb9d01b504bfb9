package io.silo.postgres.control;

import io.silo.postgres.jdbc.Jdbc;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Refresh tokens, stored only as SHA-256 digests. Each token belongs to a family (one sign-in);
 * a token is spent on use, and presenting a spent one revokes its whole family, because only a
 * thief would replay it.
 *
 * <p>Thread-safe.
 */
public final class RefreshTokenStore {
    private final Jdbc jdbc;

    public RefreshTokenStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * A stored refresh token. {@code subjectKind} is {@code admin} or {@code user};
     * {@code sessionStartedAt} is when its family's sign-in happened.
     */
    public record RefreshToken(
            UUID id,
            UUID familyId,
            String subjectKind,
            UUID subjectId,
            Optional<UUID> tenantId,
            Instant sessionStartedAt,
            Instant issuedAt,
            Instant expiresAt,
            Optional<Instant> usedAt,
            Optional<Instant> revokedAt) {}

    public void insert(RefreshToken token, String tokenHash) {
        jdbc.update(
                """
                INSERT INTO refresh_tokens (id, family_id, subject_kind, subject_id, tenant_id, token_hash,
                                            session_started_at, issued_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                token.id(),
                token.familyId(),
                token.subjectKind(),
                token.subjectId(),
                token.tenantId(),
                tokenHash,
                token.sessionStartedAt(),
                token.issuedAt(),
                token.expiresAt());
    }

    /**
     * Ends the live sessions of a subject beyond its {@code keep} newest, as {@link #revokeFamily}
     * ends one; returns the sessions it listed.
     */
    public List<UUID> revokeOldest(String subjectKind, UUID subjectId, int keep, Instant at) {
        return jdbc.query("""
                WITH excess AS (
                    SELECT family_id FROM refresh_tokens
                    WHERE subject_kind = ? AND subject_id = ? AND used_at IS NULL AND revoked_at IS NULL
                      AND expires_at > ?
                    ORDER BY session_started_at DESC, id DESC
                    OFFSET ?),
                revoked AS (
                    UPDATE refresh_tokens SET revoked_at = ?
                    WHERE family_id IN (SELECT family_id FROM excess) AND revoked_at IS NULL
                    RETURNING family_id)
                INSERT INTO revoked_sessions (session_id, revoked_at)
                SELECT DISTINCT family_id, ?::timestamptz FROM revoked
                ON CONFLICT DO NOTHING
                RETURNING session_id
                """, row -> row.getObject(1, UUID.class), subjectKind, subjectId, at, keep, at, at);
    }

    public Optional<RefreshToken> findByHash(String tokenHash) {
        return jdbc.queryOne("SELECT * FROM refresh_tokens WHERE token_hash = ?", RefreshTokenStore::map, tokenHash);
    }

    /** Spends a token; false when it was already spent or revoked (so exactly one caller wins). */
    public boolean spend(UUID id, Instant at) {
        // a session listed as revoked stays ended even for a token issued by a refresh that raced its revocation
        return jdbc.update("""
                        UPDATE refresh_tokens SET used_at = ?
                        WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL
                          AND NOT EXISTS (SELECT 1 FROM revoked_sessions WHERE session_id = refresh_tokens.family_id)
                        """, at, id) == 1;
    }

    /**
     * Ends one session: its refresh tokens can no longer be spent, and the session is listed in
     * {@code revoked_sessions}, so every instance refuses its access tokens too.
     */
    public void revokeFamily(UUID familyId, Instant at) {
        jdbc.useTransaction(handle -> {
            handle.update(
                    "UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL",
                    at,
                    familyId);
            handle.update(
                    "INSERT INTO revoked_sessions (session_id, revoked_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    familyId,
                    at);
        });
    }

    /** Ends every session of a subject, as {@link #revokeFamily} ends one; returns the sessions it listed. */
    public List<UUID> revokeSubject(String subjectKind, UUID subjectId, Instant at) {
        // one statement: the sessions listed are exactly those whose live tokens it revoked
        return jdbc.query("""
                WITH revoked AS (
                    UPDATE refresh_tokens SET revoked_at = ?
                    WHERE subject_kind = ? AND subject_id = ? AND revoked_at IS NULL AND expires_at > ?
                    RETURNING family_id)
                INSERT INTO revoked_sessions (session_id, revoked_at)
                SELECT DISTINCT family_id, ?::timestamptz FROM revoked
                ON CONFLICT DO NOTHING
                RETURNING session_id
                """, row -> row.getObject(1, UUID.class), at, subjectKind, subjectId, at, at);
    }

    public int revokeTenant(UUID tenantId, Instant at) {
        return jdbc.update(
                "UPDATE refresh_tokens SET revoked_at = ? WHERE tenant_id = ? AND revoked_at IS NULL", at, tenantId);
    }

    /** Deletes tokens expired before {@code cutoff}; nothing can use them any more. */
    public int purgeExpired(Instant cutoff) {
        return jdbc.update("DELETE FROM refresh_tokens WHERE expires_at < ?", cutoff);
    }

    /**
     * Forgets sessions revoked before {@code cutoff}, which must lie a refresh-token lifetime back:
     * until then a refresh token of a session that raced its revocation must still be refused.
     */
    public int purgeRevokedSessions(Instant cutoff) {
        return jdbc.update("DELETE FROM revoked_sessions WHERE revoked_at < ?", cutoff);
    }

    private static RefreshToken map(ResultSet row) throws SQLException {
        return new RefreshToken(
                row.getObject("id", UUID.class),
                row.getObject("family_id", UUID.class),
                row.getString("subject_kind"),
                row.getObject("subject_id", UUID.class),
                Optional.ofNullable(row.getObject("tenant_id", UUID.class)),
                Optional.ofNullable(row.getTimestamp("session_started_at"))
                        .orElse(row.getTimestamp("issued_at"))
                        .toInstant(),
                row.getTimestamp("issued_at").toInstant(),
                row.getTimestamp("expires_at").toInstant(),
                Optional.ofNullable(row.getTimestamp("used_at")).map(java.sql.Timestamp::toInstant),
                Optional.ofNullable(row.getTimestamp("revoked_at")).map(java.sql.Timestamp::toInstant));
    }
}
