package io.silo.postgres.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A circuit breaker: after a failure it stays open for a while, during which calls fail at once
 * instead of each waiting for the same failure; then it lets exactly one call through to probe.
 * That call's outcome closes it or opens it again. Used for a tenant database that refused its
 * role and for the control database.
 *
 * <p>Thread-safe. The closed state, the common case, is read without a lock.
 */
public final class Circuit {
    /** What a caller may do. */
    public enum Admission {
        /** The circuit is closed: go ahead. */
        PASS,
        /** The open period is over and this caller is the one probe: go ahead, then report. */
        PROBE,
        /** The circuit is open, or another caller is probing: fail at once. */
        REJECT
    }

    private static final Duration MIN_RETRY_AFTER = Duration.ofSeconds(1);

    private final Clock clock;
    private final Duration openFor;
    private volatile boolean closed = true;
    private volatile Instant openUntil = Instant.MIN;
    private boolean probing;
    private String reason = "";

    public Circuit(Clock clock, Duration openFor) {
        this.clock = clock;
        this.openFor = openFor;
    }

    public Admission admit() {
        if (closed) {
            return Admission.PASS;
        }
        synchronized (this) {
            if (closed) {
                return Admission.PASS;
            }
            if (clock.instant().isBefore(openUntil) || probing) {
                return Admission.REJECT;
            }
            probing = true;
            return Admission.PROBE;
        }
    }

    /** Whether calls should not even try now: open, and the open period not over. */
    public boolean isOpen() {
        return !closed && clock.instant().isBefore(openUntil);
    }

    public boolean isClosed() {
        return closed;
    }

    /** A call succeeded; returns whether that closed an open circuit. */
    public boolean succeeded() {
        if (closed) {
            return false;
        }
        synchronized (this) {
            boolean wasOpen = !closed;
            closed = true;
            probing = false;
            return wasOpen;
        }
    }

    /** A call failed for a reason that will fail the next ones too; returns whether that opened a closed circuit. */
    public synchronized boolean failed(String why) {
        boolean wasClosed = closed;
        closed = false;
        probing = false;
        openUntil = clock.instant().plus(openFor);
        reason = why;
        return wasClosed;
    }

    /** The probe ended without telling whether the resource is back; the next caller probes. */
    public synchronized void probeEnded() {
        probing = false;
    }

    /** Why the circuit opened; empty while it never did. */
    public synchronized String reason() {
        return reason;
    }

    /** When a rejected caller may try again: the rest of the open period, at least a second. */
    public Duration retryAfter() {
        Duration left = Duration.between(clock.instant(), openUntil);
        if (left.compareTo(MIN_RETRY_AFTER) < 0) {
            return MIN_RETRY_AFTER;
        }
        long seconds = left.getSeconds() + (left.getNano() > 0 ? 1 : 0);
        return Duration.ofSeconds(seconds);
    }
}
