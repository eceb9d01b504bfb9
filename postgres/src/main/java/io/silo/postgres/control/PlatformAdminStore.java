package io.silo.postgres.control;

import io.silo.postgres.jdbc.Jdbc;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Platform administrators: the operators of Silo itself, distinct from every tenant's users.
 *
 * <p>Thread-safe.
 */
public final class PlatformAdminStore {
    private static final String SELECT = """
            SELECT id, email, name, password_hash, status, locked_until, totp_secret, totp_enabled_at
            FROM platform_admins
            """;

    private final Jdbc jdbc;

    public PlatformAdminStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * A platform administrator as stored.
     *
     * @param lockedUntil the end of a lockout after repeated failed sign-ins; past or empty when not locked
     * @param totpSecret the TOTP secret sealed under the master key, once an enrollment has begun
     * @param totpEnabledAt when the enrollment was confirmed; empty while it is only begun
     */
    public record PlatformAdmin(
            UUID id,
            String email,
            String name,
            String passwordHash,
            String status,
            Optional<Instant> lockedUntil,
            Optional<String> totpSecret,
            Optional<Instant> totpEnabledAt) {
        public boolean active() {
            return "active".equals(status);
        }

        public boolean totpEnabled() {
            return totpEnabledAt.isPresent();
        }

        public boolean lockedAt(Instant now) {
            return lockedUntil.filter(now::isBefore).isPresent();
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
                """, id, email.toLowerCase(Locale.ROOT), name, passwordHash) == 1;
    }

    public Optional<PlatformAdmin> findByEmail(String email) {
        return jdbc.queryOne(SELECT + "WHERE email = ?", PlatformAdminStore::admin, email.toLowerCase(Locale.ROOT));
    }

    /** Every administrator, by email. */
    public List<PlatformAdmin> list() {
        return jdbc.query(SELECT + "ORDER BY email", PlatformAdminStore::admin);
    }

    public Optional<PlatformAdmin> find(UUID id) {
        return jdbc.queryOne(SELECT + "WHERE id = ?", PlatformAdminStore::admin, id);
    }

    private static PlatformAdmin admin(ResultSet row) throws SQLException {
        return new PlatformAdmin(
                row.getObject("id", UUID.class),
                row.getString("email"),
                row.getString("name"),
                row.getString("password_hash"),
                row.getString("status"),
                instant(row, "locked_until"),
                Optional.ofNullable(row.getString("totp_secret")),
                instant(row, "totp_enabled_at"));
    }

    private static Optional<Instant> instant(ResultSet row, String column) throws SQLException {
        return Optional.ofNullable(row.getTimestamp(column)).map(Timestamp::toInstant);
    }

    /** A successful sign-in: notes the time and forgets the failures counted so far. */
    public void recordLogin(UUID id, Instant at) {
        jdbc.update(
                "UPDATE platform_admins SET last_login_at = ?, failed_logins = 0, locked_until = NULL WHERE id = ?",
                at,
                id);
    }

    /**
     * A wrong password or second-factor code: counts it, and locks the administrator until {@code at +
     * lockFor} when this failure reaches {@code threshold}; the count starts again after a lock. One
     * statement, so failures on several instances at once are each counted.
     *
     * @return the end of the lock, if this failure locked the administrator
     */
    public Optional<Instant> recordFailure(UUID id, Instant at, int threshold, Duration lockFor) {
        Instant until = at.plus(lockFor);
        boolean locked = jdbc.queryOne("""
                UPDATE platform_admins
                SET failed_logins = CASE WHEN failed_logins + 1 >= ? THEN 0 ELSE failed_logins + 1 END,
                    locked_until = CASE WHEN failed_logins + 1 >= ? THEN ? ELSE locked_until END
                WHERE id = ? RETURNING failed_logins = 0
                """, row -> row.getBoolean(1), threshold, threshold, until, id)
                .orElse(false);
        return locked ? Optional.of(until) : Optional.empty();
    }

    /** Lifts a lockout and forgets the failures; false when there is no such administrator. */
    public boolean unlock(UUID id) {
        return jdbc.update("UPDATE platform_admins SET failed_logins = 0, locked_until = NULL WHERE id = ?", id) == 1;
    }

    /** Sets {@code active} or {@code disabled}; false when there is no such administrator. */
    public boolean setStatus(UUID id, String status) {
        return jdbc.update("UPDATE platform_admins SET status = ?, updated_at = now() WHERE id = ?", status, id) == 1;
    }

    /** Begins (or begins again) a TOTP enrollment with this sealed secret, unless TOTP is already enabled. */
    public boolean beginTotp(UUID id, String sealedSecret) {
        return jdbc.update("""
                UPDATE platform_admins SET totp_secret = ?, totp_last_step = NULL, updated_at = now()
                WHERE id = ? AND totp_enabled_at IS NULL
                """, sealedSecret, id) == 1;
    }

    /**
     * Confirms the enrollment begun with {@code sealedSecret} and stores the recovery codes' hashes, in
     * one transaction; false when the enrollment changed meanwhile (begun again, confirmed or reset).
     */
    public boolean enableTotp(UUID id, String sealedSecret, long step, Instant at, List<String> recoveryCodeHashes) {
        return jdbc.inTransaction(handle -> {
            int enabled = handle.update("""
                    UPDATE platform_admins SET totp_enabled_at = ?, totp_last_step = ?, updated_at = now()
                    WHERE id = ? AND totp_secret = ? AND totp_enabled_at IS NULL
                    """, at, step, id, sealedSecret);
            if (enabled != 1) {
                return false;
            }
            handle.update("DELETE FROM platform_admin_recovery_codes WHERE admin_id = ?", id);
            for (String hash : recoveryCodeHashes) {
                handle.update(
                        "INSERT INTO platform_admin_recovery_codes (admin_id, code_hash) VALUES (?, ?)", id, hash);
            }
            return true;
        });
    }

    /**
     * Takes the TOTP time step {@code step} as used, if it is later than every step used before: a code is
     * accepted once, even by two instances at the same moment.
     */
    public boolean useTotpStep(UUID id, long step) {
        return jdbc.update("""
                UPDATE platform_admins SET totp_last_step = ?
                WHERE id = ? AND totp_enabled_at IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < ?)
                """, step, id, step) == 1;
    }

    /** Spends one recovery code by its hash; false when it is not (or no longer) one of the administrator's. */
    public boolean useRecoveryCode(UUID id, String codeHash) {
        return jdbc.update(
                        "DELETE FROM platform_admin_recovery_codes WHERE admin_id = ? AND code_hash = ?", id, codeHash)
                == 1;
    }

    /** Removes the second factor and its recovery codes (a lost device); false when there is no such administrator. */
    public boolean resetTotp(UUID id) {
        return jdbc.inTransaction(handle -> {
            handle.update("DELETE FROM platform_admin_recovery_codes WHERE admin_id = ?", id);
            return handle.update("""
                    UPDATE platform_admins SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL,
                                               updated_at = now()
                    WHERE id = ?
                    """, id) == 1;
        });
    }

    /** Stores a new hash; false when there is no such administrator. */
    public boolean updatePasswordHash(UUID id, String hash) {
        return jdbc.update("UPDATE platform_admins SET password_hash = ?, updated_at = now() WHERE id = ?", hash, id)
                == 1;
    }
}
