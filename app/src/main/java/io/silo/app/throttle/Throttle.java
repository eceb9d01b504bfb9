package io.silo.app.throttle;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.silo.error.ProblemType;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

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
    /** The brackets of {@code [::1]} and the zone of {@code fe80::1%eth0}, taken off an IPv6 address. */
    private static final Pattern BRACKETS = Pattern.compile("^\\[|]$");

    private static final Pattern ZONE = Pattern.compile("%.*$");

    private final ProblemType type;
    private final String what;
    private final int limit;
    private final Duration window;
    private final Clock clock;
    private final Cache<String, Window> windows;

    private record Window(Instant start, int count) {}

    private Throttle(ProblemType type, String what, int limit, Duration window, Clock clock) {
        if (limit < 1 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("throttle " + what
                    + " needs a limit of at least 1 and a positive window, got " + limit + " per " + window);
        }
        this.type = type;
        this.what = what;
        this.limit = limit;
        this.window = window;
        this.clock = clock;
        Ticker ticker = () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
        this.windows = Caffeine.newBuilder()
                .ticker(ticker)
                .expireAfterWrite(window)
                .maximumSize(MAX_KEYS)
                .build();
    }

    /**
     * A throttle of {@code limit} events per {@code window} and key.
     *
     * @param type the problem type of a refusal, e.g. {@code too-many-attempts}
     * @param what what is counted, for the refusal's message, e.g. {@code failed sign-ins from this address}
     * @param clock the time source, which also drives eviction
     */
    public static Throttle of(ProblemType type, String what, int limit, Duration window, Clock clock) {
        return new Throttle(type, what, limit, window, clock);
    }

    /**
     * Takes one event for {@code key}, or refuses with a 429 when the key's window is full. Taking
     * and counting are one atomic step, before the work they guard (a password check), so a burst of
     * concurrent attempts cannot all pass a check that each finds not yet full. An attempt that turns
     * out not to count (a success) gives its event back with {@link #release}.
     */
    public void acquire(String key) {
        Instant now = clock.instant();
        Window[] refused = {null};
        windows.asMap().compute(key, (ignored, current) -> {
            if (current == null || !now.isBefore(current.start().plus(window))) {
                return new Window(now, 1);
            }
            if (current.count() >= limit) {
                refused[0] = current;
                return current;
            }
            return new Window(current.start(), current.count() + 1);
        });
        if (refused[0] != null) {
            Duration left = Duration.between(now, refused[0].start().plus(window));
            throw type.exception("too many " + what + "; try again in " + Math.max(1, left.toSeconds()) + " s")
                    .retryAfter(left);
        }
    }

    /** Gives back one event taken by {@link #acquire}: the attempt was not a failure. */
    public void release(String key) {
        windows.asMap()
                .computeIfPresent(
                        key,
                        (ignored, current) ->
                                current.count() <= 1 ? null : new Window(current.start(), current.count() - 1));
    }

    /** Forgets {@code key}'s events, e.g. after a successful sign-in. */
    public void reset(String key) {
        windows.invalidate(key);
    }

    /**
     * The key of a client address for sign-ins: the address itself, but an IPv6 address by its /64,
     * which one client commonly owns whole and could otherwise rotate through.
     */
    public static String addressKey(String address) {
        return prefixKey(address, 64);
    }

    /**
     * The key of a client's network for sign-ups: an IPv6 address by its /48, the block a site is
     * commonly given, so that one requester cannot spread mail over 65,536 subnets.
     */
    public static String networkKey(String address) {
        return prefixKey(address, 48);
    }

    private static String prefixKey(String address, int bits) {
        if (address == null || !address.contains(":")) {
            return address == null ? "" : address;
        }
        try {
            byte[] bytes = InetAddress.getByName(
                            ZONE.matcher(BRACKETS.matcher(address).replaceAll(""))
                                    .replaceAll(""))
                    .getAddress();
            if (bytes.length != 16) {
                return address;
            }
            return java.util.HexFormat.of().formatHex(bytes, 0, bits / 8) + "::/" + bits;
        } catch (UnknownHostException e) {
            return address;
        }
    }
}
