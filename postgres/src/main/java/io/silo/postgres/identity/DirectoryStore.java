package io.silo.postgres.identity;

import io.silo.identity.DirectoryEntry;
import io.silo.postgres.jdbc.Jdbc;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The directory in the control database: sign-in name to (tenant, user). Applying a
 * {@link UserChange} is idempotent and ordered by the user's version, so applying an old change
 * again, or late, never undoes a newer one.
 *
 * <p>Thread-safe.
 */
public final class DirectoryStore {
    private final Jdbc jdbc;

    public DirectoryStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Brings the user's entries in line with the change, unless a newer version is already applied. */
    public void apply(UUID tenantId, UserChange change) {
        jdbc.useTransaction(handle -> {
            if (handle.queryOne("SELECT 1 FROM tenants WHERE id = ? FOR NO KEY UPDATE", row -> 1, tenantId)
                    .isEmpty()) {
                return; // the tenant is gone, and its directory with it
            }
            long applied = handle.queryOne("""
                    SELECT coalesce(max(user_version), -1) FROM directory WHERE tenant_id = ? AND user_id = ?
                    """, row -> row.getLong(1), tenantId, change.userId())
                    .orElse(-1L);
            if (applied > change.version()) {
                return;
            }
            handle.update("DELETE FROM directory WHERE tenant_id = ? AND user_id = ?", tenantId, change.userId());
            if (!"deleted".equals(change.status())) {
                List<String[]> logins = new ArrayList<>();
                change.email().ifPresent(email -> logins.add(new String[] {"email", email.toLowerCase(Locale.ROOT)}));
                change.username()
                        .ifPresent(
                                username -> logins.add(new String[] {"username", username.toLowerCase(Locale.ROOT)}));
                for (String[] login : logins) {
                    handle.update(
                            """
                            INSERT INTO directory (tenant_id, kind, login, user_id, status, user_version) VALUES (?, ?, ?, ?, ?, ?)
                            ON CONFLICT (tenant_id, kind, login) DO UPDATE
                            SET user_id = excluded.user_id, status = excluded.status, user_version = excluded.user_version, updated_at = now()
                            """, tenantId, login[0], login[1], change.userId(), change.status(), change.version());
                }
            }
        });
    }

    /** Every entry for a sign-in name across tenants: one email may belong to several organizations. */
    public List<DirectoryEntry> lookup(String kind, String login) {
        return jdbc.query(
                "SELECT tenant_id, kind, login, user_id, status FROM directory WHERE kind = ? AND login = ? ORDER BY tenant_id",
                row -> new DirectoryEntry(
                        row.getObject(1, UUID.class),
                        row.getString(2),
                        row.getString(3),
                        row.getObject(4, UUID.class),
                        row.getString(5)),
                kind,
                login.toLowerCase(Locale.ROOT));
    }

    /** Notes, before a user change, that the tenant's outbox may hold rows to apply. */
    public void markDirty(UUID tenantId, Instant at) {
        // the latest mark wins: a drain that started before this change must not clear it (see markClean)
        jdbc.update(
                "UPDATE tenants SET directory_dirty = greatest(coalesce(directory_dirty, ?), ?) WHERE id = ?",
                at,
                at,
                tenantId);
    }

    /** Clears the mark if no change was marked after {@code drainedFrom}. */
    public void markClean(UUID tenantId, Instant drainedFrom) {
        jdbc.update(
                "UPDATE tenants SET directory_dirty = NULL WHERE id = ? AND directory_dirty <= ?",
                tenantId,
                drainedFrom);
    }

    /** Tenants marked before {@code olderThan}: their relay may have been interrupted. */
    public List<UUID> dirtySince(Instant olderThan, int limit) {
        return jdbc.query(
                "SELECT id FROM tenants WHERE directory_dirty < ? ORDER BY directory_dirty LIMIT ?",
                row -> row.getObject(1, UUID.class),
                olderThan,
                limit);
    }
}
