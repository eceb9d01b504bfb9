package io.silo.postgres.control;

import io.silo.postgres.jdbc.Jdbc;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions ended before their access tokens expire, as this instance knows them: read from
 * {@code revoked_sessions} when the control plane's listener (re)connects, and told of each new
 * one by its notification, so that a logout or a user's revocation holds on every instance within
 * moments. Only the last {@code keep} (an access token's lifetime) matter: an older session's tokens
 * have expired anyway.
 *
 * <p>While the listener is away from the control database, this set stops growing: tokens already
 * valid keep working for the rest of their life, and revocations made meanwhile take effect when
 * it is back ({@code docs/security.md}).
 *
 * <p>Thread-safe.
 */
public final class RevokedSessions {
    private static final Logger log = LoggerFactory.getLogger(RevokedSessions.class);

    /** The channel the control database announces each revoked session on ({@code V3__revoked_sessions.sql}). */
    public static final String CHANNEL = "silo_revocation";

    private final Jdbc control;
    private final Clock clock;
    private final Duration keep;
    private final Map<UUID, Instant> revoked = new ConcurrentHashMap<>();

    /**
     * @param keep how long a revoked session is remembered: the longest an access token lives
     */
    public RevokedSessions(Jdbc control, Clock clock, Duration keep) {
        this.control = control;
        this.clock = clock;
        this.keep = keep;
    }

    /** Whether {@code session} was ended. */
    public boolean isRevoked(UUID session) {
        return revoked.containsKey(session);
    }

    /** Reads every recent revocation again: after (re)connecting, notifications may have been missed. */
    public void resync() {
        Instant since = clock.instant().minus(keep);
        Map<UUID, Instant> recent = new ConcurrentHashMap<>();
        control.query(
                        "SELECT session_id, revoked_at FROM revoked_sessions WHERE revoked_at >= ?",
                        row -> Map.entry(
                                row.getObject(1, UUID.class),
                                row.getTimestamp(2).toInstant()),
                        since)
                .forEach(entry -> recent.put(entry.getKey(), entry.getValue()));
        recent.forEach((session, at) -> revoked.merge(session, at, (a, b) -> a.isAfter(b) ? a : b));
        revoked.values().removeIf(at -> at.isBefore(since));
        log.debug("{} sessions revoked in the last {}", revoked.size(), keep);
    }

    /**
     * Sessions this instance just ended: known here at once, so that the answer to a logout holds for
     * the very next request, not only once the notification arrives.
     */
    public void revoked(Collection<UUID> sessions) {
        Instant now = clock.instant();
        sessions.forEach(session -> revoked.merge(session, now, (a, b) -> a.isAfter(b) ? a : b));
    }

    /** A notification of {@code silo_revocation}: the id of a session just ended. */
    public void heard(String payload) {
        try {
            revoked.merge(UUID.fromString(payload.trim()), clock.instant(), (a, b) -> a.isAfter(b) ? a : b);
        } catch (IllegalArgumentException e) {
            log.warn("ignored a revocation whose payload is not a session id: '{}'", payload);
        }
        Instant since = clock.instant().minus(keep);
        revoked.values().removeIf(at -> at.isBefore(since));
    }
}
