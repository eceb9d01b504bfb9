package io.silo.server.throttle;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.silo.error.ErrorKind;
import io.silo.error.SiloException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Counts events per key (a client address, a login name) in fixed windows and refuses once a key
 * has reached its limit in the current window, with the time left as {@code Retry-After}. The
 * first event of a key opens its window. Counts live in this instance's memory only, bounded in
 * size; several instances each count on their own, which the durable account lock complements.
 *
 * <p>Thread-safe.
 */
public final class Throttle {
    private static final long MAX_KEYS = 100_000;

    private final String type;
    private final String what;
    private final int limit;
    private final Duration window;
    private final Clock clock;
    private final Cache<String, Window> windows;

    private record Window(Instant start, int count) {}

    private Throttle(String type, String what, int limit, Duration window, Clock clock) {
        if (limit < 1 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("throttle " + what + " needs a limit of at least 1 and a positive window, got "
                    + limit + " per " + window);
        }
        this.type = type;
        this.what = what;
        this.limit = limit;
        this.window = window;
        this.clock = clock;
        Ticker ticker = () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
        this.windows = Caffeine.newBuilder().ticker(ticker).expireAfterWrite(window).maximumSize(MAX_KEYS).build();
    }

    /**
     * A throttle of {@code limit} events per {@code window} and key.
     *
     * @param type the problem type of a refusal, e.g. {@code too-many-attempts}
     * @param what what is counted, for the refusal's message, e.g. {@code failed sign-ins from this address}
     * @param clock the time source, which also drives eviction
     */
    public static Throttle of(String type, String what, int limit, Duration window, Clock clock) {
        return new Throttle(type, what, limit, window, clock);
    }

    /** Refuses with a 429 of this throttle's type when {@code key} has reached the limit in its current window. */
    public void check(String key) {
        Window current = windows.getIfPresent(key);
        Instant now = clock.instant();
        if (current != null && current.count() >= limit && now.isBefore(current.start().plus(window))) {
            Duration left = Duration.between(now, current.start().plus(window));
            throw new SiloException(ErrorKind.RATE_LIMITED, type, "too many " + what + "; try again in "
                    + Math.max(1, left.toSeconds()) + " s").retryAfter(left);
        }
    }

    /** Counts one event of {@code key}. */
    public void record(String key) {
        Instant now = clock.instant();
        windows.asMap().compute(key, (ignored, current) -> current == null || !now.isBefore(current.start().plus(window))
                ? new Window(now, 1)
                : new Window(current.start(), current.count() + 1));
    }

    /** Counts one event of {@code key} and refuses when it goes over the limit. */
    public void acquire(String key) {
        check(key);
        record(key);
    }

    /** Forgets {@code key}'s events, e.g. after a successful sign-in. */
    public void reset(String key) {
        windows.invalidate(key);
    }
}
