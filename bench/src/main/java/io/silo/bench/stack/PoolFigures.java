package io.silo.bench.stack;

import tools.jackson.databind.JsonNode;

/**
 * Silo's own view of its pools ({@code GET /api/admin/pools}), summed over clusters. Counters run
 * from Silo's start; {@link #minus} gives what happened in between two readings.
 *
 * @param budget the connection budget
 * @param connections server connections Silo holds now
 * @param poolsOpen tenant-database pools open now
 * @param poolsOpened pools opened
 * @param poolsEvicted pools closed: idle, least recently used, or evicted explicitly
 * @param budgetWaits new connections that waited for a permit of the budget
 * @param budgetTimeouts requests that failed because no permit came free in time
 * @param reclaimed idle connections closed so that another tenant's pool could open one
 */
public record PoolFigures(
        long budget,
        long connections,
        long poolsOpen,
        long poolsOpened,
        long poolsEvicted,
        long budgetWaits,
        long budgetTimeouts,
        long reclaimed) {

    /** Reads the answer of {@code GET /api/admin/pools}. */
    public static PoolFigures of(JsonNode answer) {
        long[] sums = new long[8];
        String[] fields = {
            "budget",
            "connections",
            "poolsOpen",
            "poolsOpened",
            "poolsEvicted",
            "budgetWaits",
            "budgetTimeouts",
            "reclaimed"
        };
        for (JsonNode cluster : answer.path("clusters")) {
            for (int i = 0; i < fields.length; i++) {
                sums[i] += cluster.path(fields[i]).asLong();
            }
        }
        return new PoolFigures(sums[0], sums[1], sums[2], sums[3], sums[4], sums[5], sums[6], sums[7]);
    }

    /** The counters' growth since {@code earlier}; the gauges as they are now. */
    public PoolFigures minus(PoolFigures earlier) {
        return new PoolFigures(
                budget,
                connections,
                poolsOpen,
                poolsOpened - earlier.poolsOpened,
                poolsEvicted - earlier.poolsEvicted,
                budgetWaits - earlier.budgetWaits,
                budgetTimeouts - earlier.budgetTimeouts,
                reclaimed - earlier.reclaimed);
    }
}
