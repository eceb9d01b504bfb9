package io.silo.bench.setup;

import java.util.Arrays;
import java.util.List;

/**
 * Durations of repeated operations, in milliseconds: how many, and their percentiles.
 *
 * @param millis every duration, sorted
 */
public record Timings(double[] millis) {
    public Timings {
        millis = millis.clone();
        Arrays.sort(millis);
    }

    public static Timings ofNanos(List<Long> nanos) {
        return new Timings(nanos.stream().mapToDouble(value -> value / 1e6).toArray());
    }

    public int count() {
        return millis.length;
    }

    /** The nearest-rank percentile; 0 when empty. */
    public double percentile(double percent) {
        if (millis.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(percent / 100.0 * millis.length);
        return millis[Math.min(millis.length - 1, Math.max(0, rank - 1))];
    }

    public double median() {
        return percentile(50);
    }

    public double total() {
        return Arrays.stream(millis).sum();
    }
}
