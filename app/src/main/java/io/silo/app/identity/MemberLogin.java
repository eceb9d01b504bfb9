package io.silo.app.identity;

import io.silo.app.input.Fields;
import io.silo.app.session.Principal;
import io.silo.app.throttle.SignInThrottle;
import io.silo.audit.AuditEntry;
import io.silo.config.SiloConfig;
import io.silo.crypto.PasswordHasher;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.identity.DirectoryEntry;
import io.silo.identity.User;
import io.silo.postgres.activity.ActivityEntry;
import io.silo.postgres.activity.ActivityLog;
import io.silo.postgres.control.TenantStore;
import io.silo.postgres.identity.DirectoryStore;
import io.silo.postgres.identity.UserStore;
import io.silo.postgres.identity.UserStore.Credentials;
import io.silo.postgres.routing.TenantConnections;
import io.silo.template.ServiceTemplate;
import io.silo.tenant.Admission;
import io.silo.tenant.Tenant;
import io.silo.tenant.TenantDatabase;
import io.silo.tenant.TenantStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs members of organizations in, in the ways the systems Silo replaces did: an organization
 * with an email or a username (school-style), or an email or a username alone (the directory finds
 * its organization).
 *
 * <p>What a stranger learns is the same whatever they try: an unknown organization, an unknown
 * login and a wrong password are the same 401 after the same work: the account's throttles, one
 * argon2id check (real or dummy), and nothing else before the answer; the failure count of a known
 * account is written after it ({@link #recordFailure}). A suspended organization and a disabled
 * account are told only to someone who gave the right password; a locked account is told at once,
 * without hashing (the 429 says no more than the lock itself does).
 *
 * <p>A request checks at most one password. An email or a username alone signs in when it belongs
 * to exactly one organization; in several, it gets the same 401 as a wrong password, whose detail
 * says to name the organization (checking each would cost one argon2id run per organization, for anyone
 * who knows such an email).
 *
 * <p>Guessing is slowed three ways: failures and password checks per client address and per
 * account are counted in memory ({@link SignInThrottle}), and an account's consecutive failures are
 * counted in its core database, which locks it for a while at a threshold, across all instances.
 *
 * <p>Thread-safe.
 */
public final class MemberLogin {
    private static final Logger log = LoggerFactory.getLogger(MemberLogin.class);
    /** The organization of an unresolved sign-in, for the hashing turns: all of them take one turn. */
    private static final String UNKNOWN = "unknown";

    private final ActivityLog activity;
    private final TenantStore tenants;
    private final TenantConnections cores;
    private final UserStore store;
    private final DirectoryStore directory;
    private final PasswordHasher hasher;
    private final Clock clock;
    private final SiloConfig.Login settings;
    private final SignInThrottle throttle;

    public MemberLogin(
            TenantStore tenants,
            TenantConnections cores,
            UserStore store,
            DirectoryStore directory,
            PasswordHasher hasher,
            Clock clock,
            SiloConfig.Login settings,
            SignInThrottle throttle,
            ActivityLog activity) {
        this.activity = activity;
        this.tenants = tenants;
        this.cores = cores;
        this.store = store;
        this.directory = directory;
        this.hasher = hasher;
        this.clock = clock;
        this.settings = settings;
        this.throttle = throttle;
    }

    /** A signed-in member: the principal for the tokens, the user as stored, and the organization. */
    public record Success(Principal.Member member, User user, Tenant tenant) {}

    /** The sign-in name: {@code email} or {@code username}, lower case. */
    private record LoginName(String kind, String value) {
        String key() {
            return kind + ":" + value;
        }
    }

    /**
     * Checks the credentials and returns the member they belong to; every refusal is a {@link SiloException}.
     * Bad input is refused before the throttles count anything.
     */
    public Success authenticate(SignIn body, AuditEntry.Actor client) {
        PasswordHasher.checkSignInLength(body.password());
        LoginName login = loginName(body);
        Optional<String> organization =
                body.organization().filter(text -> !text.isBlank()).map(String::trim);
        String password = Fields.password(body.password(), "password");
        return throttle.attempt(client.clientAddress(), attempt -> {
            Optional<Tenant> tenant =
                    organization.isPresent() ? tenants.resolve(organization.get()) : onlyOrganizationOf(login);
            return check(attempt, tenant, login, password, client);
        });
    }

    /**
     * What an administrator's test of a member's credentials found ({@link #test}): the {@code outcome}
     * ({@code accepted}, or why a sign-in would be refused: {@code invalid-credentials},
     * {@code account-locked}, {@code account-disabled}, {@code organization-suspended},
     * {@code organization-unavailable}); the user once the password was right.
     */
    public record TestResult(String outcome, Tenant tenant, Optional<User> user) {}

    /**
     * Checks a member's credentials for a platform administrator, as a sign-in would, and tells what a
     * sign-in would answer, without signing in: no session, no sign-in recorded, no rehash, and a wrong
     * password never counts toward the member's lock (in the core database) nor its sign-in throttle.
     * The test itself is throttled like a sign-in from the administrator's address ({@code
     * clientAddress}), under an account key of its own; 429 {@code too-many-attempts} past it.
     * An unknown organization is 404 {@code organization-not-found}: administrators list them anyway.
     */
    public TestResult test(SignIn body, String clientAddress) {
        PasswordHasher.checkSignInLength(body.password());
        LoginName login = loginName(body);
        String organization = body.organization()
                .filter(text -> !text.isBlank())
                .map(String::trim)
                .orElseThrow(() -> ProblemType.MISSING_FIELD
                        .exception("name the organization of the member to test")
                        .with("field", "organization"));
        String password = Fields.password(body.password(), "password");
        Tenant tenant = tenants.resolve(organization)
                .orElseThrow(() -> ProblemType.ORGANIZATION_NOT_FOUND.exception("no organization " + organization));
        Optional<SiloException> refusal =
                Admission.organization(Optional.of(tenant.status()), tenant.slug(), Admission.Route.SIGN_IN);
        if (refusal.filter(e -> e.problem() == ProblemType.INVALID_CREDENTIALS).isPresent()) {
            return new TestResult("organization-unavailable", tenant, Optional.empty());
        }
        try {
            return throttle.attempt(clientAddress, attempt -> testPassword(attempt, tenant, login, password));
        } catch (SiloException e) {
            if (e.problem() == ProblemType.INVALID_CREDENTIALS) {
                return new TestResult("invalid-credentials", tenant, Optional.empty());
            }
            throw e;
        }
    }

    private TestResult testPassword(SignInThrottle.Attempt attempt, Tenant tenant, LoginName login, String password) {
        PasswordHasher.Claimant who = new PasswordHasher.Claimant(tenant.id().toString(), attempt.address());
        Optional<Credentials> found = credentials(tenant, login);
        // a key of the tester's own: the member's sign-in budget is not the tester's to spend
        attempt.account("auth-test:" + tenant.id() + "/"
                + found.map(credentials -> credentials.userId().toString()).orElse(login.key()));
        attempt.beforePasswordCheck();
        if (found.isEmpty()) {
            hasher.verifyDummy(password, who);
            throw invalidCredentials();
        }
        Credentials credentials = found.get();
        if (!hasher.verify(password, credentials.passwordHash(), who)) {
            throw invalidCredentials(); // counted by the throttle against the tester, never recorded as the member's
            // failure
        }
        Optional<User> user;
        try {
            user = cores.inTransaction(
                    tenant.id(), ServiceTemplate.CORE, core -> store.find(core, credentials.userId()));
        } catch (SiloException e) {
            user = Optional.empty(); // a suspended organization's database may refuse; the outcome says why
        }
        String outcome = tenant.status() != TenantStatus.ACTIVE
                ? "organization-suspended"
                : !credentials.active()
                        ? "account-disabled"
                        : credentials.lockedAt(clock.instant()) ? "account-locked" : "accepted";
        return new TestResult(outcome, tenant, user);
    }

    private Success check(
            SignInThrottle.Attempt attempt,
            Optional<Tenant> resolved,
            LoginName login,
            String password,
            AuditEntry.Actor client) {
        PasswordHasher.Claimant who = new PasswordHasher.Claimant(
                resolved.map(tenant -> tenant.id().toString()).orElse(UNKNOWN), attempt.address());
        Optional<Credentials> found = resolved.flatMap(tenant -> credentials(tenant, login));
        attempt.account(resolved.map(tenant -> tenant.id() + "/"
                        + found.map(credentials -> credentials.userId().toString())
                                .orElse(login.key()))
                .orElse(login.key()));
        if (found.isPresent() && found.get().lockedAt(clock.instant())) {
            throw locked(found.get().lockedUntil().orElseThrow());
        }
        attempt.beforePasswordCheck();
        if (found.isEmpty()) {
            hasher.verifyDummy(password, who);
            throw invalidCredentials();
        }
        Tenant tenant = resolved.orElseThrow();
        Credentials credentials = found.get();
        if (!hasher.verify(password, credentials.passwordHash(), who)) {
            recordFailure(tenant, credentials.userId(), login, client);
            throw invalidCredentials();
        }
        // told only to someone who gave the right password
        Optional<SiloException> refusal =
                Admission.organization(Optional.of(tenant.status()), tenant.slug(), Admission.Route.SIGN_IN);
        if (refusal.isPresent()) {
            throw refusal.get();
        }
        if (!credentials.active()) {
            throw ProblemType.ACCOUNT_DISABLED.exception(
                    "this account is disabled; ask an administrator of " + tenant.slug());
        }
        // a sign-in records itself in the core database, which a migration step or a move may fence for a moment
        Optional<SiloException> fence = Admission.database(
                tenant.database(ServiceTemplate.CORE).map(TenantDatabase::state),
                tenant.slug(),
                ServiceTemplate.CORE,
                Admission.Route.SIGN_IN);
        if (fence.isPresent()) {
            throw fence.get();
        }
        return succeed(tenant, credentials, password, login, client, who);
    }

    private LoginName loginName(SignIn body) {
        boolean hasEmail = body.email().filter(text -> !text.isBlank()).isPresent();
        boolean hasUsername = body.username().filter(text -> !text.isBlank()).isPresent();
        if (hasEmail == hasUsername) {
            throw ProblemType.MISSING_FIELD
                    .exception("give either an email or a username")
                    .with("field", "email");
        }
        return hasEmail
                ? new LoginName("email", Fields.email(body.email().orElseThrow(), "email"))
                : new LoginName("username", Fields.username(body.username().orElseThrow(), "username"));
    }

    /**
     * The one organization an email or a username signs in to, from the directory (a projection that may lag, so
     * the core database decides); none when it is in none or in several.
     */
    private Optional<Tenant> onlyOrganizationOf(LoginName login) {
        List<UUID> tenantIds = directory.lookup(login.kind(), login.value()).stream()
                .map(DirectoryEntry::tenantId)
                .distinct()
                .toList();
        return tenantIds.size() == 1 ? tenants.find(tenantIds.getFirst()) : Optional.empty();
    }

    /**
     * The credentials of the login in one organization. An organization whose sign-ins the admission
     * rule answers as wrong credentials (provisioning, failed, deleting) is not asked; a suspended one
     * is, so that the right password learns of the suspension, and a routing layer that refuses it
     * makes it answer like an unknown login, which tells a stranger nothing either.
     */
    private Optional<Credentials> credentials(Tenant tenant, LoginName login) {
        Optional<SiloException> refusal =
                Admission.organization(Optional.of(tenant.status()), tenant.slug(), Admission.Route.SIGN_IN);
        if (refusal.filter(e -> e.problem() == ProblemType.INVALID_CREDENTIALS).isPresent()) {
            return Optional.empty();
        }
        if (refusal.isEmpty()) {
            return cores.inTransaction(
                    tenant.id(), ServiceTemplate.CORE, core -> store.credentials(core, login.kind(), login.value()));
        }
        try {
            return cores.inTransaction(
                    tenant.id(), ServiceTemplate.CORE, core -> store.credentials(core, login.kind(), login.value()));
        } catch (SiloException e) {
            log.debug("cannot read credentials of suspended organization {}: {}", tenant.slug(), e.getMessage());
            return Optional.empty();
        }
    }

    private SiloException locked(Instant until) {
        Duration left = Duration.between(clock.instant(), until);
        return ProblemType.ACCOUNT_LOCKED
                .exception("this account is locked after too many failed sign-ins;"
                        + " try again later or ask an administrator to reset the password")
                .retryAfter(left.isNegative() ? Duration.ofSeconds(1) : left);
    }

    /**
     * Counts a wrong password against the account, locking it at the threshold, and logs it in the
     * organization's activity log. It runs after the answer, on a thread of its own: an unknown
     * account writes nothing, and a known one must not answer later for writing.
     */
    private void recordFailure(Tenant tenant, UUID userId, LoginName login, AuditEntry.Actor client) {
        Instant now = clock.instant();
        Thread.ofVirtual().name("sign-in-failure").start(() -> {
            try {
                cores.inTransaction(tenant.id(), ServiceTemplate.CORE, core -> {
                    Optional<Instant> lockedUntil =
                            store.recordFailure(core, userId, now, settings.lockThreshold(), settings.lockDuration());
                    activity.record(
                            core,
                            activity(
                                    Optional.empty(),
                                    login.value(),
                                    "",
                                    client,
                                    lockedUntil.isPresent() ? "login.locked" : "login.failed",
                                    userId,
                                    login.value()));
                    lockedUntil.ifPresent(until -> log.warn(
                            "account {} of organization {} locked until {} after {} failed sign-ins",
                            userId,
                            tenant.slug(),
                            until,
                            settings.lockThreshold()));
                    return null;
                });
            } catch (RuntimeException e) {
                log.warn(
                        "could not count a failed sign-in of account {} of {}: {}",
                        userId,
                        tenant.slug(),
                        e.toString());
            }
        });
    }

    private Success succeed(
            Tenant tenant,
            Credentials credentials,
            String password,
            LoginName login,
            AuditEntry.Actor client,
            PasswordHasher.Claimant who) {
        Optional<String> rehash = hasher.needsRehash(credentials.passwordHash())
                ? Optional.of(hasher.rehash(password, who))
                : Optional.empty();
        User user = cores.inTransaction(tenant.id(), ServiceTemplate.CORE, core -> {
            if (!store.recordLogin(core, credentials.userId(), credentials.passwordHash(), clock.instant(), rehash)) {
                throw invalidCredentials(); // the account changed since its password was checked
            }
            User found = store.find(core, credentials.userId()).orElseThrow();
            activity.record(
                    core,
                    activity(
                            Optional.of(found.id()),
                            login.value(),
                            found.roles().getOrDefault(ServiceTemplate.CORE, ""),
                            client,
                            "login",
                            found.id(),
                            login.value()));
            return found;
        });
        return new Success(
                new Principal.Member(user.id(), tenant.id(), tenant.slug(), tenant.businessType(), user.roles()),
                user,
                tenant);
    }

    private static ActivityEntry activity(
            Optional<UUID> userId,
            String name,
            String role,
            AuditEntry.Actor client,
            String action,
            UUID target,
            String targetName) {
        return ActivityEntry.builder(action, ServiceTemplate.CORE)
                .user(userId, Optional.of(name), Optional.of(role).filter(text -> !text.isEmpty()))
                .target("user", target.toString())
                .targetName(Optional.of(targetName))
                .client(client)
                .build();
    }

    private static SiloException invalidCredentials() {
        return ProblemType.INVALID_CREDENTIALS.exception("organization, login or password is wrong;"
                + " an email or username used in several organizations signs in with the organization named");
    }
}
