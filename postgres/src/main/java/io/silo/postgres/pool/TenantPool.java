package io.silo.postgres.pool;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
 * <p>Closing comes in two ways. A pool evicted for idleness or size <em>drains</em>: requests that
 * already hold it may still borrow, and it closes once its lent connections are back (or after
 * {@link PoolRegistry#DRAIN_TIMEOUT}). A pool evicted because its tenant was suspended, deleted or
 * moved, or because Silo stops, <em>aborts</em>: nothing more is lent, and busy connections are
 * aborted.
 *
 * <p>Thread-safe.
 */
final class TenantPool implements ConnectionBudget.Demand {
    private static final Logger log = LoggerFactory.getLogger(TenantPool.class);

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
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition drained = lock.newCondition();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final AtomicLong wantedUntil = new AtomicLong(System.nanoTime());
    private final long growAfterNanos;
    private int lent;
    private volatile State state = State.OPEN;
    private volatile boolean abortOnClose;
    private volatile long lastUsed;
    private volatile Optional<Failure> lastFailure = Optional.empty();
    private volatile Creating creating = Creating.NOTHING;

    TenantPool(DatabaseTarget target, ClusterPools cluster, PoolSettings settings, long now) {
        this.key = PoolKey.of(target);
        this.target = target;
        this.cluster = cluster;
        this.lastUsed = now;
        this.refusals = new Circuit(settings.clock(), PoolRegistry.CIRCUIT_OPEN_FOR);
        this.growAfterNanos = settings.acquireTimeout().toNanos() / 4;
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
        try {
            pooled = hikari.getConnection();
        } catch (SQLException | RuntimeException e) {
            leave();
            if (state == State.CLOSED) {
                return Optional.empty();
            }
            throw e;
        }
        return Optional.of(Connections.lent(pooled, this::returned));
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
        if (cluster.circuit().isOpen()) {
            throw new AcquireFailure(
                    AcquireFailure.Reason.CLUSTER_DOWN, cluster.circuit().reason());
        }
        if (refusals.isOpen()) {
            throw new AcquireFailure(AcquireFailure.Reason.REFUSED, refusals.reason());
        }
    }

    void creating(Creating now) {
        creating = now;
    }

    Creating creating() {
        return creating;
    }

    void connected() {
        cluster.reachable();
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

    /**
     * Whether this pool may have other pools' idle connections closed so that it can grow, for a
     * connection wanted since {@code wantedSinceNanos}: when it holds none, when more requests wait
     * in it than it holds connections, or when the wait has lasted a quarter of the acquire timeout
     * (its connections are held by something slow). Otherwise it waits for one of its own to come
     * back, or for a free permit: growing at once at the expense of colder tenants made each of
     * their next requests a new login, three closed for every one opened under Zipf load
     * (docs/benchmarks.md).
     */
    boolean mayReclaim(long wantedSinceNanos) {
        int total = hikariPool.getTotalConnections();
        return total == 0
                || hikariPool.getThreadsAwaitingConnection() > total
                || System.nanoTime() - wantedSinceNanos >= growAfterNanos;
    }

    /** Whether {@link #reclaimIdle()} may take this pool's connections: idle ones, and no lent ones. */
    boolean reclaimable() {
        return state != State.CLOSED && idle() > 0 && inUse() == 0 && hikariPool.getThreadsAwaitingConnection() == 0;
    }

    /**
     * Closes this pool's idle connections, giving their permits back; returns how many there were.
     * Only for a pool with nothing lent: HikariCP's soft eviction also marks lent connections, which
     * it then closes on return without starting a new one, and with no minimum idle that strands
     * whoever waits in this pool until its timeout.
     */
    int reclaimIdle() {
        if (!reclaimable()) {
            return 0;
        }
        int idle = idle();
        hikariPool.softEvictConnections();
        return idle;
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
