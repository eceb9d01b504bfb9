package io.silo.postgres.pool;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.pool.HikariPool;
import io.silo.postgres.internal.Circuit;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HikariCP pool of one tenant database, with what the registry needs around it: how many of
 * its connections are lent, whether it is closing, when it was last used, who waits for a new
 * connection and until when, and why its last connection attempt failed.
 *
 * <p>Closing comes in two ways. A pool evicted for idleness or size, or because its tenant was
 * suspended, <em>drains</em>: requests that already hold it may still borrow, and it closes once its
 * lent connections are back (or after {@link PoolRegistry#DRAIN_TIMEOUT}). A pool evicted because its
 * tenant failed, was deleted or moved, or because Silo stops, <em>aborts</em>: nothing more is lent,
 * and busy connections are aborted.
 *
 * <p>Thread-safe.
 */
final class TenantPool implements ConnectionBudget.Demand {
    private static final Logger log = LoggerFactory.getLogger(TenantPool.class);

    /**
     * HikariCP checks a connection idle for more than half a second with a round trip before lending
     * it: under Zipf load over many tenants, that is a round trip on a large share of reads. Silo
     * retries a read that meets a dead connection (the documents' read path) and reports a write on
     * one as {@code write-outcome-unknown}, so only connections idle for a minute are checked. Set
     * by Silo unless the operator set it; HikariCP reads it when a pool is built.
     */
    static final String ALIVE_BYPASS_PROPERTY = "com.zaxxer.hikari.aliveBypassWindowMs";

    static {
        if (System.getProperty(ALIVE_BYPASS_PROPERTY) == null) {
            System.setProperty(ALIVE_BYPASS_PROPERTY, "60000");
        }
    }

    /** What the pool's connection adder is doing, for telling a budget timeout from a slow server. */
    enum Creating {
        NOTHING,
        WAITING_FOR_BUDGET,
        CONNECTING
    }

    private enum State {
        OPEN,
        DRAINING,
        CLOSED
    }

    private final PoolKey key;
    private final DatabaseTarget target;
    private final ClusterPools cluster;
    private final Circuit refusals;
    private final HikariDataSource hikari;
    private final HikariPoolMXBean hikariPool;
    private final AtomicInteger connections = new AtomicInteger();
    /** Requests that may wait for connections of one database, per connection it may hold. */
    static final int WAITING_PER_CONNECTION = 32;

    /** Requests waiting for a connection of this pool, bounded. */
    private final WaitingLine line;
    /** Requests waiting inside HikariCP for a connection. */
    private final Set<Waiter> waiters = ConcurrentHashMap.newKeySet();
    /** Connections evicted by {@link #closeOneIdle} whose close HikariCP has not finished yet. */
    private final Set<Connection> retiring = ConcurrentHashMap.newKeySet();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition drained = lock.newCondition();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final AtomicLong wantedUntil = new AtomicLong(System.nanoTime());
    private final long growAfterNanos;
    private int lent;
    private volatile State state = State.OPEN;
    private volatile boolean abortOnClose;
    private volatile long lastUsed;
    private volatile boolean referenced;
    private volatile long lastGrowth = System.nanoTime();
    private volatile Optional<Failure> lastFailure = Optional.empty();
    private volatile Creating creating = Creating.NOTHING;
    private volatile long connectingSince;

    TenantPool(DatabaseTarget target, ClusterPools cluster, PoolSettings settings, long now) {
        this.key = PoolKey.of(target);
        this.target = target;
        this.cluster = cluster;
        this.lastUsed = now;
        this.refusals = new Circuit(settings.clock(), PoolRegistry.CIRCUIT_OPEN_FOR);
        this.growAfterNanos = settings.acquireTimeout().toNanos() / 4;
        this.line = new WaitingLine(WAITING_PER_CONNECTION * settings.maxPerDatabase());
        this.hikari =
                new HikariDataSource(hikariConfig(settings, new BudgetedDataSource(this, cluster, target, settings)));
        this.hikariPool = hikari.getHikariPoolMXBean();
    }

    private HikariConfig hikariConfig(PoolSettings settings, BudgetedDataSource source) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("silo-" + key);
        config.setDataSource(source);
        config.setMinimumIdle(0);
        config.setMaximumPoolSize(settings.maxPerDatabase());
        config.setConnectionTimeout(settings.acquireTimeout().toMillis());
        config.setValidationTimeout(Math.min(5_000, settings.acquireTimeout().toMillis()));
        config.setIdleTimeout(settings.connectionIdleTimeout().toMillis());
        // Lazy: no connection is opened before a request asks for one.
        config.setInitializationFailTimeout(-1);
        config.setThreadFactory(settings.threads());
        config.setScheduledExecutor(settings.housekeeper());
        return config;
    }

    /**
     * Closes the idle connections and those lent, when they come back, without aborting any: after
     * one was found dead (a restart, a terminated backend), the others of this database are suspect.
     */
    void retireConnections() {
        hikariPool.softEvictConnections();
    }

    PoolKey key() {
        return key;
    }

    DatabaseTarget target() {
        return target;
    }

    ClusterPools cluster() {
        return cluster;
    }

    /** The requests waiting for a connection of this database. */
    WaitingLine line() {
        return line;
    }

    /** Whether this database refused its role a moment ago. */
    Circuit refusals() {
        return refusals;
    }

    /** Whether this pool may serve {@code other}: the same database with the same credentials. */
    boolean serves(DatabaseTarget other) {
        return target.sameConnectionAs(other);
    }

    void touch(long now) {
        lastUsed = now;
        if (!referenced) {
            referenced = true;
        }
    }

    /** Whether the pool was used since the last call; clears the mark (the second chance of the cluster's clock). */
    boolean referencedSinceLastAsked() {
        boolean was = referenced;
        if (was) {
            referenced = false;
        }
        return was;
    }

    long lastUsed() {
        return lastUsed;
    }

    int idle() {
        return state == State.CLOSED ? 0 : hikariPool.getIdleConnections();
    }

    int inUse() {
        return state == State.CLOSED ? 0 : hikariPool.getActiveConnections();
    }

    /**
     * A connection lent to the caller, who closes it to give it back; empty when the pool closed
     * before it could lend one, so the caller should take a fresh pool.
     */
    Optional<Connection> borrow(long startNanos, Duration timeout) throws SQLException {
        if (!enter()) {
            return Optional.empty();
        }
        wantedUntil.accumulateAndGet(startNanos + timeout.toNanos(), Math::max);
        Connection pooled;
        Waiter waiter = new Waiter();
        waiters.add(waiter);
        try {
            pooled = hikari.getConnection();
        } catch (SQLException | RuntimeException e) {
            leave();
            if (state == State.CLOSED) {
                return Optional.empty();
            }
            throw e;
        } finally {
            waiters.remove(waiter);
            waiter.done();
        }
        return Optional.of(EndingConnection.lent(pooled, this::returned));
    }

    /** Ends the waits of the requests waiting for a connection of this pool: none will come soon. */
    void wakeWaiters() {
        waiters.forEach(Waiter::wake);
    }

    private boolean enter() {
        lock.lock();
        try {
            if (!lends()) {
                return false;
            }
            lent++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    private boolean lends() {
        return state == State.OPEN || (state == State.DRAINING && !abortOnClose);
    }

    private void leave() {
        lock.lock();
        try {
            lent--;
            if (lent == 0) {
                drained.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    private void returned() {
        leave();
        // The connection is idle now: a pool waiting for the budget may reclaim it.
        cluster.budget().nudge();
    }

    @Override
    public long deadline() {
        return wantedUntil.get();
    }

    @Override
    public boolean wanted() {
        return lends() && hikariPool.getThreadsAwaitingConnection() > 0;
    }

    // --- the connection adder's side, called by BudgetedDataSource ---

    /** Fails without asking the server when the answer is known: closing pool, cluster down, role refused. */
    void checkConnectAllowed() throws AcquireFailure {
        if (!lends()) {
            throw new AcquireFailure(AcquireFailure.Reason.POOL_CLOSED, "pool " + key + " is closing");
        }
        if (cluster.watch().isDown()) {
            throw new AcquireFailure(
                    AcquireFailure.Reason.CLUSTER_DOWN, cluster.watch().reason());
        }
        if (refusals.isOpen()) {
            throw new AcquireFailure(AcquireFailure.Reason.REFUSED, refusals.reason());
        }
    }

    void creating(Creating now) {
        if (now == Creating.CONNECTING) {
            connectingSince = System.nanoTime();
        }
        creating = now;
    }

    /** How long the login under way has run; 0 when none is. */
    long connectingNanos() {
        return creating == Creating.CONNECTING ? System.nanoTime() - connectingSince : 0;
    }

    Creating creating() {
        return creating;
    }

    void connected() {
        refusals.succeeded();
    }

    void failed(Throwable error) {
        if (error instanceof AcquireFailure known) {
            if (known.reason() != AcquireFailure.Reason.NOT_NEEDED
                    && known.reason() != AcquireFailure.Reason.POOL_CLOSED) {
                lastFailure = Optional.of(Failure.of(error));
            }
            return; // a verdict given before, not news: it must not extend an open circuit
        }
        Failure failure = Failure.of(error);
        lastFailure = Optional.of(failure);
        switch (failure.kind()) {
            case CLUSTER_DOWN -> cluster.unreachable(failure.message());
            case REFUSED -> {
                if (refusals.failed(failure.message())) {
                    log.warn(
                            "database {} on cluster {} refused role {}: {}; its requests fail at once for {} s",
                            target.database(),
                            target.cluster().id(),
                            target.role(),
                            failure.message(),
                            PoolRegistry.CIRCUIT_OPEN_FOR.toSeconds());
                    wakeWaiters();
                }
            }
            default -> log.debug("pool {} could not open a connection: {}", key, failure.message());
        }
    }

    /** The failure of a connection attempt made since {@code startNanos}, if any. */
    Optional<Failure> failureSince(long startNanos) {
        return lastFailure.filter(failure -> failure.atNanos() - startNanos >= 0);
    }

    // --- closing ---

    /** Makes the coming close abort busy connections instead of waiting for them. */
    void abortOnClose() {
        lock.lock();
        try {
            abortOnClose = true;
            drained.signalAll(); // a drain under way stops waiting
        } finally {
            lock.unlock();
        }
    }

    // --- what the cluster's policy needs: connections counted, growth, one idle connection closed ---

    /**
     * Server connections this pool holds now, lent or idle, less those it is closing: HikariCP closes
     * an evicted connection on a thread of its own, so a second look right after a close would
     * otherwise count it still and close one more.
     */
    int connections() {
        return connections.get() - retiring.size();
    }

    /** A physical connection was opened for this pool; a second one makes it hold surplus. */
    void opened() {
        if (connections.incrementAndGet() > 1) {
            cluster.holdsSurplus(this);
        }
    }

    /** The physical connection {@code ended} of this pool was closed. */
    void closedOne(Connection ended) {
        connections.decrementAndGet();
        retiring.remove(ended);
    }

    /** How long requests must keep waiting in this pool before it may take connections of others. */
    long growAfterNanos() {
        return growAfterNanos;
    }

    /** Records that requests waited for a connection of this pool long enough to want another one. */
    void grew() {
        lastGrowth = System.nanoTime();
    }

    /** When requests last waited long enough for this pool to want another connection. */
    long lastGrowth() {
        return lastGrowth;
    }

    /** Whether one of this pool's connections may be closed for another pool: one is idle, nobody waits here. */
    boolean reclaimable() {
        return state != State.CLOSED && idle() > 0 && hikariPool.getThreadsAwaitingConnection() == 0;
    }

    /**
     * Closes one idle connection, giving its permit back; false when none was idle. A pool whose
     * only connection is idle closes it through HikariCP's soft eviction; otherwise one idle
     * connection is taken as a borrower would and evicted, so the others stay.
     */
    boolean closeOneIdle() {
        if (!reclaimable()) {
            return false;
        }
        if (connections() <= 1 && inUse() == 0) {
            hikariPool.softEvictConnections();
            return true;
        }
        Connection idle;
        try {
            idle = ((HikariPool) hikariPool).getConnection(1);
        } catch (SQLException | RuntimeException e) {
            return false; // taken by a request meanwhile: nothing to close
        }
        try {
            // HikariCP's proxy unwraps to the connection it holds: the physical one, as the data source made it
            retiring.add(idle.unwrap(EndingConnection.class));
        } catch (SQLException e) {
            log.debug("pool {}: the evicted connection stays counted until it closes: {}", key, e.getMessage());
        }
        hikari.evictConnection(idle);
        return true;
    }

    CompletableFuture<Void> whenClosed() {
        return closed;
    }

    /** Closes the pool as described in the class comment; returns at once when it is already closing. */
    void close(Duration drainTimeout) {
        lock.lock();
        try {
            if (state != State.OPEN) {
                return;
            }
            state = State.DRAINING;
        } finally {
            lock.unlock();
        }
        try {
            if (inUse() == 0) {
                // Give the idle connections' permits back now rather than after the drain.
                hikariPool.softEvictConnections();
            }
            if (!abortOnClose && !awaitDrained(drainTimeout)) {
                log.warn(
                        "pool {} still lends connections after {} s; closing it anyway", key, drainTimeout.toSeconds());
            }
            markClosed();
            cluster.budget().nudge(); // an adder of this pool waiting for the budget gives up now
            hikari.close();
            log.debug("closed pool {} of tenant {}", key, target.tenantId());
        } catch (RuntimeException e) {
            log.warn("closing pool {} failed: {}", key, e.getMessage(), e);
        } finally {
            markClosed();
            cluster.closed(this);
            closed.complete(null);
        }
    }

    private void markClosed() {
        lock.lock();
        try {
            state = State.CLOSED;
        } finally {
            lock.unlock();
        }
    }

    private boolean awaitDrained(Duration timeout) {
        long remaining = timeout.toNanos();
        lock.lock();
        try {
            while (lent > 0 && !abortOnClose) {
                if (remaining <= 0) {
                    return false;
                }
                remaining = drained.awaitNanos(remaining);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "TenantPool[" + key + ", tenant " + target.tenantId() + ", " + state + ", lent " + lent + "]";
    }

    static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
