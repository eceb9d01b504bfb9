package io.silo.bench.load;

import java.util.Map;
import java.util.OptionalDouble;

/**
 * What one load phase measured, over its measuring window only (never the warm-up).
 *
 * @param name the phase, e.g. {@code routed reads}
 * @param clients how many clients sent requests at once
 * @param targetRate the arrival rate of an open-loop phase, requests per second; empty for a closed loop
 * @param seconds the length of the measuring window
 * @param ok requests answered with a 2xx
 * @param failures the other outcomes by status ({@link Client.Outcome#NO_ANSWER} for none)
 * @param all latencies of every request that completed in the window
 * @param hot latencies of requests to the hot tenants (the head of the Zipf distribution)
 * @param cold latencies of requests to the others
 */
public record LoadResult(
        String name,
        int clients,
        OptionalDouble targetRate,
        double seconds,
        long ok,
        Map<Integer, Long> failures,
        LatencyHistogram all,
        LatencyHistogram hot,
        LatencyHistogram cold) {

    public LoadResult {
        failures = Map.copyOf(failures);
    }

    /** Successful requests per second. */
    public double throughput() {
        return ok / seconds;
    }

    public long failed() {
        return failures.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Failures as a share of all requests, 0 to 1. */
    public double failureRate() {
        long total = ok + failed();
        return total == 0 ? 0 : (double) failed() / total;
    }
}
