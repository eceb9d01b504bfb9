package io.silo.postgres.control;

import io.silo.postgres.jdbc.Jdbc;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Platform administrators: the operators of Silo itself, distinct from every tenant's users.
 *
 * <p>Thread-safe.
 */
public final class PlatformAdminStore {
    private final Jdbc jdbc;

    public PlatformAdminStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** A platform administrator as stored. */
    public record PlatformAdmin(UUID id, String email, String name, String passwordHash, String status) {
        public boolean active() {
            return "active".equals(status);
        }

        @Override
        public String toString() {
            return "PlatformAdmin[" + id + " " + email + " " + status + "]";
        }
    }

    public long count() {
        return jdbc.queryOne("SELECT count(*) FROM platform_admins", row -> row.getLong(1))
                .orElse(0L);
    }

    /** Creates an administrator unless one with this email exists; returns whether it was created. */
    public boolean createIfAbsent(UUID id, String email, String name, String passwordHash) {
        return jdbc.update("""
                INSERT INTO platform_admins (id, email, name, password_hash) VALUES (?, ?, ?, ?)
                ON CONFLICT (email) DO NOTHING
                """, id, email.toLowerCase(java.util.Locale.ROOT), name, passwordHash) == 1;
    }

    public Optional<PlatformAdmin> findByEmail(String email) {
        return jdbc.queryOne(
                "SELECT id, email, name, password_hash, status FROM platform_admins WHERE email = ?",
                row -> new PlatformAdmin(
                        row.getObject("id", UUID.class),
                        row.getString("email"),
                        row.getString("name"),
                        row.getString("password_hash"),
                        row.getString("status")),
                email.toLowerCase(java.util.Locale.ROOT));
    }

    public Optional<PlatformAdmin> find(UUID id) {
        return jdbc.queryOne(
                "SELECT id, email, name, password_hash, status FROM platform_admins WHERE id = ?",
                row -> new PlatformAdmin(
                        row.getObject("id", UUID.class),
                        row.getString("email"),
                        row.getString("name"),
                        row.getString("password_hash"),
                        row.getString("status")),
                id);
    }

    public void recordLogin(UUID id, Instant at) {
        jdbc.update("UPDATE platform_admins SET last_login_at = ? WHERE id = ?", at, id);
    }

    public void updatePasswordHash(UUID id, String hash) {
        jdbc.update("UPDATE platform_admins SET password_hash = ?, updated_at = now() WHERE id = ?", hash, id);
    }
}
