package io.silo.postgres.control;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the control database answers, as this instance last found out: from its pool's attempts
 * to lend a connection and from the placement listener's attempts to connect. A connection that
 * cannot be had makes it unavailable; for {@link #OPEN_FOR} after that, the pool's callers fail at
 * once instead of each waiting out the same connection timeout; then one caller is let through to
 * probe. The placement listener, which reconnects in the background with its own backoff, probes
 * too, whatever the state: its success ends the outage for every caller, so a request need not be
 * the one that finds the control database back.
 *
 * <p>Thread-safe. The available state, the common case, is read without a lock.
 */
public final class ControlAvailability {
    private static final Logger log = LoggerFactory.getLogger(ControlAvailability.class);

    /** How long after a failure the pool's callers fail at once, before one probes. */
    public static final Duration OPEN_FOR = Duration.ofSeconds(5);

    /** What a caller of the pool may do. */
    enum Admission {
        /** Available: go ahead. */
        PASS,
        /** Unavailable, the open period is over and this caller is the one probe: go ahead, then report. */
        PROBE,
        /** Unavailable: fail at once. */
        REJECT
    }

    private final Clock clock;
    private volatile boolean available = true;
    private volatile Instant openUntil = Instant.MIN;
    private Instant since = Instant.MIN;
    private String reason = "";
    private boolean probing;

    /** A control database taken to answer until a failure says otherwise; {@code clock} times the open period. */
    ControlAvailability(Clock clock) {
        this.clock = clock;
    }

    /** Whether the last attempt to reach the control database succeeded. */
    public boolean isAvailable() {
        return available;
    }

    /** Since when the control database has not answered; empty while it does. */
    public synchronized Optional<Instant> unavailableSince() {
        return available ? Optional.empty() : Optional.of(since);
    }

    Admission admit() {
        if (available) {
            return Admission.PASS;
        }
        synchronized (this) {
            if (available) {
                return Admission.PASS;
            }
            if (probing || clock.instant().isBefore(openUntil)) {
                return Admission.REJECT;
            }
            probing = true;
            return Admission.PROBE;
        }
    }

    /** Why callers are rejected now, for their error and the log. */
    synchronized String rejection() {
        return "the control database has not answered since " + since + " (" + reason + ")";
    }

    /** A connection was had: the control database answers. */
    void succeeded() {
        if (available) {
            return;
        }
        synchronized (this) {
            if (available) {
                return;
            }
            available = true;
            probing = false;
            log.info(
                    "control database answers again after {} s; sign-in and the control-plane routes are served again",
                    Duration.between(since, clock.instant()).toSeconds());
        }
    }

    /** No connection could be had, for {@code why}: the next callers fail at once for {@link #OPEN_FOR}. */
    synchronized void failed(String why) {
        Instant now = clock.instant();
        openUntil = now.plus(OPEN_FOR);
        probing = false;
        reason = why;
        if (available) {
            available = false;
            since = now;
            log.warn(
                    "control database unavailable ({}): sign-in, refresh and the control-plane routes answer 503 "
                            + "control-database-unavailable; members are served from cached placements until it is back",
                    why);
        }
    }

    /** The probe ended without telling whether the control database is back; the next caller probes. */
    synchronized void probeEnded() {
        probing = false;
    }
}
