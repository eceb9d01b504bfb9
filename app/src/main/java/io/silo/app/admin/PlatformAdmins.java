package io.silo.app.admin;

import io.silo.app.session.Principal;
import io.silo.app.throttle.SignInThrottle;
import io.silo.config.SiloConfig;
import io.silo.crypto.Ids;
import io.silo.crypto.PasswordHasher;
import io.silo.crypto.Secrets;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.postgres.control.PlatformAdminStore;
import io.silo.postgres.control.PlatformAdminStore.PlatformAdmin;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Platform administrators: created once at first start, then signed in with email and password.
 *
 * <p>Thread-safe.
 */
public final class PlatformAdmins {
    private static final Logger log = LoggerFactory.getLogger(PlatformAdmins.class);
    /** The organization of platform administrators' sign-ins, for the throttles and the hashing turns. */
    private static final String PLATFORM = "platform";

    private final PlatformAdminStore store;
    private final PasswordHasher hasher;
    private final Clock clock;

    public PlatformAdmins(PlatformAdminStore store, PasswordHasher hasher, Clock clock) {
        this.store = store;
        this.hasher = hasher;
        this.clock = clock;
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
     * The administrator with these credentials; any mismatch is the same 401, in the same time. The
     * sign-in's {@code attempt} is told the account and counts the password check.
     */
    public Principal.PlatformAdmin authenticate(String email, String password, SignInThrottle.Attempt attempt) {
        PasswordHasher.Claimant who = new PasswordHasher.Claimant(PLATFORM, attempt.address());
        Optional<PlatformAdmin> found = store.findByEmail(email);
        attempt.account(
                PLATFORM + "/" + found.map(admin -> admin.id().toString()).orElse(email));
        attempt.beforePasswordCheck();
        if (found.isEmpty()) {
            hasher.verifyDummy(password, who);
            throw badCredentials();
        }
        PlatformAdmin admin = found.get();
        if (!hasher.verify(password, admin.passwordHash(), who) || !admin.active()) {
            throw badCredentials();
        }
        if (hasher.needsRehash(admin.passwordHash())) {
            store.updatePasswordHash(admin.id(), hasher.hash(password, who));
        }
        store.recordLogin(admin.id(), clock.instant());
        return new Principal.PlatformAdmin(admin.id(), admin.email());
    }

    /** The administrator behind a refresh token, if still active. */
    public Optional<Principal> resolve(UUID id) {
        return store.find(id)
                .filter(PlatformAdmin::active)
                .map(admin -> new Principal.PlatformAdmin(admin.id(), admin.email()));
    }

    private static SiloException badCredentials() {
        return ProblemType.INVALID_CREDENTIALS.exception("email or password is wrong");
    }
}
