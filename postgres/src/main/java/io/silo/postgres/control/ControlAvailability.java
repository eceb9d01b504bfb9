package io.silo.postgres.control;

import io.silo.postgres.internal.Circuit;
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
 * <p>Thread-safe. The available state, the common case, is read without a lock ({@link Circuit}).
 */
public final class ControlAvailability {
    private static final Logger log = LoggerFactory.getLogger(ControlAvailability.class);

    /** How long after a failure the pool's callers fail at once, before one probes. */
    public static final Duration OPEN_FOR = Duration.ofSeconds(5);

    private final Clock clock;
    private final Circuit circuit;
    private volatile Instant since = Instant.MIN;

    /** A control database taken to answer until a failure says otherwise; {@code clock} times the open period. */
    ControlAvailability(Clock clock) {
        this.clock = clock;
        this.circuit = new Circuit(clock, OPEN_FOR);
    }

    /** Whether the last attempt to reach the control database succeeded. */
    public boolean isAvailable() {
        return circuit.isClosed();
    }

    /** Since when the control database has not answered; empty while it does. */
    public Optional<Instant> unavailableSince() {
        return circuit.isClosed() ? Optional.empty() : Optional.of(since);
    }

    /** What a caller of the pool may do: pass, be the one probe, or fail at once. */
    Circuit.Admission admit() {
        return circuit.admit();
    }

    /** Why callers are rejected now, for their error and the log. */
    String rejection() {
        return "the control database has not answered since " + since + " (" + circuit.reason() + ")";
    }

    /** A connection was had: the control database answers. */
    void succeeded() {
        if (circuit.succeeded()) {
            log.info(
                    "control database answers again after {} s; sign-in and the control-plane routes are served again",
                    Duration.between(since, clock.instant()).toSeconds());
        }
    }

    /** No connection could be had, for {@code why}: the next callers fail at once for {@link #OPEN_FOR}. */
    void failed(String why) {
        Instant now = clock.instant();
        if (circuit.failed(why)) {
            since = now;
            log.warn(
                    "control database unavailable ({}): sign-in, refresh and the control-plane routes answer 503 "
                            + "control-database-unavailable; members are served from cached placements until it is back",
                    why);
        }
    }

    /** The probe ended without telling whether the control database is back; the next caller probes. */
    void probeEnded() {
        circuit.probeEnded();
    }
}
