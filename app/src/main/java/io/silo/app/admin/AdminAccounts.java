package io.silo.app.admin;

import io.silo.app.session.Sessions;
import io.silo.audit.AuditEntry;
import io.silo.crypto.PasswordHasher;
import io.silo.postgres.control.AuditLog;
import io.silo.postgres.control.PlatformAdminStore;
import io.silo.postgres.control.PlatformAdminStore.PlatformAdmin;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an operator does to platform administrators from the command line ({@code silo admins}): lift a
 * lockout, reset a lost second factor, disable, enable, set a password. Each is audited. Those that
 * take something away (a second factor, the account, the old password) end the administrator's
 * sessions at once, on every instance (the revocation is announced through the control database);
 * what was changed by other means still reaches every request within {@link PlatformAdmins#STANDING_TTL}.
 *
 * <p>Thread-safe.
 */
public final class AdminAccounts {
    private final PlatformAdmins admins;
    private final PlatformAdminStore store;
    private final Sessions sessions;
    private final PasswordHasher hasher;
    private final AuditLog audit;

    public AdminAccounts(
            PlatformAdmins admins, PlatformAdminStore store, Sessions sessions, PasswordHasher hasher, AuditLog audit) {
        this.admins = admins;
        this.store = store;
        this.sessions = sessions;
        this.hasher = hasher;
        this.audit = audit;
    }

    /** Every administrator, by email. */
    public List<PlatformAdmin> list() {
        return store.list();
    }

    /** Lifts a lockout after failed sign-ins before it ends on its own. */
    public PlatformAdmin unlock(String email, AuditEntry.Actor actor) {
        PlatformAdmin admin = admins.require(email);
        store.unlock(admin.id());
        record(actor, "admin.unlock", admin);
        return admins.require(email);
    }

    /** Removes the second factor and its recovery codes (a lost device); the administrator enrolls again. */
    public PlatformAdmin resetTotp(String email, AuditEntry.Actor actor) {
        PlatformAdmin admin = admins.require(email);
        store.resetTotp(admin.id());
        endSessions(admin);
        record(actor, "admin.totp.reset", admin);
        return admins.require(email);
    }

    /** Disables the administrator: no sign-in, and every token stops counting. */
    public PlatformAdmin disable(String email, AuditEntry.Actor actor) {
        PlatformAdmin admin = admins.require(email);
        store.setStatus(admin.id(), "disabled");
        endSessions(admin);
        record(actor, "admin.disable", admin);
        return admins.require(email);
    }

    /** Enables a disabled administrator again. */
    public PlatformAdmin enable(String email, AuditEntry.Actor actor) {
        PlatformAdmin admin = admins.require(email);
        store.setStatus(admin.id(), "active");
        admins.forget(admin.id());
        record(actor, "admin.enable", admin);
        return admins.require(email);
    }

    /** Sets a new password (checked against the policy), lifts a lockout and ends every session. */
    public PlatformAdmin setPassword(String email, String password, AuditEntry.Actor actor) {
        hasher.policy().check(password);
        PlatformAdmin admin = admins.require(email);
        store.updatePasswordHash(admin.id(), hasher.hash(password, PasswordHasher.Claimant.SILO));
        store.unlock(admin.id());
        endSessions(admin);
        record(actor, "admin.password", admin);
        return admins.require(email);
    }

    private void endSessions(PlatformAdmin admin) {
        sessions.revokeAll("admin", admin.id());
        admins.forget(admin.id());
    }

    private void record(AuditEntry.Actor actor, String action, PlatformAdmin admin) {
        audit.append(new AuditEntry(
                actor,
                action,
                "platform_admin",
                admin.id().toString(),
                Optional.empty(),
                Map.of("email", admin.email())));
    }
}
