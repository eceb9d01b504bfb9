package io.silo.app.session;

import io.silo.config.SiloConfig;
import io.silo.crypto.Ids;
import io.silo.crypto.Secrets;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.postgres.control.RefreshTokenStore;
import io.silo.postgres.control.RefreshTokenStore.RefreshToken;
import io.silo.postgres.control.RevokedSessions;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sign-in sessions: a short access token plus an opaque refresh token. Refreshing spends the
 * refresh token and issues a new pair in the same family; presenting a spent token revokes the
 * family (reuse detection, RFC 9700 section 4.14). Roles are re-read at every refresh, so a
 * change reaches the caller within one access-token lifetime.
 *
 * <p>A session ends {@code tokens.sessionMaxAge} after its sign-in however often it is refreshed
 * (each refresh token expires then at the latest), and a user keeps at most
 * {@code tokens.maxSessionsPerUser} live sessions: a sign-in beyond ends the oldest, so looping
 * sign-ins cannot grow the control database without bound.
 *
 * <p>Thread-safe.
 */
public final class Sessions {
    private static final Logger log = LoggerFactory.getLogger(Sessions.class);

    private final RefreshTokenStore store;
    private final TokenService tokens;
    private final Clock clock;
    private final SiloConfig.Tokens settings;
    private final SubjectResolver resolver;
    private final RevokedSessions revoked;

    /** Re-reads the current principal behind a refresh token: it may have been disabled or changed. */
    @FunctionalInterface
    public interface SubjectResolver {
        Optional<Principal> resolve(RefreshToken token);
    }

    public Sessions(
            RefreshTokenStore store,
            RevokedSessions revoked,
            TokenService tokens,
            Clock clock,
            SiloConfig.Tokens settings,
            SubjectResolver resolver) {
        this.revoked = revoked;
        this.store = store;
        this.tokens = tokens;
        this.clock = clock;
        this.settings = settings;
        this.resolver = resolver;
    }

    /** An issued pair of tokens. */
    public record Session(TokenService.AccessToken access, String refreshToken, Principal principal) {
        @Override
        public String toString() {
            return "Session[" + principal.kind() + " " + principal.id() + "]";
        }
    }

    /**
     * Starts a new session (a new refresh-token family) for a principal who just signed in, and
     * ends that principal's oldest sessions beyond {@code tokens.maxSessionsPerUser}.
     */
    public Session start(Principal principal) {
        Instant now = clock.instant();
        Session session = issue(principal, Ids.next(), now);
        List<UUID> ended = store.revokeOldest(principal.kind(), principal.id(), settings.maxSessionsPerUser(), now);
        if (!ended.isEmpty()) {
            revoked.revoked(ended);
            log.info(
                    "{} {} has more than {} sessions; ended the {} oldest",
                    principal.kind(),
                    principal.id(),
                    settings.maxSessionsPerUser(),
                    ended.size());
        }
        return session;
    }

    /** Spends {@code refreshToken} and issues a new pair; any misuse is a 401. */
    public Session refresh(String refreshToken) {
        Instant now = clock.instant();
        RefreshToken stored = store.findByHash(Secrets.sha256(refreshToken))
                .orElseThrow(() -> ProblemType.INVALID_REFRESH_TOKEN.exception("refresh token is not valid"));
        if (stored.revokedAt().isPresent()) {
            throw ProblemType.INVALID_REFRESH_TOKEN.exception("refresh token has been revoked");
        }
        if (stored.usedAt().isPresent()) {
            throw reused(stored, now);
        }
        if (!stored.expiresAt().isAfter(now)) {
            throw ProblemType.INVALID_REFRESH_TOKEN.exception("refresh token has expired");
        }
        // the subject is re-read before the token is spent, so an outage of its database does not cost the session
        Principal principal = resolver.resolve(stored).orElseThrow(() -> {
            revokeFamily(stored.familyId(), now);
            return ProblemType.INVALID_REFRESH_TOKEN.exception("the account can no longer sign in");
        });
        if (!store.spend(stored.id(), now)) {
            throw reused(stored, now);
        }
        return issue(principal, stored.familyId(), stored.sessionStartedAt());
    }

    /**
     * Ends the session of {@code refreshToken}: holding it is enough, since it could refresh the
     * session anyway. Unknown tokens are ignored, so logout is idempotent.
     */
    public void logout(String refreshToken) {
        store.findByHash(Secrets.sha256(refreshToken))
                .ifPresent(token -> revokeFamily(token.familyId(), clock.instant()));
    }

    /** Ends the session of {@code refreshToken} if it is {@code caller}'s; someone else's is ignored like an unknown one. */
    public void logout(String refreshToken, Principal caller) {
        store.findByHash(Secrets.sha256(refreshToken))
                .filter(token ->
                        caller.kind().equals(token.subjectKind()) && caller.id().equals(token.subjectId()))
                .ifPresent(token -> revokeFamily(token.familyId(), clock.instant()));
    }

    /** Ends every session of a subject, e.g. when a user is deleted or a password changes. */
    public void revokeAll(String subjectKind, UUID subjectId) {
        revoked.revoked(store.revokeSubject(subjectKind, subjectId, clock.instant()));
    }

    /** Ends one session, here at once and on every other instance through the control database. */
    private void revokeFamily(UUID family, Instant at) {
        store.revokeFamily(family, at);
        revoked.revoked(List.of(family));
    }

    private SiloException reused(RefreshToken stored, Instant now) {
        revokeFamily(stored.familyId(), now);
        log.warn(
                "refresh token of {} {} was used twice; revoked its session family {}",
                stored.subjectKind(),
                stored.subjectId(),
                stored.familyId());
        return ProblemType.REFRESH_TOKEN_REUSED.exception(
                "refresh token was already used; the session has been revoked, sign in again");
    }

    private Session issue(Principal principal, UUID family, Instant sessionStartedAt) {
        Instant now = clock.instant();
        Instant refreshUntil = now.plus(settings.refreshTtl());
        Instant sessionEnds = sessionStartedAt.plus(settings.sessionMaxAge());
        String refresh = Secrets.token(32);
        Optional<UUID> tenant =
                principal instanceof Principal.Member member ? Optional.of(member.tenantId()) : Optional.empty();
        store.insert(
                new RefreshToken(
                        Ids.next(),
                        family,
                        principal.kind(),
                        principal.id(),
                        tenant,
                        sessionStartedAt,
                        now,
                        refreshUntil.isBefore(sessionEnds) ? refreshUntil : sessionEnds,
                        Optional.empty(),
                        Optional.empty()),
                Secrets.sha256(refresh));
        return new Session(tokens.issue(principal, family), refresh, principal);
    }
}
