package io.silo.bench.load;

/**
 * Latencies in microseconds, log-linear: exact below 128 µs, then 64 buckets per power of two, so
 * every percentile is within 1.6 % of the true value, in constant memory however many requests
 * are recorded.
 *
 * <p>Not thread-safe: each client records into its own, and the driver {@linkplain #add adds}
 * them up at the end.
 */
public final class LatencyHistogram {
    private static final int EXACT = 128;
    private static final int SUB_BUCKETS = 64;
    private static final int BUCKETS = EXACT + 58 * SUB_BUCKETS;

    private final long[] counts = new long[BUCKETS];
    private long count;
    private long sumMicros;
    private long maxMicros;

    /** Records one latency. */
    public void record(long nanos) {
        long micros = Math.max(0, nanos / 1_000);
        counts[index(micros)]++;
        count++;
        sumMicros += micros;
        maxMicros = Math.max(maxMicros, micros);
    }

    /** Adds another histogram's counts to this one. */
    public void add(LatencyHistogram other) {
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += other.counts[i];
        }
        count += other.count;
        sumMicros += other.sumMicros;
        maxMicros = Math.max(maxMicros, other.maxMicros);
    }

    public long count() {
        return count;
    }

    /** The latency below which {@code percent} of the recorded ones lie, in milliseconds; 0 when empty. */
    public double percentileMillis(double percent) {
        if (count == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(percent / 100.0 * count);
        if (rank >= count) {
            return maxMicros / 1000.0; // the slowest is known exactly
        }
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= Math.max(1, rank)) {
                return Math.min(middle(i), maxMicros) / 1000.0;
            }
        }
        return maxMicros / 1000.0;
    }

    public double meanMillis() {
        return count == 0 ? 0 : sumMicros / 1000.0 / count;
    }

    public double maxMillis() {
        return maxMicros / 1000.0;
    }

    static int index(long micros) {
        if (micros < EXACT) {
            return (int) micros;
        }
        int magnitude = 63 - Long.numberOfLeadingZeros(micros);
        int shift = magnitude - 6;
        int sub = (int) (micros >>> shift) - SUB_BUCKETS;
        return Math.min(BUCKETS - 1, EXACT + (shift - 1) * SUB_BUCKETS + sub);
    }

    /** The middle of a bucket, in microseconds. */
    static double middle(int index) {
        if (index < EXACT) {
            return index;
        }
        int shift = (index - EXACT) / SUB_BUCKETS + 1;
        long low = (long) (SUB_BUCKETS + (index - EXACT) % SUB_BUCKETS) << shift;
        return low + ((1L << shift) - 1) / 2.0;
    }
}
