package io.silo.postgres.pool;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import io.silo.cluster.Cluster;
import io.silo.config.SiloConfig;
import io.silo.error.SiloException;
import io.silo.postgres.internal.Circuit;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands out connections to tenant databases. Each (cluster, database) gets a small HikariCP pool on
 * first use, connecting as the tenant's own role, with no connection opened before a request needs
 * one. Pools live in a Caffeine cache bounded by {@code pools.maxOpenPools} that closes a pool
 * unused for {@code pools.idleTimeout}; evicted pools are closed on threads of their own.
 *
 * <p>Per cluster, a {@linkplain ConnectionBudget connection budget} caps the server connections of
 * all its pools together at {@link Cluster#connectionBudget()}. A request whose pool has an idle
 * connection gets it without touching the budget, so cold tenants never stall hot ones; a request
 * that needs a new connection when the budget is spent first has idle connections of other pools
 * of the cluster closed, then waits at most {@code pools.acquireTimeout}, then fails with
 * {@code connection-budget-exhausted}. A cluster that refuses connections, or does not answer
 * within the connect timeout, is down: its requests fail at once with {@code cluster-unavailable}
 * while a background probe waits for it to answer ({@link ClusterWatch}). A database that refuses
 * its role fails its requests at once for {@link #CIRCUIT_OPEN_FOR}, then lets one through. Other
 * clusters' and databases' tenants are not affected by either.
 *
 * <p>Thread-safe. {@link #close()} is idempotent and bounded in time.
 */
public final class PoolRegistry implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PoolRegistry.class);

    /** How long a database that refused its role fails requests at once. */
    public static final Duration CIRCUIT_OPEN_FOR = Duration.ofSeconds(5);
    /** How long a pool closed for idleness or size waits for its lent connections before aborting them. */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    /** A surplus connection whose pool's requests have not waited for this long is closed (one per sweep). */
    static final Duration SURPLUS_QUIET = Duration.ofSeconds(10);

    private static final Duration SURPLUS_SWEEP = Duration.ofSeconds(2);
    /** A request retries with a fresh pool when its pool closed under it; more than this means churn, not a race. */
    private static final int ATTEMPTS = 3;

    private final PoolSettings settings;
    private final MeterRegistry meters;
    private final Ticker ticker;
    private final ScheduledThreadPoolExecutor housekeeper;
    private final PoolCloser closer = new PoolCloser(DRAIN_TIMEOUT);
    private final ConcurrentMap<String, ClusterPools> clusters = new ConcurrentHashMap<>();
    private final Cache<PoolKey, TenantPool> pools;
    private final AtomicBoolean closed = new AtomicBoolean();

    private PoolRegistry(
            SiloConfig.Pools config, MeterRegistry meters, Ticker ticker, Clock clock, RolePasswords rolePasswords) {
        ThreadFactory threads = Thread.ofVirtual().name("silo-pool-", 0).factory();
        this.housekeeper = new ScheduledThreadPoolExecutor(2, threads);
        // HikariCP cancels a connection's lifetime tasks when it closes it; drop them from the queue at once.
        housekeeper.setRemoveOnCancelPolicy(true);
        this.settings = PoolSettings.of(config, housekeeper, threads, clock, rolePasswords);
        this.meters = meters;
        this.ticker = ticker;
        this.pools = Caffeine.newBuilder()
                .maximumSize(config.maxOpenPools())
                .expireAfterAccess(config.idleTimeout())
                .ticker(ticker)
                // Without a scheduler, idle pools would expire only when some request comes by.
                .scheduler(Scheduler.forScheduledExecutorService(housekeeper))
                // Maintenance and the listener run on the caller; the listener only hands the pool to the closer.
                .executor(Runnable::run)
                .removalListener(this::removed)
                .build();
        housekeeper.scheduleWithFixedDelay(
                () -> retireQuietSurplus(SURPLUS_QUIET),
                SURPLUS_SWEEP.toMillis(),
                SURPLUS_SWEEP.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Closes one idle surplus connection of every pool whose requests have not waited for one in {@code quiet}. */
    void retireQuietSurplus(Duration quiet) {
        clusters.values().forEach(cluster -> cluster.retireQuietSurplus(quiet.toNanos()));
    }

    /** A registry on system time. */
    public static PoolRegistry open(SiloConfig.Pools config, MeterRegistry meters) {
        return open(config, meters, RolePasswords.NONE);
    }

    /** A registry on system time whose pools ask {@code rolePasswords} when a database refuses their role. */
    public static PoolRegistry open(SiloConfig.Pools config, MeterRegistry meters, RolePasswords rolePasswords) {
        PoolSettings.validate(config);
        return new PoolRegistry(config, meters, Ticker.systemTicker(), Clock.systemUTC(), rolePasswords);
    }

    /**
     * A registry with injected time, so that tests control it.
     *
     * @param ticker drives idle expiry of pools and their least-recently-used order
     * @param clock drives the circuits of databases that refused their role
     * @throws io.silo.config.ConfigException when a value of {@code config} is out of range
     */
    public static PoolRegistry open(SiloConfig.Pools config, MeterRegistry meters, Ticker ticker, Clock clock) {
        PoolSettings.validate(config);
        return new PoolRegistry(config, meters, ticker, clock, RolePasswords.NONE);
    }

    /**
     * A connection to the target database, lent until the caller closes it.
     *
     * @throws SiloException {@code UNAVAILABLE}, always naming the cluster: {@code cluster-unavailable} (the cluster
     *         refuses connections; at once while its circuit is open), {@code connection-budget-exhausted} (no connection
     *         of the cluster's budget came free within {@code pools.acquireTimeout}), {@code database-busy} (all
     *         {@code pools.maxPerDatabase} connections of this database are lent), {@code database-unavailable} (the
     *         database refuses the tenant's role, or does not exist), {@code shutting-down}
     */
    public Connection connection(DatabaseTarget target) {
        ensureOpen();
        ClusterPools cluster = cluster(target.cluster());
        if (cluster.watch().isDown()) {
            cluster.rejected();
            throw PoolErrors.clusterUnavailable(
                    cluster.id(), cluster.watch().reason(), cluster.watch().retryAfter());
        }
        return borrow(cluster, target);
    }

    /** Whether the registry holds a pool of the tenant (an evicted one, draining, no longer counts). */
    boolean hasPools(UUID tenantId) {
        return pools.asMap().values().stream()
                .anyMatch(pool -> pool.target().tenantId().equals(tenantId));
    }

    /** Closes every pool of the tenant, aborting lent connections: it is being deleted or moved. */
    public CompletableFuture<Void> evictTenant(UUID tenantId) {
        return evictTenant(tenantId, target -> true);
    }

    /**
     * Closes the pools of the tenant whose target matches {@code which}, aborting their lent
     * connections; e.g. those that no longer match the tenant's placement.
     *
     * @return completes when those pools are closed
     */
    public CompletableFuture<Void> evictTenant(UUID tenantId, Predicate<DatabaseTarget> which) {
        return evict(pool -> pool.target().tenantId().equals(tenantId) && which.test(pool.target()), true);
    }

    /**
     * Closes the pools of the tenant whose target matches {@code which} once their lent connections
     * come back: what is under way finishes (the sign-in of a suspended organization reading the
     * password it must check), nothing new starts on them.
     *
     * @return completes when those pools are closed
     */
    public CompletableFuture<Void> drainTenant(UUID tenantId, Predicate<DatabaseTarget> which) {
        return evict(pool -> pool.target().tenantId().equals(tenantId) && which.test(pool.target()), false);
    }

    /**
     * Retires the connections of {@code target}'s pool without aborting any (idle ones now, lent ones
     * when they come back): one of them was found dead, and the next request must get a fresh one.
     */
    public void retireConnections(DatabaseTarget target) {
        TenantPool pool = pools.getIfPresent(PoolKey.of(target));
        if (pool != null) {
            pool.retireConnections();
        }
    }

    /** Closes the pool of one database, aborting its lent connections: it is about to be dropped or moved. */
    public CompletableFuture<Void> evictDatabase(String clusterId, String database) {
        PoolKey key = new PoolKey(clusterId, database);
        return evict(pool -> pool.key().equals(key), true);
    }

    private CompletableFuture<Void> evict(Predicate<TenantPool> which, boolean abortLent) {
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (TenantPool pool : List.copyOf(pools.asMap().values())) {
            if (which.test(pool)) {
                if (abortLent) {
                    pool.abortOnClose();
                }
                if (pools.asMap().remove(pool.key(), pool)) {
                    log.debug(
                            "evicting pool {} of tenant {}",
                            pool.key(),
                            pool.target().tenantId());
                }
                closing.add(pool.whenClosed());
            }
        }
        return CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new));
    }

    /** One snapshot per cluster that had a request since start, ordered by cluster id. */
    public List<PoolStats> stats() {
        return clusters.values().stream()
                .map(ClusterPools::stats)
                .sorted(Comparator.comparing(PoolStats::cluster))
                .toList();
    }

    /** The snapshot of one cluster; empty when it had no request since start. */
    public Optional<PoolStats> stats(String clusterId) {
        return Optional.ofNullable(clusters.get(clusterId)).map(ClusterPools::stats);
    }

    /**
     * Runs the cache's pending maintenance now: pools idle past {@code pools.idleTimeout} or beyond
     * {@code pools.maxOpenPools} are handed to the closer. It also happens as requests come; this is
     * for tests and for an operator who wants idle pools gone at once.
     */
    public void cleanUp() {
        pools.cleanUp();
    }

    /** Closes every pool, aborting lent connections, within a bound; later requests fail with {@code shutting-down}. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long start = System.nanoTime();
        int count = (int) pools.estimatedSize();
        pools.asMap().values().forEach(TenantPool::abortOnClose);
        pools.invalidateAll();
        pools.cleanUp();
        // A pool opened by a request racing with close is in no cache any more, but is still known to its cluster.
        clusters.values()
                .forEach(cluster -> cluster.pools().forEach(pool -> {
                    pool.abortOnClose();
                    closer.close(pool);
                }));
        boolean inTime = closer.shutdown(CLOSE_TIMEOUT);
        housekeeper.shutdownNow();
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        if (inTime) {
            log.info("closed {} tenant-database pools in {} ms", count, millis);
        } else {
            log.warn("closing {} tenant-database pools took over {} s; moved on", count, CLOSE_TIMEOUT.toSeconds());
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw PoolErrors.shuttingDown();
        }
    }

    /**
     * Takes up the cluster's connection budget as the control database holds it now: call it with the
     * cluster as read after its change was announced (channel {@code silo_clusters}), never with one a
     * request carries, which may have been read before the change and would put the old budget back.
     */
    public void takeUp(Cluster fresh) {
        ClusterPools pools = cluster(fresh);
        if (pools.budget().limit() != fresh.connectionBudget()) {
            pools.budget().resize(fresh.connectionBudget());
        }
    }

    /** The cluster's pools, made with {@code cluster}'s budget if it has none yet; later budgets come by {@link #takeUp}. */
    private ClusterPools cluster(Cluster cluster) {
        return clusters.computeIfAbsent(cluster.id(), id -> {
            ClusterPools created = new ClusterPools(cluster, settings);
            PoolMetrics.bind(meters, created);
            return created;
        });
    }

    private Connection borrow(ClusterPools cluster, DatabaseTarget target) {
        PoolKey key = PoolKey.of(target);
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            TenantPool pool = pools.get(key, unused -> openPool(cluster, target));
            if (!pool.serves(target)) {
                // Same database, other credentials or server: the placement changed. Let the old pool drain.
                pools.asMap().remove(key, pool);
                continue;
            }
            pool.touch(ticker.read());
            Optional<Connection> connection = lend(pool);
            if (connection.isPresent()) {
                return connection.get();
            }
        }
        throw PoolErrors.poolChurning(target, ATTEMPTS);
    }

    private TenantPool openPool(ClusterPools cluster, DatabaseTarget target) {
        ensureOpen();
        return cluster.open(target, settings, ticker.read());
    }

    private Optional<Connection> lend(TenantPool pool) {
        // the lines first: a request refused there must not take the one probe of a database that refused its role
        ClusterPools cluster = pool.cluster();
        if (!pool.line().tryJoin()) {
            throw PoolErrors.databaseLineFull(pool.target(), pool.line().limit());
        }
        if (!cluster.line().tryJoin()) {
            pool.line().leave();
            throw PoolErrors.clusterLineFull(cluster.id(), cluster.line().limit());
        }
        Circuit refusals = pool.refusals();
        Circuit.Admission admission = refusals.admit();
        if (admission == Circuit.Admission.REJECT) {
            cluster.line().leave();
            pool.line().leave();
            throw PoolErrors.databaseUnavailable(pool.target(), refusals.reason(), refusals.retryAfter(), null);
        }
        long start = System.nanoTime();
        try {
            Optional<Connection> connection = pool.borrow(start, settings.acquireTimeout());
            if (connection.isPresent()) {
                refusals.succeeded();
            }
            return connection;
        } catch (SQLException e) {
            throw translate(pool, e, start);
        } finally {
            cluster.line().leave();
            pool.line().leave();
            if (admission == Circuit.Admission.PROBE) {
                refusals.probeEnded();
            }
        }
    }

    /** HikariCP reports a timeout; what the pool's data source saw during the wait says why. */
    private SiloException translate(TenantPool pool, SQLException error, long start) {
        Optional<Failure> failure = pool.failureSince(start);
        ClusterPools cluster = pool.cluster();
        // a login that has run for half the wait without an answer is a server's silence; one begun
        // late, after a long wait for the budget, is not
        boolean silent = failure.isEmpty()
                && pool.connectingNanos() >= settings.acquireTimeout().toNanos() / 2;
        Failure.Kind kind = cluster.watch().isDown()
                ? Failure.Kind.CLUSTER_DOWN
                : failure.map(Failure::kind).orElseGet(() -> switch (pool.creating()) {
                    case WAITING_FOR_BUDGET -> Failure.Kind.BUDGET;
                    case CONNECTING -> silent ? Failure.Kind.CLUSTER_DOWN : Failure.Kind.BUDGET;
                    // a pool with room to grow that did not grow was held back by the budget: every permit in use,
                    // or none spare above the reserve that keeps other databases' first connections possible
                    case NOTHING -> pool.inUse() < settings.maxPerDatabase() ? Failure.Kind.BUDGET : Failure.Kind.BUSY;
                });
        DatabaseTarget target = pool.target();
        long waited = TenantPool.millisSince(start);
        String reason = failure.map(Failure::message).orElse("no connection was opened within " + waited + " ms");
        return switch (kind) {
            case BUSY -> PoolErrors.databaseBusy(target, settings.maxPerDatabase(), waited, error);
            case BUDGET -> {
                cluster.budgetTimedOut();
                yield PoolErrors.budgetExhausted(cluster.id(), cluster.budget().limit(), waited, error);
            }
            case CLUSTER_DOWN -> {
                if (silent) {
                    // a server that never answered the login has not failed it yet: its silence counts.
                    // Failures the driver reported marked the cluster down when they happened.
                    cluster.unreachable("no answer to a login within " + TenantPool.millisSince(start) + " ms");
                }
                yield PoolErrors.clusterUnavailable(
                        cluster.id(), cluster.watch().reason(), cluster.watch().retryAfter(), error);
            }
            case SERVER_FULL ->
                PoolErrors.clusterUnavailable(
                        cluster.id(),
                        "the server has no free connection slot (max_connections); " + reason,
                        Duration.ofSeconds(1),
                        error);
            case REFUSED ->
                PoolErrors.databaseUnavailable(target, reason, pool.refusals().retryAfter(), error);
            case OTHER -> PoolErrors.databaseUnavailable(target, reason, Duration.ofSeconds(1), error);
        };
    }

    private void removed(PoolKey key, TenantPool pool, RemovalCause cause) {
        if (pool == null) {
            return;
        }
        log.debug("pool {} removed from the registry ({})", key, cause);
        closer.close(pool);
    }
}
