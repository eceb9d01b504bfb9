package io.silo.postgres.pool;

import io.silo.cluster.Cluster;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the registry keeps per cluster: its connection budget, its circuit, its open pools
 * (the candidates for reclaiming idle connections), and its counters.
 *
 * <p>Thread-safe.
 */
final class ClusterPools {
    private static final Logger log = LoggerFactory.getLogger(ClusterPools.class);

    private final String id;
    private final ConnectionBudget budget;
    private final Circuit circuit;
    private final Set<TenantPool> open = ConcurrentHashMap.newKeySet();
    private final LongAdder opened = new LongAdder();
    private final LongAdder evicted = new LongAdder();
    private final LongAdder budgetTimeouts = new LongAdder();
    private final LongAdder reclaimed = new LongAdder();
    private final LongAdder rejected = new LongAdder();

    ClusterPools(Cluster cluster, Clock clock) {
        this.id = cluster.id();
        this.budget = new ConnectionBudget(id, cluster.connectionBudget());
        this.circuit = new Circuit(clock, PoolRegistry.CIRCUIT_OPEN_FOR);
    }

    String id() {
        return id;
    }

    ConnectionBudget budget() {
        return budget;
    }

    Circuit circuit() {
        return circuit;
    }

    TenantPool open(DatabaseTarget target, PoolSettings settings, long now) {
        TenantPool pool = new TenantPool(target, this, settings, now);
        open.add(pool);
        opened.increment();
        log.debug("opened pool {} for tenant {}", pool.key(), target.tenantId());
        return pool;
    }

    void closed(TenantPool pool) {
        if (open.remove(pool)) {
            evicted.increment();
        }
    }

    List<TenantPool> pools() {
        return List.copyOf(open);
    }

    /**
     * Closes the idle connections of the least recently used other pool of this cluster that has
     * idle connections and none lent. Returns how many it closed.
     */
    int reclaimIdle(TenantPool wanting) {
        TenantPool coldest = null;
        for (TenantPool pool : open) {
            if (pool != wanting
                    && pool.reclaimable()
                    && (coldest == null || pool.lastUsed() - coldest.lastUsed() < 0)) {
                coldest = pool;
            }
        }
        if (coldest == null) {
            return 0;
        }
        int count = coldest.reclaimIdle();
        reclaimed.add(count);
        return count;
    }

    void unreachable(String reason) {
        if (circuit.failed(reason)) {
            log.warn(
                    "cluster {} is unreachable: {}; requests for its tenants fail at once for {} s",
                    id,
                    reason,
                    PoolRegistry.CIRCUIT_OPEN_FOR.toSeconds());
        }
    }

    void reachable() {
        if (circuit.succeeded()) {
            log.info("cluster {} is reachable again", id);
        }
    }

    void rejected() {
        rejected.increment();
    }

    void budgetTimedOut() {
        budgetTimeouts.increment();
    }

    int inUse() {
        return open.stream().mapToInt(TenantPool::inUse).sum();
    }

    int idle() {
        return open.stream().mapToInt(TenantPool::idle).sum();
    }

    long opened() {
        return opened.sum();
    }

    long evicted() {
        return evicted.sum();
    }

    long budgetTimeouts() {
        return budgetTimeouts.sum();
    }

    long reclaimed() {
        return reclaimed.sum();
    }

    long rejectedCount() {
        return rejected.sum();
    }

    PoolStats stats() {
        return new PoolStats(
                id,
                circuit.isClosed(),
                budget.limit(),
                budget.used(),
                inUse(),
                idle(),
                open.size(),
                opened(),
                evicted(),
                budget.waits(),
                budgetTimeouts(),
                reclaimed(),
                rejectedCount());
    }
}
