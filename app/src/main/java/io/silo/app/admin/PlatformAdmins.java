package io.silo.app.admin;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.silo.app.session.Principal;
import io.silo.app.throttle.SignInThrottle;
import io.silo.config.SiloConfig;
import io.silo.crypto.Ids;
import io.silo.crypto.PasswordHasher;
import io.silo.crypto.Secrets;
import io.silo.error.ErrorKind;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.postgres.control.PlatformAdminStore;
import io.silo.postgres.control.PlatformAdminStore.PlatformAdmin;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Platform administrators: created once at first start, then signed in with email, password and, once
 * enrolled, a TOTP code. Failed sign-ins are counted in the control database, so the lockout holds
 * across instances and restarts; a locked administrator is refused before any password is hashed.
 * Every request of an administrator's token is checked against the stored administrator
 * ({@link #standing}), at most {@link #STANDING_TTL} behind it.
 *
 * <p>Thread-safe.
 */
public final class PlatformAdmins {
    /**
     * How long an instance trusts what it last read of an administrator on a request: a deleted or
     * disabled administrator loses access within this time on every instance, however it was changed.
     */
    public static final Duration STANDING_TTL = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(PlatformAdmins.class);
    /** The organization of platform administrators' sign-ins, for the throttles and the hashing turns. */
    private static final String PLATFORM = "platform";

    private final PlatformAdminStore store;
    private final PasswordHasher hasher;
    private final SecondFactors secondFactors;
    private final SiloConfig.Admin settings;
    private final Clock clock;
    /** What was read of each administrator within {@link #STANDING_TTL}. */
    private final Cache<UUID, Optional<PlatformAdmin>> standings;

    /** What was last read of each administrator, however long ago: used while the control database is away. */
    private final Cache<UUID, Optional<PlatformAdmin>> lastKnown;

    public PlatformAdmins(
            PlatformAdminStore store,
            PasswordHasher hasher,
            SecondFactors secondFactors,
            SiloConfig.Admin settings,
            Clock clock) {
        this.store = store;
        this.hasher = hasher;
        this.secondFactors = secondFactors;
        this.settings = settings;
        this.clock = clock;
        Ticker ticker = () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
        this.standings = Caffeine.newBuilder()
                .ticker(ticker)
                .expireAfterWrite(STANDING_TTL)
                .maximumSize(10_000)
                .build();
        this.lastKnown = Caffeine.newBuilder().maximumSize(10_000).build();
    }

    /** What an administrator's valid token may do now. */
    public enum Standing {
        /** Everything a platform administrator may. */
        FULL,
        /** Only enroll a second factor: {@code admin.requireTotp} is on and the administrator has none yet. */
        ENROLLMENT_ONLY
    }

    /** A second factor presented at sign-in. */
    public sealed interface SecondFactor {
        /** A code of the authenticator app. */
        record Code(String code) implements SecondFactor {}

        /** One of the recovery codes handed out at enrollment; spent by its use. */
        record RecoveryCode(String code) implements SecondFactor {}
    }

    /**
     * Creates the first administrator when there is none. With no configured password one is
     * generated and shown once on the console, the only place it ever appears.
     */
    public void bootstrap(SiloConfig.Admin config) {
        if (store.count() > 0) {
            return;
        }
        String password = config.password().orElseGet(Secrets::password);
        if (store.createIfAbsent(
                Ids.next(),
                config.email(),
                "Platform administrator",
                hasher.hash(password, PasswordHasher.Claimant.SILO))) {
            log.info("created platform administrator {}", config.email());
            if (config.password().isEmpty()) {
                System.out.println("""

                        ================================================================
                         Platform administrator: %s
                         Generated password:     %s
                         Shown once. Set SILO_ADMIN_PASSWORD to choose your own.
                        ================================================================
                        """.formatted(config.email(), password));
            }
        }
    }

    /**
     * The administrator with these credentials. A wrong email or password, a disabled administrator and
     * a wrong second factor are the same 401 {@code invalid-credentials}; a wrong password or second
     * factor counts toward the lockout. A locked administrator is 429 {@code account-locked} before any
     * hashing (and before the throttle counts a password check). The right password without a needed
     * second factor is 401 {@code second-factor-required}. The sign-in's {@code attempt} is told the
     * account and counts the password check.
     */
    public Principal.PlatformAdmin authenticate(
            String email, String password, Optional<SecondFactor> factor, SignInThrottle.Attempt attempt) {
        PasswordHasher.Claimant who = new PasswordHasher.Claimant(PLATFORM, attempt.address());
        Optional<PlatformAdmin> found = store.findByEmail(email);
        attempt.account(
                PLATFORM + "/" + found.map(admin -> admin.id().toString()).orElse(email));
        Instant now = clock.instant();
        Optional<Instant> lockedUntil =
                found.flatMap(PlatformAdmin::lockedUntil).filter(now::isBefore);
        if (lockedUntil.isPresent()) {
            throw locked(lockedUntil.get(), now);
        }
        attempt.beforePasswordCheck();
        if (found.isEmpty()) {
            hasher.verifyDummy(password, who);
            throw badCredentials();
        }
        PlatformAdmin admin = found.get();
        if (!hasher.verify(password, admin.passwordHash(), who)) {
            throw failure(admin, now);
        }
        if (!admin.active()) {
            throw badCredentials();
        }
        if (admin.totpEnabled()) {
            SecondFactor presented = factor.orElseThrow(() -> ProblemType.SECOND_FACTOR_REQUIRED.exception(
                    "this administrator signs in with a second factor: send 'totp' or 'recoveryCode' too"));
            if (!secondFactors.verify(admin, presented, now)) {
                throw failure(admin, now);
            }
        }
        if (hasher.needsRehash(admin.passwordHash())) {
            store.updatePasswordHash(admin.id(), hasher.hash(password, who));
        }
        store.recordLogin(admin.id(), now);
        remember(admin.id(), Optional.of(admin));
        return new Principal.PlatformAdmin(admin.id(), admin.email());
    }

    /** The administrator behind a refresh token, if still active. */
    public Optional<Principal> resolve(UUID id) {
        return store.find(id)
                .filter(PlatformAdmin::active)
                .map(admin -> new Principal.PlatformAdmin(admin.id(), admin.email()));
    }

    /**
     * What the bearer of a valid token of this administrator may do, read from the control database at
     * most {@link #STANDING_TTL} ago: a 401 {@code invalid-token} when the administrator was deleted or
     * disabled since the token was issued. A lockout after failed sign-ins does not end sessions: anyone
     * can cause one, and it guards the password, not the sessions already opened with it. While the
     * control database is away, what this instance last read of the administrator holds (as placements
     * do), so routes that need no database keep serving; never read, it is 503.
     */
    public Standing standing(UUID id) {
        PlatformAdmin admin = read(id).filter(PlatformAdmin::active)
                .orElseThrow(() -> ProblemType.INVALID_TOKEN.exception(
                        "this platform administrator was disabled or deleted; the token no longer counts"));
        return settings.requireTotp() && !admin.totpEnabled() ? Standing.ENROLLMENT_ONLY : Standing.FULL;
    }

    /** Forgets what this instance read of an administrator: it just changed here. */
    void forget(UUID id) {
        standings.invalidate(id);
    }

    private Optional<PlatformAdmin> read(UUID id) {
        Optional<PlatformAdmin> fresh = standings.getIfPresent(id);
        if (fresh != null) {
            return fresh;
        }
        try {
            Optional<PlatformAdmin> loaded = store.find(id);
            remember(id, loaded);
            return loaded;
        } catch (SiloException e) {
            Optional<PlatformAdmin> known = lastKnown.getIfPresent(id);
            if (e.kind() == ErrorKind.UNAVAILABLE && known != null) {
                return known;
            }
            throw e;
        }
    }

    private void remember(UUID id, Optional<PlatformAdmin> admin) {
        standings.put(id, admin);
        lastKnown.put(id, admin);
    }

    /** Begins (or begins again) the caller's TOTP enrollment: the secret, shown once. */
    public SecondFactors.Enrollment beginTotp(Principal.PlatformAdmin caller) {
        return secondFactors.begin(require(caller.id()));
    }

    /** Confirms the caller's enrollment with a code of the app; returns the recovery codes, shown once. */
    public List<String> confirmTotp(Principal.PlatformAdmin caller, String code) {
        List<String> recoveryCodes = secondFactors.confirm(require(caller.id()), code);
        forget(caller.id());
        log.info("platform administrator {} enabled TOTP", caller.email());
        return recoveryCodes;
    }

    /** The administrator with this email; 404 {@code admin-not-found} when there is none. */
    PlatformAdmin require(String email) {
        return store.findByEmail(email)
                .orElseThrow(() -> ProblemType.ADMIN_NOT_FOUND.exception(
                        "there is no platform administrator with the email " + email));
    }

    private PlatformAdmin require(UUID id) {
        return store.find(id)
                .orElseThrow(() -> ProblemType.INVALID_TOKEN.exception("this platform administrator no longer exists"));
    }

    private SiloException failure(PlatformAdmin admin, Instant now) {
        store.recordFailure(admin.id(), now, settings.lockThreshold(), settings.lockDuration())
                .ifPresent(until -> log.warn(
                        "platform administrator {} locked until {} after {} failed sign-ins",
                        admin.email(),
                        until,
                        settings.lockThreshold()));
        return badCredentials();
    }

    private static SiloException locked(Instant until, Instant now) {
        Duration left = Duration.between(now, until);
        return ProblemType.ACCOUNT_LOCKED
                .exception("this administrator is locked after too many failed sign-ins; try again later,"
                        + " or ask an operator to run 'silo admins unlock'")
                .retryAfter(left.isNegative() || left.isZero() ? Duration.ofSeconds(1) : left);
    }

    private static SiloException badCredentials() {
        return ProblemType.INVALID_CREDENTIALS.exception("email or password is wrong");
    }
}
