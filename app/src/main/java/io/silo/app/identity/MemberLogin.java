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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs members of organizations in, in the three ways the systems Silo replaces did: an
 * organization with an email, an email alone (the directory finds the organizations), or an
 * organization with a username (school-style).
 *
 * <p>What a stranger learns is the same whatever they try: an unknown organization, an unknown
 * login and a wrong password are the same 401 after the same work (one argon2id check, real or
 * dummy). A suspended organization and a disabled account are told only to someone who gave the
 * right password. When an email belongs to several organizations, the password is checked against
 * each, and a 409 lists only those where it matched.
 *
 * <p>Guessing is slowed three ways: failures per client address and per login name are counted in
 * memory ({@link SignInThrottle}), and an account's consecutive failures are counted in its core database,
 * which locks it for a while at a threshold, across all instances.
 *
 * <p>Thread-safe.
 */
public final class MemberLogin {
    private static final Logger log = LoggerFactory.getLogger(MemberLogin.class);
    /** An email in more organizations than this signs in with its organization named: each costs one argon2id check. */
    static final int MAX_CANDIDATES = 10;

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
    private record LoginName(String kind, String value) {}

    /** What one organization said about the credentials. */
    private sealed interface Attempt {
        record NoAccount() implements Attempt {}

        record Wrong(Tenant tenant, UUID userId) implements Attempt {}

        record Locked(Instant until) implements Attempt {}

        record Refused(Tenant tenant, SiloException refusal) implements Attempt {}

        record Match(Tenant tenant, Credentials credentials) implements Attempt {}

        /** The right password, but the core database refuses writes for a moment. */
        record Fenced(Tenant tenant, SiloException refusal) implements Attempt {}
    }

    /**
     * Checks the credentials and returns the member they belong to; every refusal is a {@link SiloException}.
     * The throttles take their event before any password is checked and give it back unless the
     * attempt failed for wrong credentials, so concurrent guesses count as surely as sequential ones.
     */
    public Success authenticate(SignIn body, AuditEntry.Actor client) {
        PasswordHasher.checkSignInLength(body.password());
        return throttle.attempt(client.clientAddress(), () -> {
            LoginName login = loginName(body);
            Optional<String> organization =
                    body.organization().filter(text -> !text.isBlank()).map(String::trim);
            String password = Fields.password(body.password(), "password");
            if (login.kind().equals("username") && organization.isEmpty()) {
                throw ProblemType.MISSING_FIELD
                        .exception("signing in with a username needs the organization")
                        .with("field", "organization");
            }
            List<Tenant> candidates = organization
                    .map(org -> tenants.resolve(org).stream().toList())
                    .orElseGet(() -> byEmail(login));
            String accountKey = login.kind() + ":" + login.value()
                    + organization
                            .map(org -> "@"
                                    + candidates.stream()
                                            .findFirst()
                                            .map(tenant -> tenant.id().toString())
                                            .orElse(org.toLowerCase(Locale.ROOT)))
                            .orElse("");
            return new SignInThrottle.Attempt<>(
                    accountKey, () -> check(candidates, login, password, organization.isEmpty(), client));
        });
    }

    /**
     * Checks the password against every candidate account. A wrong password counts against every
     * account it was wrong for, whatever matched elsewhere: otherwise someone who controls a
     * same-named account in their own organization could guess another organization's password
     * for free, reading a 200 as "wrong" and a 409 as "right".
     */
    private Success check(
            List<Tenant> candidates, LoginName login, String password, boolean byEmailAlone, AuditEntry.Actor client) {
        List<Attempt> attempts = new ArrayList<>();
        for (Tenant tenant : candidates) {
            attempts.add(attempt(tenant, login, password));
        }
        if (candidates.isEmpty()) {
            hasher.verifyDummy(password);
        }
        fail(attempts, login, client, byEmailAlone && candidates.size() > 1);
        List<Attempt.Match> matches = attempts.stream()
                .filter(Attempt.Match.class::isInstance)
                .map(Attempt.Match.class::cast)
                .toList();
        List<Attempt.Fenced> fenced = attempts.stream()
                .filter(Attempt.Fenced.class::isInstance)
                .map(Attempt.Fenced.class::cast)
                .toList();
        if (matches.size() + fenced.size() > 1) {
            throw ProblemType.ORGANIZATION_AMBIGUOUS
                    .exception("this email signs in to several organizations; name one")
                    .with(
                            "organizations",
                            Stream.concat(
                                            matches.stream()
                                                    .map(match -> match.tenant().slug()),
                                            fenced.stream()
                                                    .map(match -> match.tenant().slug()))
                                    .sorted()
                                    .toList());
        }
        if (matches.size() == 1) {
            return succeed(matches.getFirst(), password, login, client);
        }
        if (fenced.size() == 1) {
            throw fenced.getFirst().refusal();
        }
        refusal(attempts).ifPresent(refused -> {
            throw refused;
        });
        throw invalidCredentials();
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

    /** The organizations an email signs in to, from the directory: a projection that may lag, so the core database decides. */
    private List<Tenant> byEmail(LoginName login) {
        List<UUID> tenantIds = directory.lookup(login.kind(), login.value()).stream()
                .map(DirectoryEntry::tenantId)
                .distinct()
                .toList();
        if (tenantIds.size() > MAX_CANDIDATES) {
            // never a silent cut: the person's own organization could be the one left out
            throw ProblemType.ORGANIZATION_REQUIRED.exception(
                    "this email belongs to many organizations; sign in with " + "the organization named");
        }
        return tenantIds.stream().map(tenants::find).flatMap(Optional::stream).toList();
    }

    private Attempt attempt(Tenant tenant, LoginName login, String password) {
        Optional<Credentials> found = credentials(tenant, login);
        if (found.isEmpty()) {
            hasher.verifyDummy(password);
            return new Attempt.NoAccount();
        }
        Credentials credentials = found.get();
        if (credentials.lockedAt(clock.instant())) {
            hasher.verifyDummy(password);
            return new Attempt.Locked(credentials.lockedUntil().orElseThrow());
        }
        if (!hasher.verify(password, credentials.passwordHash())) {
            return new Attempt.Wrong(tenant, credentials.userId());
        }
        // told only to someone who gave the right password
        Optional<SiloException> refusal =
                Admission.organization(Optional.of(tenant.status()), tenant.slug(), Admission.Route.SIGN_IN);
        if (refusal.isPresent()) {
            return new Attempt.Refused(tenant, refusal.get());
        }
        if (!credentials.active()) {
            return new Attempt.Refused(
                    tenant,
                    ProblemType.ACCOUNT_DISABLED.exception(
                            "this account is disabled; ask an administrator of " + tenant.slug()));
        }
        // a sign-in records itself in the core database, which a migration step or a move may fence for a moment
        Optional<SiloException> fence = Admission.database(
                tenant.database(ServiceTemplate.CORE).map(TenantDatabase::state),
                tenant.slug(),
                ServiceTemplate.CORE,
                Admission.Route.SIGN_IN);
        if (fence.isPresent()) {
            return new Attempt.Fenced(tenant, fence.get());
        }
        return new Attempt.Match(tenant, credentials);
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

    /** The answer when the password matched nowhere usable, but somewhere it matched a refused account, or an account is locked. */
    private Optional<SiloException> refusal(List<Attempt> attempts) {
        for (Attempt attempt : attempts) {
            if (attempt instanceof Attempt.Refused refused) {
                return Optional.of(refused.refusal());
            }
        }
        if (attempts.stream().anyMatch(Attempt.Wrong.class::isInstance)) {
            return Optional.empty();
        }
        return attempts.stream()
                .filter(Attempt.Locked.class::isInstance)
                .map(Attempt.Locked.class::cast)
                .map(Attempt.Locked::until)
                .min(Comparator.naturalOrder())
                .map(this::locked);
    }

    private SiloException locked(Instant until) {
        Duration left = Duration.between(clock.instant(), until);
        return ProblemType.ACCOUNT_LOCKED
                .exception("this account is locked after too many failed sign-ins;"
                        + " try again later or ask an administrator to reset the password")
                .retryAfter(left.isNegative() ? Duration.ofSeconds(1) : left);
    }

    /**
     * Counts a wrong password against each account it was tried on, locking those that reach the
     * threshold. When an email alone named several organizations, none of them can tell whose
     * attempt it was, so their logs get the failure without the client's address and user agent:
     * a person's typo must not show their address to another organization.
     */
    private void fail(List<Attempt> attempts, LoginName login, AuditEntry.Actor client, boolean amongSeveral) {
        AuditEntry.Actor logged = amongSeveral
                ? new AuditEntry.Actor(client.kind(), client.id(), client.name(), "", "", client.requestId())
                : client;
        Instant now = clock.instant();
        for (Attempt attempt : attempts) {
            if (attempt instanceof Attempt.Wrong wrong) {
                cores.inTransaction(wrong.tenant().id(), ServiceTemplate.CORE, core -> {
                    Optional<Instant> lockedUntil = store.recordFailure(
                            core, wrong.userId(), now, settings.lockThreshold(), settings.lockDuration());
                    activity.record(
                            core,
                            activity(
                                    Optional.empty(),
                                    login.value(),
                                    "",
                                    logged,
                                    lockedUntil.isPresent() ? "login.locked" : "login.failed",
                                    wrong.userId(),
                                    login.value()));
                    lockedUntil.ifPresent(until -> log.warn(
                            "account {} of organization {} locked until {} after {} failed sign-ins",
                            wrong.userId(),
                            wrong.tenant().slug(),
                            until,
                            settings.lockThreshold()));
                    return null;
                });
            }
        }
    }

    private Success succeed(Attempt.Match match, String password, LoginName login, AuditEntry.Actor client) {
        Tenant tenant = match.tenant();
        Credentials credentials = match.credentials();
        Optional<String> rehash =
                hasher.needsRehash(credentials.passwordHash()) ? Optional.of(hasher.hash(password)) : Optional.empty();
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
        return ProblemType.INVALID_CREDENTIALS.exception("organization, login or password is wrong");
    }
}
