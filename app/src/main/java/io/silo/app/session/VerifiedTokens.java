package io.silo.app.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.silo.app.admission.TenantGate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Access tokens this instance has already verified, with the principal each names, so that a
 * caller's next requests cost a map lookup instead of an ES256 signature check: about a millisecond
 * of CPU on a small server, which was two thirds of a routed read (see {@code docs/benchmarks.md}).
 *
 * <p>Only a token whose signature and claims passed {@link TokenService#verify} is remembered, and
 * only until its {@code exp} by the injected clock: a hit answers exactly what verifying again would
 * (keys are not revoked before the tokens they signed expire; suspended organizations are refused
 * by {@link TenantGate} on every request). Bounded in size; the least used entries go first.
 *
 * <p>Thread-safe.
 */
final class VerifiedTokens {
    /** Enough for the sessions active within one access-token lifetime on one instance; about 1 KB each. */
    static final int MAXIMUM_SIZE = 20_000;

    /** A verified token: who it names, its session (tokens issued before sessions were named have none). */
    record Verified(Principal principal, Optional<UUID> session, Instant expiresAt) {}

    private final Clock clock;
    private final Cache<String, Verified> cache;

    VerifiedTokens(Clock clock, Duration accessTtl) {
        this.clock = clock;
        // the injected clock decides validity; this only lets memory go once no entry can be valid any more
        this.cache = Caffeine.newBuilder()
                .maximumSize(MAXIMUM_SIZE)
                .expireAfterWrite(accessTtl)
                .build();
    }

    /** A token verified before, while it is still valid. */
    Optional<Verified> find(String token) {
        Verified verified = cache.getIfPresent(token);
        if (verified == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(verified.expiresAt())) {
            cache.invalidate(token);
            return Optional.empty();
        }
        return Optional.of(verified);
    }

    /** Remembers a token that was just verified, unless it has already expired; returns it. */
    Verified remember(String token, Principal principal, Optional<UUID> session, Instant expiresAt) {
        Verified verified = new Verified(principal, session, expiresAt);
        if (clock.instant().isBefore(expiresAt)) {
            cache.put(token, verified);
        }
        return verified;
    }
}
