package io.silo.testing;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that stands still until a test moves it, for throttles, locks and expiries that would
 * otherwise need real waiting. Starts at the real time, so that what it stamps looks ordinary. It
 * is also a Caffeine {@link Ticker} that moves with it, for caches timed by the same test.
 *
 * <p>Thread-safe.
 */
public final class TestClock extends Clock implements Ticker {
    private final Instant start;
    private final AtomicReference<Instant> now;

    /** A clock at the real time, in whole milliseconds: PostgreSQL keeps microseconds and would round finer instants. */
    public TestClock() {
        this(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    }

    public TestClock(Instant start) {
        this.start = start;
        this.now = new AtomicReference<>(start);
    }

    /** Moves the clock forward by {@code step}. */
    public void advance(Duration step) {
        now.updateAndGet(current -> current.plus(step));
    }

    /** Nanoseconds the clock was moved since it started. */
    @Override
    public long read() {
        return Duration.between(start, now.get()).toNanos();
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("a test clock is always UTC");
    }
}
