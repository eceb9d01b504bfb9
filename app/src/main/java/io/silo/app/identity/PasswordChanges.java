package io.silo.app.identity;

import io.silo.app.admission.ActiveOrganizations;
import io.silo.app.input.Fields;
import io.silo.app.mail.MailMessage;
import io.silo.app.mail.Mailer;
import io.silo.app.session.Principal;
import io.silo.app.session.Sessions;
import io.silo.app.throttle.SignInThrottle;
import io.silo.app.throttle.Throttle;
import io.silo.audit.AuditEntry;
import io.silo.crypto.Ids;
import io.silo.crypto.PasswordHasher;
import io.silo.crypto.PasswordPolicy;
import io.silo.crypto.Secrets;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.identity.DirectoryEntry;
import io.silo.identity.User;
import io.silo.postgres.activity.ActivityEntry;
import io.silo.postgres.activity.ActivityLog;
import io.silo.postgres.control.PasswordResetStore;
import io.silo.postgres.control.TenantStore;
import io.silo.postgres.identity.DirectoryStore;
import io.silo.postgres.identity.UserStore;
import io.silo.postgres.routing.TenantConnections;
import io.silo.template.ServiceTemplate;
import io.silo.tenant.Admission;
import io.silo.tenant.Tenant;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member's own password: changed while signed in (with the current one), or reset by mail when
 * forgotten. Both set it under the organization's policy ({@link Users#policy}) and end every
 * session of the member; a change answers with a new session, so the device that changed it stays
 * signed in while every other one is signed out.
 *
 * <p>A change checks the current password like a sign-in does: under the sign-in throttles of the
 * client's address and of the account (a wrong one counts as a failed sign-in), refused at once
 * for a locked account, one argon2id check, and the new hash only after the right password.
 *
 * <p>A reset request tells nothing: it is 202 for every well-formed email, known or not, and the
 * lookup and the mail run after the answer, so that its time tells nothing either. Each
 * organization in which the email belongs to an active account gets its own mail and token. A
 * token is random (32 bytes), stored only as its SHA-256 in the control database, valid for
 * {@link #RESET_TTL}, and spent once, together with every other open token of its user. A reset
 * also lifts a lock: the lock guards the password against guessing, and the password guessed at
 * is replaced by one set through the account's mailbox.
 *
 * <p>Thread-safe.
 */
public final class PasswordChanges {
    /** How long a reset token stays valid: long enough to read a mail, short enough to be useless later. */
    public static final Duration RESET_TTL = Duration.ofMinutes(30);

    private static final Logger log = LoggerFactory.getLogger(PasswordChanges.class);
    /** The organizations one reset request mails at most; more are not real people. */
    private static final int MAX_ORGANIZATIONS = 20;

    private final ActiveOrganizations gate;
    private final TenantStore tenants;
    private final TenantConnections cores;
    private final UserStore store;
    private final DirectoryStore directory;
    private final PasswordResetStore resets;
    private final Users users;
    private final PasswordHasher hasher;
    private final SignInThrottle throttle;
    private final Sessions sessions;
    private final Mailer mailer;
    private final ActivityLog activity;
    private final Clock clock;
    private final Throttle requestsPerAddress;
    private final Throttle requestsPerEmail;

    public PasswordChanges(
            ActiveOrganizations gate,
            TenantStore tenants,
            TenantConnections cores,
            UserStore store,
            DirectoryStore directory,
            PasswordResetStore resets,
            Users users,
            PasswordHasher hasher,
            SignInThrottle throttle,
            Sessions sessions,
            Mailer mailer,
            ActivityLog activity,
            Clock clock) {
        this.gate = gate;
        this.tenants = tenants;
        this.cores = cores;
        this.store = store;
        this.directory = directory;
        this.resets = resets;
        this.users = users;
        this.hasher = hasher;
        this.throttle = throttle;
        this.sessions = sessions;
        this.mailer = mailer;
        this.activity = activity;
        this.clock = clock;
        this.requestsPerAddress = Throttle.of(
                ProblemType.TOO_MANY_ATTEMPTS,
                "password reset requests from this address",
                10,
                Duration.ofHours(1),
                clock);
        this.requestsPerEmail = Throttle.of(
                ProblemType.TOO_MANY_ATTEMPTS, "password reset mails to this address", 3, Duration.ofHours(1), clock);
    }

    /**
     * Changes a signed-in member's password after checking the current one, ends every session of
     * the member, and starts a new one for the caller.
     */
    public Sessions.Session change(
            Principal.Member member, String currentPassword, String newPassword, AuditEntry.Actor client) {
        PasswordHasher.checkSignInLength(currentPassword);
        String current = Fields.password(currentPassword, "currentPassword");
        Tenant tenant = gate.active(member.tenantId(), Admission.Route.WRITE);
        PasswordPolicy rules = users.policy(tenant);
        rules.check(newPassword);
        return throttle.attempt(client.clientAddress(), attempt -> {
            PasswordHasher.Claimant who =
                    new PasswordHasher.Claimant(tenant.id().toString(), attempt.address());
            attempt.account(tenant.id() + "/" + member.id());
            UserStore.Credentials credentials = cores.inTransaction(
                            tenant.id(), ServiceTemplate.CORE, core -> store.credentials(core, member.id()))
                    .filter(UserStore.Credentials::active)
                    .orElseThrow(
                            () -> ProblemType.INVALID_TOKEN.exception("the account of this token is gone or disabled"));
            Instant now = clock.instant();
            if (credentials.lockedAt(now)) {
                throw ProblemType.ACCOUNT_LOCKED
                        .exception("this account is locked after too many failed sign-ins; try again later")
                        .retryAfter(
                                Duration.between(now, credentials.lockedUntil().orElseThrow())
                                        .plusSeconds(1));
            }
            attempt.beforePasswordCheck();
            if (!hasher.verify(current, credentials.passwordHash(), who)) {
                throw ProblemType.WRONG_CURRENT_PASSWORD.exception("the current password is wrong");
            }
            String hash = hasher.hash(newPassword, rules, who);
            User user = cores.inTransaction(tenant.id(), ServiceTemplate.CORE, core -> {
                if (!store.setPassword(
                        core, member.id(), Optional.of(credentials.passwordHash()), hash, false, clock.instant())) {
                    throw ProblemType.WRONG_CURRENT_PASSWORD.exception(
                            "the password changed meanwhile; sign in with the new one");
                }
                User found = store.find(core, member.id()).orElseThrow();
                activity.record(core, entry("user.password.change", found, client));
                return found;
            });
            sessions.revokeAll("user", member.id());
            log.info("user {} of organization {} changed their password", member.id(), tenant.slug());
            return sessions.start(
                    new Principal.Member(user.id(), tenant.id(), tenant.slug(), tenant.businessType(), user.roles()));
        });
    }

    /**
     * Asks for a reset mail to {@code email}, in {@code organization} (id or slug) or in every
     * organization where it has an account. Returns at once whatever the email: the lookup and the
     * mails happen after, on a thread of their own. Beyond a few mails an hour to one address,
     * requests are dropped silently (no mailbox flooding, and no answer that differs).
     */
    public void requestReset(String emailText, Optional<String> organization, String clientAddress) {
        String email = Fields.email(emailText, "email");
        requestsPerAddress.acquire(Throttle.networkKey(clientAddress));
        try {
            requestsPerEmail.acquire(email);
        } catch (SiloException e) {
            log.info("password reset request for an address over its hourly mails dropped");
            return;
        }
        Thread.ofVirtual().name("password-reset-mail").start(() -> mailResets(email, organization));
    }

    /**
     * Sets a new password with a reset token: under the organization's policy, lifting a lock,
     * ending every session. An unknown, used or expired token is one answer, 400
     * {@code invalid-reset-token}; a policy refusal leaves the token usable.
     */
    public void reset(String tokenText, String newPassword, AuditEntry.Actor client) {
        String token = Fields.text(tokenText, "token", 200);
        Instant now = clock.instant();
        PasswordResetStore.Reset reset =
                resets.findOpen(Secrets.sha256(token), now).orElseThrow(PasswordChanges::invalidToken);
        Tenant tenant = gate.active(reset.tenantId(), Admission.Route.WRITE);
        PasswordPolicy rules = users.policy(tenant);
        rules.check(newPassword);
        String hash = hasher.hash(
                newPassword,
                rules,
                new PasswordHasher.Claimant(tenant.id().toString(), Throttle.addressKey(client.clientAddress())));
        if (!resets.spend(reset, clock.instant())) {
            throw invalidToken();
        }
        cores.inTransaction(tenant.id(), ServiceTemplate.CORE, core -> {
            if (!store.setPassword(core, reset.userId(), Optional.empty(), hash, true, clock.instant())) {
                throw invalidToken(); // the account was deleted or disabled since the mail
            }
            activity.record(
                    core,
                    entry(
                            "user.password.reset",
                            store.find(core, reset.userId()).orElseThrow(),
                            client));
            return null;
        });
        sessions.revokeAll("user", reset.userId());
        log.info("user {} of organization {} reset their password by mail", reset.userId(), tenant.slug());
    }

    private void mailResets(String email, Optional<String> organization) {
        Optional<UUID> only = organization
                .filter(text -> !text.isBlank())
                .map(text -> tenants.resolve(text.trim()).map(Tenant::id).orElse(new UUID(0, 0)));
        List<UUID> tenantIds = directory.lookup("email", email).stream()
                .map(DirectoryEntry::tenantId)
                .distinct()
                .filter(id -> only.map(id::equals).orElse(true))
                .limit(MAX_ORGANIZATIONS)
                .toList();
        for (UUID tenantId : tenantIds) {
            try {
                mailReset(email, tenantId);
            } catch (RuntimeException e) {
                log.warn(
                        "could not mail a password reset for an account of organization {}: {}",
                        tenantId,
                        e.toString());
            }
        }
    }

    private void mailReset(String email, UUID tenantId) {
        Tenant tenant = gate.active(tenantId, Admission.Route.WRITE);
        Optional<UserStore.Credentials> account = cores.inTransaction(
                        tenant.id(), ServiceTemplate.CORE, core -> store.credentials(core, "email", email))
                .filter(UserStore.Credentials::active);
        if (account.isEmpty()) {
            return; // the directory lags the core database, which decides
        }
        String token = Secrets.token(32);
        Instant now = clock.instant();
        Instant expiresAt = now.plus(RESET_TTL);
        resets.insert(
                Ids.next(), Secrets.sha256(token), tenant.id(), account.get().userId(), expiresAt, now);
        mailer.send(new MailMessage(
                email, "Reset your password for " + tenant.name(), """
                Hello,

                someone, hopefully you, asked to reset the password of this address's account in "%s".
                To choose a new password, send the token below to POST /api/auth/password/reset
                as {"token": "...", "password": "..."}.

                Token: %s

                It expires at %s and works once. If you did not ask for this, ignore this message:
                your password stays as it is.
                """.formatted(tenant.name(), token, expiresAt)));
    }

    private static ActivityEntry entry(String action, User user, AuditEntry.Actor client) {
        return ActivityEntry.builder(action, ServiceTemplate.CORE)
                .user(
                        Optional.of(user.id()),
                        user.email().or(user::username),
                        Optional.ofNullable(user.roles().get(ServiceTemplate.CORE)))
                .target("user", user.id().toString())
                .targetName(user.email().or(user::username))
                .client(client)
                .build();
    }

    private static SiloException invalidToken() {
        return ProblemType.INVALID_RESET_TOKEN.exception(
                "this password reset token is unknown, used or expired; ask for a new one");
    }
}
