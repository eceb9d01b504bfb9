package io.silo.postgres.pool;

import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The most server connections Silo holds to one cluster, across all the pools of its tenant
 * databases: one permit per physical connection, taken before it is opened and given back when it
 * is closed. Without it, a thousand pools of four connections could ask one server for four
 * thousand.
 *
 * <p>When no permit is free, the acquirer asks for idle connections elsewhere on the cluster to be
 * closed (they are parked in pools of other tenants and help nobody), then waits until a permit is
 * given back, something may have become reclaimable, its demand goes away, or its deadline passes.
 *
 * <p>Thread-safe.
 */
final class ConnectionBudget {
    /** Who waits for the connection a permit is wanted for. */
    interface Demand {
        /** {@link System#nanoTime()} after which nobody waits for it any more. */
        long deadline();

        /** Whether anybody still waits for it. */
        boolean wanted();
    }

    /** Closes idle connections elsewhere on the cluster; returns how many it asked to close. */
    @FunctionalInterface
    interface Reclaimer {
        int reclaim();
    }

    /**
     * The longest a waiter sleeps before it looks again: whether it may reclaim can change without
     * anything given back (more requests queue in its pool, or its wait grows long).
     */
    private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final String cluster;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final AtomicInteger waiting = new AtomicInteger();
    private final LongAdder waits = new LongAdder();
    /** Written under the lock; volatile so that the registry can compare it without taking the lock. */
    private volatile int limit;

    private int used;
    private long generation;

    ConnectionBudget(String cluster, int limit) {
        this.cluster = cluster;
        this.limit = limit;
    }

    /**
     * Takes a permit for one new connection, waiting as described above.
     *
     * @throws AcquireFailure {@code BUDGET_EXHAUSTED} at the deadline, {@code NOT_NEEDED} when the demand went away
     */
    void acquire(Demand demand, Reclaimer reclaimer) throws SQLException {
        lock.lock();
        try {
            if (used < limit) {
                used++;
                return;
            }
            waits.increment();
            waiting.incrementAndGet();
            try {
                awaitPermit(demand, reclaimer);
            } finally {
                waiting.decrementAndGet();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes a permit only if more are free than the reserve: 2 % of the budget (at least one), and
     * one more for every acquirer waiting for a permit (a database with no connection at all).
     */
    boolean tryAcquireSpare() {
        lock.lock();
        try {
            int reserve = Math.max(1, limit / 50) + waiting.get();
            if (limit - used > reserve) {
                used++;
                return true;
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    private void awaitPermit(Demand demand, Reclaimer reclaimer) throws SQLException {
        while (used >= limit) {
            if (!demand.wanted()) {
                throw new AcquireFailure(AcquireFailure.Reason.NOT_NEEDED, "nobody waits for this connection any more");
            }
            long remaining = demand.deadline() - System.nanoTime();
            if (remaining <= 0) {
                throw new AcquireFailure(
                        AcquireFailure.Reason.BUDGET_EXHAUSTED,
                        "all " + limit + " connections of the budget of cluster " + cluster + " are in use");
            }
            long seen = generation;
            // Reclaiming closes connections, which gives permits back through this lock.
            lock.unlock();
            try {
                reclaimer.reclaim();
            } finally {
                lock.lock();
            }
            if (generation == seen && used >= limit) {
                try {
                    changed.awaitNanos(Math.min(remaining, RECHECK_NANOS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SQLException(
                            "interrupted while waiting for the connection budget of cluster " + cluster, e);
                }
            }
        }
        if (!demand.wanted()) {
            // a permit came free, but the request it was for went away: leave it to who needs it
            throw new AcquireFailure(AcquireFailure.Reason.NOT_NEEDED, "nobody waits for this connection any more");
        }
        used++;
    }

    /** Gives back the permit of a connection that was closed, or never opened. */
    void release() {
        lock.lock();
        try {
            used--;
            generation++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes the waiters to look again: a connection came back idle somewhere, or a demand went away. */
    void nudge() {
        if (waiting.get() == 0) {
            return;
        }
        lock.lock();
        try {
            generation++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes up a new size, the cluster's budget changed at run time. A larger one wakes the waiters
     * at once; with a smaller one the connections open beyond it stay until they are closed (idle
     * retirement, reclaiming), and no new one is opened until fewer than the new size are open.
     */
    void resize(int newLimit) {
        lock.lock();
        try {
            if (newLimit == limit) {
                return;
            }
            limit = newLimit;
            generation++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    int limit() {
        return limit;
    }

    int used() {
        lock.lock();
        try {
            return used;
        } finally {
            lock.unlock();
        }
    }

    long waits() {
        return waits.sum();
    }

    @Override
    public String toString() {
        return "ConnectionBudget[" + cluster + " " + used() + "/" + limit() + ", waiting " + waiting.get() + "]";
    }
}
