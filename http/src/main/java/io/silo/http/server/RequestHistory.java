package io.silo.http.server;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * This instance's requests and errors per minute over the last hour, for the admin console's
 * overview ({@code GET /api/admin/metrics/history}): sixty one-minute buckets in a ring, a bucket
 * taken over by the minute that next falls on it. Kept in memory only; a restart starts it empty,
 * and each instance counts its own requests (Prometheus, at {@code /metrics}, is where an operator
 * adds them up).
 *
 * <p>Thread-safe and lock-free: counting is two adds on the request's path.
 */
public final class RequestHistory {
    /** How many minutes are kept. */
    public static final int MINUTES = 60;

    private final Clock clock;
    private final AtomicReferenceArray<Bucket> buckets = new AtomicReferenceArray<>(MINUTES);

    public RequestHistory(Clock clock) {
        this.clock = clock;
    }

    /** One minute's counts: every request, those answered 4xx, those answered 5xx. */
    public record Minute(Instant at, long requests, long clientErrors, long errors) {}

    /** Counts one answered request with its status. */
    public void record(int status) {
        long minute = clock.millis() / 60_000;
        Bucket bucket = bucket(minute);
        bucket.requests.increment();
        if (status >= 500) {
            bucket.errors.increment();
        } else if (status >= 400) {
            bucket.clientErrors.increment();
        }
    }

    private Bucket bucket(long minute) {
        int slot = (int) (minute % MINUTES);
        while (true) {
            Bucket current = buckets.get(slot);
            if (current != null && current.minute == minute) {
                return current;
            }
            Bucket fresh = new Bucket(minute);
            if (buckets.compareAndSet(slot, current, fresh)) {
                return fresh;
            }
        }
    }

    /** The last {@link #MINUTES} minutes, oldest first, the current one last; a minute without requests counts zero. */
    public List<Minute> lastHour() {
        long now = clock.millis() / 60_000;
        List<Minute> out = new ArrayList<>(MINUTES);
        for (long minute = now - MINUTES + 1; minute <= now; minute++) {
            Bucket bucket = buckets.get((int) (minute % MINUTES));
            Instant at = Instant.ofEpochMilli(minute * 60_000);
            if (bucket != null && bucket.minute == minute) {
                out.add(new Minute(at, bucket.requests.sum(), bucket.clientErrors.sum(), bucket.errors.sum()));
            } else {
                out.add(new Minute(at, 0, 0, 0));
            }
        }
        return out;
    }

    private static final class Bucket {
        final long minute;
        final LongAdder requests = new LongAdder();
        final LongAdder clientErrors = new LongAdder();
        final LongAdder errors = new LongAdder();

        Bucket(long minute) {
            this.minute = minute;
        }
    }
}
