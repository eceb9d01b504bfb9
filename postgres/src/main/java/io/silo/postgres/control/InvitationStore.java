package io.silo.postgres.control;

import io.silo.json.Json;
import io.silo.postgres.jdbc.Jdbc;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.core.type.TypeReference;

/**
 * Invitations to join an organization, in the control database, each token kept only as its
 * SHA-256 digest. An invitation is pending until it is accepted, revoked or expired; acceptance
 * claims it atomically ({@link #claim}), so a token makes one user.
 *
 * <p>Thread-safe.
 */
public final class InvitationStore {
    private static final TypeReference<Map<String, String>> ROLES = new TypeReference<>() {};
    private static final String PENDING = "accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?";

    private final Jdbc jdbc;

    public InvitationStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** An invitation: who is invited, with which role per service, by whom, until when. */
    public record Invitation(
            UUID id,
            UUID tenantId,
            String email,
            Map<String, String> roles,
            UUID invitedBy,
            Instant expiresAt,
            Instant createdAt) {
        public Invitation {
            roles = Map.copyOf(roles);
        }
    }

    /** Records an invitation, revoking any other pending one of the same email in the organization. */
    public void insert(Invitation invitation, String tokenHash, Instant now) {
        jdbc.inTransaction(handle -> {
            handle.update(
                    "UPDATE invitations SET revoked_at = ? WHERE tenant_id = ? AND email = ? AND " + PENDING,
                    now,
                    invitation.tenantId(),
                    invitation.email(),
                    now);
            handle.update(
                    """
                    INSERT INTO invitations (id, token_hash, tenant_id, email, roles, invited_by, expires_at, created_at)
                    VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, ?)
                    """,
                    invitation.id(),
                    tokenHash,
                    invitation.tenantId(),
                    invitation.email(),
                    Json.write(invitation.roles()),
                    invitation.invitedBy(),
                    invitation.expiresAt(),
                    invitation.createdAt());
            return null;
        });
    }

    /** The organization's pending invitations, newest first, at most {@code limit}. */
    public List<Invitation> pending(UUID tenantId, Instant now, int limit) {
        return jdbc.query(
                "SELECT * FROM invitations WHERE tenant_id = ? AND " + PENDING + " ORDER BY created_at DESC LIMIT ?",
                InvitationStore::map,
                tenantId,
                now,
                limit);
    }

    /** The pending invitation of a token digest. */
    public Optional<Invitation> findPending(String tokenHash, Instant now) {
        return jdbc.queryOne(
                "SELECT * FROM invitations WHERE token_hash = ? AND " + PENDING, InvitationStore::map, tokenHash, now);
    }

    /** Revokes a pending invitation of the organization; false when it has none with this id. */
    public boolean revoke(UUID tenantId, UUID id, Instant now) {
        return jdbc.update(
                        "UPDATE invitations SET revoked_at = ? WHERE tenant_id = ? AND id = ? AND " + PENDING,
                        now,
                        tenantId,
                        id,
                        now)
                == 1;
    }

    /** Claims a pending invitation for the user about to be made; false when another request claimed it first. */
    public boolean claim(UUID id, UUID userId, Instant now) {
        return jdbc.update(
                        "UPDATE invitations SET accepted_at = ?, user_id = ? WHERE id = ? AND " + PENDING,
                        now,
                        userId,
                        id,
                        now)
                == 1;
    }

    /** Gives a claim back when the user could not be made (quota, a taken email), so the invitation still works. */
    public void unclaim(UUID id, UUID userId) {
        jdbc.update(
                "UPDATE invitations SET accepted_at = NULL, user_id = NULL WHERE id = ? AND user_id = ?", id, userId);
    }

    private static Invitation map(ResultSet row) throws SQLException {
        return new Invitation(
                row.getObject("id", UUID.class),
                row.getObject("tenant_id", UUID.class),
                row.getString("email"),
                Json.mapper().readValue(row.getString("roles"), ROLES),
                row.getObject("invited_by", UUID.class),
                row.getTimestamp("expires_at").toInstant(),
                row.getTimestamp("created_at").toInstant());
    }
}
