package io.silo.postgres.pool;

import io.silo.cluster.Cluster;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the registry keeps per cluster: its connection budget, its watch, its open pools
 * (the candidates for reclaiming idle connections), and its counters.
 *
 * <p>Thread-safe.
 */
final class ClusterPools {
    private static final Logger log = LoggerFactory.getLogger(ClusterPools.class);

    /**
     * Requests that may wait for connections of one cluster: half of the instance's default
     * {@code http.maxConcurrentRequests}, so a saturated cluster leaves the other half to the others.
     */
    static final int MAX_WAITING = 512;

    /** The most logins to one cluster under way at once. */
    static final int CONCURRENT_LOGINS = 8;

    private final String id;
    private final ConnectionBudget budget;
    private final ClusterWatch watch;
    private final WaitingLine line;
    private final Set<TenantPool> open = ConcurrentHashMap.newKeySet();
    private final Set<TenantPool> surplus = ConcurrentHashMap.newKeySet();
    /** The clock's lock. */
    private final Object clock = new Object();
    /** The clock's hand: where the last reclaim stopped among the open pools. */
    private Iterator<TenantPool> hand = java.util.Collections.emptyIterator();

    /** Logins under way: a server that comes back is not asked for every pool's connection at once. */
    private final Semaphore logins = new Semaphore(CONCURRENT_LOGINS, true);

    private final LongAdder loginCount = new LongAdder();
    private final LongAdder opened = new LongAdder();
    private final LongAdder evicted = new LongAdder();
    private final LongAdder budgetTimeouts = new LongAdder();
    private final LongAdder reclaimed = new LongAdder();
    private final LongAdder retired = new LongAdder();
    private final LongAdder rejected = new LongAdder();

    ClusterPools(Cluster cluster, PoolSettings settings) {
        this.id = cluster.id();
        this.budget = new ConnectionBudget(id, cluster.connectionBudget());
        this.watch = new ClusterWatch(cluster, settings, this::wentDown);
        this.line = new WaitingLine(MAX_WAITING);
    }

    /** The requests waiting for connections of this cluster: at most {@link #MAX_WAITING}. */
    WaitingLine line() {
        return line;
    }

    String id() {
        return id;
    }

    ConnectionBudget budget() {
        return budget;
    }

    ClusterWatch watch() {
        return watch;
    }

    TenantPool open(DatabaseTarget target, PoolSettings settings, long now) {
        TenantPool pool = new TenantPool(target, this, settings, now);
        open.add(pool);
        opened.increment();
        log.debug("opened pool {} for tenant {}", pool.key(), target.tenantId());
        return pool;
    }

    void closed(TenantPool pool) {
        surplus.remove(pool);
        if (open.remove(pool)) {
            evicted.increment();
        }
    }

    List<TenantPool> pools() {
        return List.copyOf(open);
    }

    /** {@code pool} holds more than one connection now: its surplus is the first to close. */
    void holdsSurplus(TenantPool pool) {
        surplus.add(pool);
    }

    /**
     * Closes one idle connection of another pool so that {@code wanting} can open one; returns how
     * many it closed (0 or 1). A surplus connection goes first (a second or further connection of a
     * database that has others); else the clock picks a database's only connection: it sweeps the
     * open pools, gives each one used since its last sweep a second chance, and takes the first
     * that was not. No pool is scanned twice per reclaim, and none at all when surplus exists.
     */
    int reclaimOne(TenantPool wanting) {
        for (TenantPool pool : surplus) {
            if (pool.connections() <= 1) {
                surplus.remove(pool);
            } else if (pool != wanting && pool.closeOneIdle()) {
                reclaimed.increment();
                return 1;
            }
        }
        synchronized (clock) {
            int budget = 2 * open.size();
            for (int step = 0; step < budget; step++) {
                if (!hand.hasNext()) {
                    hand = open.iterator();
                    if (!hand.hasNext()) {
                        return 0;
                    }
                }
                TenantPool pool = hand.next();
                if (pool == wanting || !pool.reclaimable() || pool.referencedSinceLastAsked()) {
                    continue;
                }
                if (pool.closeOneIdle()) {
                    reclaimed.increment();
                    return 1;
                }
            }
        }
        return 0;
    }

    /**
     * Closes one idle surplus connection of each pool whose requests have not waited for one in
     * {@code quiet}: what a burst opened goes when the burst is over, one at a time, and the
     * database keeps its first connection.
     */
    void retireQuietSurplus(long quietNanos) {
        long now = System.nanoTime();
        for (TenantPool pool : surplus) {
            if (pool.connections() <= 1) {
                surplus.remove(pool);
            } else if (now - pool.lastGrowth() >= quietNanos && pool.closeOneIdle()) {
                retired.increment();
            }
        }
    }

    /**
     * Opens a physical connection, one of at most {@link #CONCURRENT_LOGINS} logins under way to this
     * cluster; waits for a turn until {@code deadlineNanos}.
     *
     * @throws AcquireFailure {@code BUDGET_EXHAUSTED} when no turn came by the deadline
     */
    Connection login(long deadlineNanos, Login login) throws SQLException {
        try {
            if (!logins.tryAcquire(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new AcquireFailure(
                        AcquireFailure.Reason.BUDGET_EXHAUSTED,
                        CONCURRENT_LOGINS + " logins to cluster " + id + " were under way for the whole wait");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting to log in to cluster " + id, e);
        }
        try {
            loginCount.increment();
            return login.connect();
        } finally {
            logins.release();
        }
    }

    /** A login to the cluster's server. */
    @FunctionalInterface
    interface Login {
        Connection connect() throws SQLException;
    }

    /** A connection attempt failed in a way that every other would too: see {@link ClusterWatch}. */
    void unreachable(String reason) {
        watch.down(reason);
    }

    /**
     * The cluster went down: the connections pooled for it are suspect (a server that comes back has
     * forgotten them), and requests waiting for one would wait in vain.
     */
    private void wentDown() {
        for (TenantPool pool : open) {
            pool.retireConnections();
            pool.wakeWaiters();
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

    /** Logins to the server since start: connections opened, or tried. */
    long logins() {
        return loginCount.sum();
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

    /** Surplus connections closed because their pool's requests stopped waiting for them. */
    long retired() {
        return retired.sum();
    }

    long rejectedCount() {
        return rejected.sum();
    }

    PoolStats stats() {
        return new PoolStats(
                id,
                !watch.isDown(),
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
                rejectedCount(),
                logins());
    }
}
