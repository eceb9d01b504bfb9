package io.silo.bench.load;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Who is asked for what: the tenants in Zipf rank order (the first is the hottest), the service
 * and collection whose documents are read and written, and the seed every client derives its own
 * random sequence from, so two runs ask for the same things.
 *
 * @param tenants the tenants, hottest first
 * @param zipf the distribution of ranks over {@code tenants}
 * @param hotTenants how many of the first tenants count as hot: those that take half of the requests
 * @param service the benchmarked service, e.g. {@code billing}
 * @param collection the benchmarked collection, e.g. {@code invoices}
 * @param seed the seed of every client's random sequence
 */
public record Workload(
        List<TenantTarget> tenants, Zipf zipf, int hotTenants, String service, String collection, long seed) {
    public Workload {
        tenants = List.copyOf(tenants);
        if (zipf.size() != tenants.size()) {
            throw new IllegalArgumentException(
                    "the Zipf distribution has " + zipf.size() + " ranks for " + tenants.size() + " tenants");
        }
    }

    /** A workload over {@code tenants} with Zipf exponent {@code exponent}; hot tenants are those that take half the requests. */
    public static Workload zipf(
            List<TenantTarget> tenants, double exponent, String service, String collection, long seed) {
        Zipf zipf = new Zipf(tenants.size(), exponent);
        return new Workload(tenants, zipf, zipf.headCovering(0.5), service, collection, seed);
    }

    /** A random sequence of its own for client {@code index} of a phase. */
    public RandomGenerator random(String phase, int index) {
        return new java.util.SplittableRandom(seed ^ ((long) phase.hashCode() << 32) ^ (index * 0x9E3779B97F4A7C15L));
    }

    /** Whether the tenant at {@code rank} is a hot one. */
    public boolean hot(int rank) {
        return rank < hotTenants;
    }
}
