package io.silo.http.server;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of 503 answers: at most one line per problem type a second, which says how many like it
 * went unlogged since the last. A cluster that is down refuses thousands of requests a second, each
 * at once; a line each would drown the log (and slow the refusals) while telling nothing new. Every
 * 503 is still counted by {@code http_server_requests_seconds_count{status="503"}}.
 *
 * <p>Thread-safe.
 */
final class UnavailableLog {
    private static final Logger log = LoggerFactory.getLogger(Problems.class);
    private static final long EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** When a type was last logged, and how many of it were not logged since. */
    private record Window(AtomicLong lastLogged, AtomicLong unlogged) {}

    private static final ConcurrentMap<String, Window> windows = new ConcurrentHashMap<>();

    private UnavailableLog() {}

    static void log(String type, String method, String path, String message) {
        Window window = windows.computeIfAbsent(
                type, unused -> new Window(new AtomicLong(System.nanoTime() - EVERY_NANOS), new AtomicLong()));
        long now = System.nanoTime();
        long last = window.lastLogged().get();
        if (now - last >= EVERY_NANOS && window.lastLogged().compareAndSet(last, now)) {
            long unlogged = window.unlogged().getAndSet(0);
            if (unlogged == 0) {
                log.warn("{} {} unavailable: {}", method, path, message);
            } else {
                log.warn(
                        "{} {} unavailable: {} (and {} more {} since the last line)",
                        method,
                        path,
                        message,
                        unlogged,
                        type);
            }
        } else {
            window.unlogged().incrementAndGet();
            log.debug("{} {} unavailable: {}", method, path, message);
        }
    }
}
