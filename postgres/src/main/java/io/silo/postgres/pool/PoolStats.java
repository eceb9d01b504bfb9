package io.silo.postgres.pool;

/**
 * A snapshot of the pools of one cluster, for {@code GET /api/admin/pools} and for operators.
 * Counters run from the start of this Silo instance. Immutable, so thread-safe.
 *
 * @param cluster the cluster id
 * @param available false while the cluster is down: its requests then fail at once
 * @param budget the most server connections Silo may hold to the cluster
 * @param connections server connections held now (opened or being opened), at most {@code budget}
 * @param inUse connections lent to requests now
 * @param idle connections parked in pools now, reclaimable by other pools of the cluster
 * @param poolsOpen tenant-database pools open now
 * @param poolsOpened pools opened since start
 * @param poolsEvicted pools closed since start: idle, least recently used, or evicted explicitly
 * @param budgetWaits times a new connection had to wait for the budget
 * @param budgetTimeouts requests that failed because no connection of the budget came free in time
 * @param reclaimed idle connections closed so that another pool of the cluster could open one
 * @param rejected requests failed at once because the cluster was unavailable
 * @param logins logins to the server: connections opened, or tried
 */
public record PoolStats(
        String cluster,
        boolean available,
        int budget,
        int connections,
        int inUse,
        int idle,
        int poolsOpen,
        long poolsOpened,
        long poolsEvicted,
        long budgetWaits,
        long budgetTimeouts,
        long reclaimed,
        long rejected,
        long logins) {}
