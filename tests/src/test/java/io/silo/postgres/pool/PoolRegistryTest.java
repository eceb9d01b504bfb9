package io.silo.postgres.pool;

import static io.silo.postgres.pool.TenantDatabases.backends;
import static io.silo.postgres.pool.TenantDatabases.cluster;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.silo.cluster.Cluster;
import io.silo.config.SiloConfig;
import io.silo.error.ErrorKind;
import io.silo.error.SiloException;
import io.silo.postgres.pool.TenantDatabases.TenantDatabase;
import io.silo.testing.Eventually;
import io.silo.testing.FaultProxy;
import io.silo.testing.TestClock;
import io.silo.testing.TestPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pools of tenant databases on real PostgreSQL servers: lifecycle, clusters down and back, eviction, isolation. */
class PoolRegistryTest {
    private static final TestPostgres SERVER = TestPostgres.primary();

    private final TestClock time = new TestClock();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<PoolRegistry> registries = new ArrayList<>();
    private final List<Connection> held = new ArrayList<>();

    @AfterEach
    void closeEverything() {
        for (Connection connection : held) {
            try {
                connection.close();
            } catch (SQLException e) {
                // aborted by an eviction: nothing to give back
            }
        }
        registries.forEach(PoolRegistry::close);
    }

    private PoolRegistry registry(int maxPerDatabase, int maxOpenPools, Duration acquireTimeout) {
        PoolRegistry registry = PoolRegistry.open(
                new SiloConfig.Pools(maxPerDatabase, maxOpenPools, Duration.ofSeconds(60), acquireTimeout, 80),
                meters,
                time,
                time);
        registries.add(registry);
        return registry;
    }

    @Test
    void poolIsOpenedOnFirstUseWithOneConnectionAndReused() throws SQLException {
        TenantDatabase tenant = TenantDatabases.create(SERVER, "lazy");
        Cluster primary = cluster("primary", SERVER, 10);
        PoolRegistry pools = registry(4, 100, Duration.ofSeconds(2));
        assertThat(pools.stats()).as("nothing is opened before a request").isEmpty();

        try (Connection connection = pools.connection(tenant.target(primary))) {
            assertThat(query(connection, "SELECT current_user"))
                    .as("connected as the tenant's own role")
                    .isEqualTo(tenant.role());
        }
        assertThat(backends(SERVER, List.of(tenant.role())))
                .as("one request opens one connection, not maxPerDatabase")
                .isEqualTo(1);

        for (int i = 0; i < 5; i++) {
            try (Connection connection = pools.connection(tenant.target(primary))) {
                assertThat(query(connection, "SELECT current_database()")).isEqualTo(tenant.database());
            }
        }

        PoolStats stats = pools.stats("primary").orElseThrow();
        assertThat(stats.poolsOpened()).isEqualTo(1);
        assertThat(stats.poolsOpen()).isEqualTo(1);
        assertThat(stats.connections()).isEqualTo(1);
        assertThat(stats.idle()).isEqualTo(1);
        assertThat(stats.inUse()).isZero();
        assertThat(backends(SERVER, List.of(tenant.role()))).isEqualTo(1);
    }

    /**
     * A request's target carries its cluster as read for that request: one read before a new budget
     * was announced must not put the old budget back. Regression: every connection resized the
     * budget to the one its target's cluster carried.
     */
    @Test
    void aTargetReadBeforeABudgetChangeDoesNotPutTheOldBudgetBack() {
        TenantDatabase tenant = TenantDatabases.create(SERVER, "stale");
        Cluster before = cluster("primary", SERVER, 10);
        PoolRegistry pools = registry(4, 100, Duration.ofSeconds(2));
        use(pools, tenant.target(before));

        pools.takeUp(cluster("primary", SERVER, 14));
        assertThat(pools.stats("primary").orElseThrow().budget()).isEqualTo(14);
        use(pools, tenant.target(before));

        assertThat(pools.stats("primary").orElseThrow().budget())
                .as("the budget taken up, not the stale target's")
                .isEqualTo(14);
    }

    @Test
    void poolUnusedForTheIdleTimeoutIsClosed() throws SQLException {
        TenantDatabase tenant = TenantDatabases.create(SERVER, "idle");
        Cluster primary = cluster("primary", SERVER, 10);
        PoolRegistry pools = registry(4, 100, Duration.ofSeconds(2));
        use(pools, tenant.target(primary));

        time.advance(Duration.ofSeconds(40));
        use(pools, tenant.target(primary));
        time.advance(Duration.ofSeconds(40));
        pools.cleanUp();
        assertThat(pools.stats("primary").orElseThrow().poolsOpen())
                .as("used 40 s ago: kept")
                .isEqualTo(1);

        time.advance(Duration.ofSeconds(21));
        pools.cleanUp();

        Eventually.until(
                "the idle pool is closed",
                () -> pools.stats("primary").orElseThrow().poolsOpen() == 0);
        Eventually.until("its server connection is gone", () -> backends(SERVER, List.of(tenant.role())) == 0);
        PoolStats stats = pools.stats("primary").orElseThrow();
        assertThat(stats.poolsEvicted()).isEqualTo(1);
        assertThat(stats.connections()).isZero();
    }

    @Test
    void beyondMaxOpenPoolsTheLeastRecentlyUsedPoolIsClosed() throws SQLException {
        TenantDatabase a = TenantDatabases.create(SERVER, "lru");
        TenantDatabase b = TenantDatabases.create(SERVER, "lru");
        TenantDatabase c = TenantDatabases.create(SERVER, "lru");
        Cluster primary = cluster("primary", SERVER, 10);
        PoolRegistry pools = registry(2, 2, Duration.ofSeconds(2));

        use(pools, a.target(primary));
        use(pools, b.target(primary));
        for (int i = 0; i < 3; i++) {
            use(pools, a.target(primary));
        }
        use(pools, c.target(primary));
        pools.cleanUp();

        Eventually.until("the pool of b is closed", () -> backends(SERVER, List.of(b.role())) == 0);
        assertThat(backends(SERVER, List.of(a.role(), c.role()))).isEqualTo(2);
        // the pool closes on its own executor after its connections are gone: the figures follow a moment later
        Eventually.until(
                "two pools stay open",
                () -> pools.stats("primary").orElseThrow().poolsOpen() == 2);
        assertThat(pools.stats("primary").orElseThrow().poolsEvicted()).isEqualTo(1);
    }

    @Test
    void exhaustedBudgetWithNothingToReclaimFailsAfterTheAcquireTimeout() throws SQLException {
        TenantDatabase busy = TenantDatabases.create(SERVER, "busy");
        TenantDatabase waiting = TenantDatabases.create(SERVER, "waiting");
        Cluster primary = cluster("primary", SERVER, 2);
        PoolRegistry pools = registry(2, 100, Duration.ofMillis(500));
        hold(pools, busy.target(primary));
        hold(pools, busy.target(primary));

        SiloException error =
                catchThrowableOfType(SiloException.class, () -> pools.connection(waiting.target(primary)));

        assertThat(error).isNotNull();
        assertThat(error.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
        assertThat(error.type()).isEqualTo("connection-budget-exhausted");
        assertThat(error.retryAfter()).contains(Duration.ofSeconds(1));
        assertThat(error.getMessage()).contains("cluster primary").contains("all 2 connections");
        PoolStats stats = pools.stats("primary").orElseThrow();
        assertThat(stats.budgetTimeouts()).isEqualTo(1);
        assertThat(stats.budgetWaits()).isGreaterThanOrEqualTo(1);
        assertThat(stats.connections()).isEqualTo(2);
        assertThat(backends(SERVER, List.of(busy.role(), waiting.role()))).isEqualTo(2);

        releaseHeld();
        use(pools, waiting.target(primary));
        assertThat(pools.stats("primary").orElseThrow().reclaimed())
                .as("the idle connections of busy were reclaimed")
                .isGreaterThanOrEqualTo(1);
        assertThat(backends(SERVER, List.of(busy.role(), waiting.role()))).isLessThanOrEqualTo(2);
    }

    @Test
    void aDatabaseHoldingAllItsConnectionsIsBusyWhileTheBudgetHasRoom() throws SQLException {
        TenantDatabase tenant = TenantDatabases.create(SERVER, "full");
        Cluster primary = cluster("primary", SERVER, 20);
        PoolRegistry pools = registry(1, 100, Duration.ofMillis(300));
        hold(pools, tenant.target(primary));

        SiloException error = catchThrowableOfType(SiloException.class, () -> pools.connection(tenant.target(primary)));

        assertThat(error).isNotNull();
        assertThat(error.type()).isEqualTo("database-busy");
        assertThat(error.getMessage()).contains("all 1 connections to database");
    }

    @Test
    void aDatabaseTheBudgetKeepsFromGrowingIsNotCalledBusy() throws SQLException {
        TenantDatabase tenant = TenantDatabases.create(SERVER, "heldback");
        Cluster primary = cluster("primary", SERVER, 1);
        PoolRegistry pools = registry(4, 100, Duration.ofMillis(300));
        hold(pools, tenant.target(primary)); // its one connection lent, the budget's only permit

        SiloException error = catchThrowableOfType(SiloException.class, () -> pools.connection(tenant.target(primary)));

        assertThat(error).isNotNull();
        assertThat(error.type())
                .as("it holds one connection of the four it may: the budget, not the database, ran out")
                .isEqualTo("connection-budget-exhausted");
    }

    @Test
    void hotTenantWithAnIdleConnectionDoesNotWaitForASpentBudget() throws SQLException {
        TenantDatabase hot = TenantDatabases.create(SERVER, "hot");
        TenantDatabase cold = TenantDatabases.create(SERVER, "cold");
        Cluster primary = cluster("primary", SERVER, 2);
        PoolRegistry pools = registry(2, 100, Duration.ofMillis(500));
        use(pools, hot.target(primary));
        hold(pools, cold.target(primary));
        PoolStats spent = pools.stats("primary").orElseThrow();
        assertThat(spent.connections()).isEqualTo(spent.budget());

        for (int i = 0; i < 10; i++) {
            use(pools, hot.target(primary));
        }

        PoolStats after = pools.stats("primary").orElseThrow();
        assertThat(after.budgetWaits()).as("never asked the budget").isEqualTo(spent.budgetWaits());
        assertThat(after.budgetTimeouts()).isZero();
        assertThat(after.reclaimed()).isZero();
    }

    @Test
    void aPoolWhoseConnectionComesBackSoonWaitsForItRatherThanClosingAColderTenants() throws Exception {
        TenantDatabase busy = TenantDatabases.create(SERVER, "grower");
        TenantDatabase parked = TenantDatabases.create(SERVER, "parked");
        Cluster primary = cluster("primary", SERVER, 2);
        // grows at others' expense only after a quarter of the acquire timeout: 10 s here, far more
        // than the 100 ms the connection is held even on a loaded machine
        PoolRegistry pools = registry(2, 100, Duration.ofSeconds(40));
        use(pools, parked.target(primary)); // one idle connection, parked in a colder pool
        time.advance(Duration.ofSeconds(1));
        Connection first = pools.connection(busy.target(primary));

        Thread giveBack = Thread.ofVirtual().start(() -> {
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
            try {
                first.close();
            } catch (SQLException e) {
                throw new AssertionError(e);
            }
        });
        use(pools, busy.target(primary)); // waits for the first connection to come back
        giveBack.join();

        assertThat(pools.stats("primary").orElseThrow().reclaimed()).isZero();
        assertThat(backends(SERVER, List.of(parked.role())))
                .as("the colder tenant keeps its idle connection")
                .isEqualTo(1);
        assertThat(backends(SERVER, List.of(busy.role()))).isEqualTo(1);
    }

    @Test
    void aPoolWhoseConnectionIsHeldLongTakesAColderTenantsIdleOneAfterAWhile() throws SQLException {
        TenantDatabase busy = TenantDatabases.create(SERVER, "holder");
        TenantDatabase parked = TenantDatabases.create(SERVER, "napping");
        Cluster primary = cluster("primary", SERVER, 2);
        PoolRegistry pools = registry(2, 100, Duration.ofSeconds(8)); // reclaims after 2 s, served well before 8 s
        use(pools, parked.target(primary));
        time.advance(Duration.ofSeconds(1));
        hold(pools, busy.target(primary)); // held until the test ends, like a slow transaction

        use(pools, busy.target(primary));

        assertThat(pools.stats("primary").orElseThrow().reclaimed())
                .as("parked's idle connection, closed for busy")
                .isEqualTo(1);
        assertThat(backends(SERVER, List.of(busy.role()))).isEqualTo(2);

        use(pools, busy.target(primary)); // its second connection is idle again: no wait, no reclaim
        assertThat(pools.stats("primary").orElseThrow().reclaimed()).isEqualTo(1);
        assertThat(backends(SERVER, List.of(busy.role(), parked.role()))).isEqualTo(2);
    }

    @Test
    void theLastPermitsAreKeptForDatabasesWithNoConnection() throws Exception {
        TenantDatabase busy = TenantDatabases.create(SERVER, "wants2");
        TenantDatabase newcomer = TenantDatabases.create(SERVER, "newcomer");
        Cluster primary = cluster("primary", SERVER, 2);
        PoolRegistry pools = registry(2, 100, Duration.ofSeconds(40));
        Connection first = pools.connection(busy.target(primary));

        Thread giveBack = Thread.ofVirtual().start(() -> {
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
            try {
                first.close();
            } catch (SQLException e) {
                throw new AssertionError(e);
            }
        });
        use(pools, busy.target(primary)); // waits 200 ms, yet does not take the budget's last permit
        giveBack.join();

        assertThat(backends(SERVER, List.of(busy.role()))).isEqualTo(1);
        use(pools, newcomer.target(primary));
        PoolStats stats = pools.stats("primary").orElseThrow();
        assertThat(stats.reclaimed()).as("the newcomer found a free permit").isZero();
        assertThat(stats.budgetWaits()).isZero();
    }

    @Test
    void aSurplusConnectionIsReclaimedBeforeAnyDatabasesOnlyOne() throws Exception {
        TenantDatabase hot = TenantDatabases.create(SERVER, "burst");
        TenantDatabase quiet = TenantDatabases.create(SERVER, "single");
        TenantDatabase late = TenantDatabases.create(SERVER, "late");
        Cluster primary = cluster("primary", SERVER, 3);
        PoolRegistry pools = registry(2, 100, Duration.ofSeconds(40));
        growToTwo(pools, hot.target(primary));
        assertThat(backends(SERVER, List.of(hot.role()))).isEqualTo(2);
        use(pools, quiet.target(primary));
        time.advance(Duration.ofSeconds(1));
        use(pools, quiet.target(primary)); // the most recently used: the clock would pick it, if not for the surplus

        use(pools, late.target(primary));

        assertThat(pools.stats("primary").orElseThrow().reclaimed()).isEqualTo(1);
        assertThat(backends(SERVER, List.of(hot.role())))
                .as("hot keeps one connection")
                .isEqualTo(1);
        assertThat(backends(SERVER, List.of(quiet.role()))).isEqualTo(1);
        assertThat(backends(SERVER, List.of(late.role()))).isEqualTo(1);
    }

    @Test
    void aSurplusConnectionIsRetiredOnceItsPoolStopsWaitingForIt() throws Exception {
        TenantDatabase hot = TenantDatabases.create(SERVER, "bursty");
        Cluster primary = cluster("primary", SERVER, 10);
        PoolRegistry pools = registry(3, 100, Duration.ofSeconds(40));
        growToTwo(pools, hot.target(primary));
        assertThat(backends(SERVER, List.of(hot.role()))).isEqualTo(2);

        pools.retireQuietSurplus(Duration.ofHours(1));
        assertThat(backends(SERVER, List.of(hot.role())))
                .as("it grew less than an hour ago")
                .isEqualTo(2);

        pools.retireQuietSurplus(Duration.ZERO);
        pools.retireQuietSurplus(Duration.ZERO); // at once, while HikariCP may still be closing the first
        Eventually.until("the surplus connection is closed", () -> backends(SERVER, List.of(hot.role())) == 1);
        assertThat(pools.stats("primary").orElseThrow().connections())
                .as("the pool's one connection stays")
                .isEqualTo(1);
        assertThat(meters.get("silo.pool.surplus.retired")
                        .tag("cluster", "primary")
                        .functionCounter()
                        .count())
                .isEqualTo(1.0);
        use(pools, hot.target(primary));
        assertThat(pools.stats("primary").orElseThrow().reclaimed()).isZero();
    }

    @Test
    void unreachableClusterFailsFastWhileOtherClustersKeepWorking() throws SQLException {
        TenantDatabase healthy = TenantDatabases.create(SERVER, "healthy");
        Cluster primary = cluster("primary", SERVER, 5);
        Cluster down = new Cluster(
                "down",
                "jdbc:postgresql://127.0.0.1:" + closedPort() + "/postgres",
                "postgres",
                "",
                Map.of(),
                100,
                5,
                false,
                "active");
        DatabaseTarget stranded =
                new DatabaseTarget(healthy.tenantId(), "billing", down, "billing_x", "nobody", "secret");
        PoolRegistry pools = registry(2, 100, Duration.ofSeconds(1));

        SiloException first = catchThrowableOfType(SiloException.class, () -> pools.connection(stranded));
        assertThat(first).isNotNull();
        assertThat(first.type()).isEqualTo("cluster-unavailable");
        assertThat(first.getMessage()).contains("cluster down");
        assertThat(pools.stats("down").orElseThrow().available()).isFalse();

        long rejectedBefore = pools.stats("down").orElseThrow().rejected();
        SiloException second = catchThrowableOfType(SiloException.class, () -> pools.connection(stranded));
        assertThat(second).isNotNull();
        assertThat(second.type()).isEqualTo("cluster-unavailable");
        assertThat(second.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
        assertThat(second.retryAfter())
                .hasValueSatisfying(
                        delay -> assertThat(delay).isBetween(Duration.ofSeconds(1), PoolRegistry.CIRCUIT_OPEN_FOR));
        assertThat(pools.stats("down").orElseThrow().rejected())
                .as("failed at once, without trying the server")
                .isEqualTo(rejectedBefore + 1);

        use(pools, healthy.target(primary));
        assertThat(pools.stats("primary").orElseThrow().available()).isTrue();
        assertThat(pools.stats("primary").orElseThrow().rejected()).isZero();
    }

    @Test
    void aBackgroundProbeBringsADownClusterBackWithoutARequestTryingIt() throws Exception {
        TenantDatabase tenant = TenantDatabases.create(SERVER, "probe");
        try (FaultProxy proxy = FaultProxy.to(SERVER.port())) {
            Cluster behindProxy = new Cluster(
                    "flaky",
                    "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/postgres",
                    SERVER.user(),
                    SERVER.password(),
                    Map.of(),
                    100,
                    5,
                    false,
                    "active");
            PoolRegistry pools = registry(2, 100, Duration.ofSeconds(1));
            proxy.mode(FaultProxy.Mode.REFUSE);

            assertThatThrownBy(() -> use(pools, tenant.target(behindProxy)))
                    .extracting(e -> ((SiloException) e).type())
                    .isEqualTo("cluster-unavailable");
            long rejected = pools.stats("flaky").orElseThrow().rejected();
            assertThatThrownBy(() -> use(pools, tenant.target(behindProxy)))
                    .as("refused at once while the cluster is down")
                    .extracting(e -> ((SiloException) e).type())
                    .isEqualTo("cluster-unavailable");
            assertThat(pools.stats("flaky").orElseThrow().rejected()).isEqualTo(rejected + 1);

            proxy.mode(FaultProxy.Mode.PASS);
            Eventually.until(
                    "the probe finds the cluster answering",
                    () -> pools.stats("flaky").orElseThrow().available());
            assertThat(pools.stats("flaky").orElseThrow().rejected())
                    .as("no request was needed to find out")
                    .isEqualTo(rejected + 1);
            use(pools, tenant.target(behindProxy));
        }
    }

    @Test
    void evictTenantClosesItsPoolsAndAbortsLentConnections() throws Exception {
        TenantDatabase evicted = TenantDatabases.create(SERVER, "evicted");
        TenantDatabase kept = TenantDatabases.create(SERVER, "kept");
        Cluster primary = cluster("primary", SERVER, 10);
        PoolRegistry pools = registry(4, 100, Duration.ofSeconds(2));
        use(pools, evicted.target(primary));
        use(pools, kept.target(primary));
        Connection lent = hold(pools, evicted.target(primary));

        pools.evictTenant(evicted.tenantId()).get(10, TimeUnit.SECONDS);

        Eventually.until(
                "the evicted tenant holds no server connection", () -> backends(SERVER, List.of(evicted.role())) == 0);
        assertThat(backends(SERVER, List.of(kept.role()))).isEqualTo(1);
        assertThatThrownBy(() -> query(lent, "SELECT 1"))
                .as("a lent connection is aborted")
                .isInstanceOf(SQLException.class);
        assertThat(pools.stats("primary").orElseThrow().poolsOpen()).isEqualTo(1);

        use(pools, evicted.target(primary));
        assertThat(pools.stats("primary").orElseThrow().poolsOpened())
                .as("a later request opens a new pool")
                .isEqualTo(3);
    }

    @Test
    void evictDatabaseClosesThatDatabasesPoolOnly() throws Exception {
        TenantDatabase tenant = TenantDatabases.create(SERVER, "dropme");
        TenantDatabase other = TenantDatabases.create(SERVER, "stays");
        Cluster primary = cluster("primary", SERVER, 10);
        PoolRegistry pools = registry(4, 100, Duration.ofSeconds(2));
        use(pools, tenant.target(primary));
        use(pools, other.target(primary));

        pools.evictDatabase("primary", tenant.database()).get(10, TimeUnit.SECONDS);

        Eventually.until("no connection to the evicted database", () -> backends(SERVER, List.of(tenant.role())) == 0);
        assertThat(backends(SERVER, List.of(other.role()))).isEqualTo(1);
    }

    @Test
    void aTenantsRoleCannotOpenAnotherTenantsDatabase() {
        TenantDatabase a = TenantDatabases.create(SERVER, "tenant_a");
        TenantDatabase b = TenantDatabases.create(SERVER, "tenant_b");
        Cluster primary = cluster("primary", SERVER, 10);
        PoolRegistry pools = registry(2, 100, Duration.ofSeconds(1));
        DatabaseTarget misrouted =
                new DatabaseTarget(a.tenantId(), "core", primary, b.database(), a.role(), a.password());

        SiloException error = catchThrowableOfType(SiloException.class, () -> pools.connection(misrouted));

        assertThat(error).isNotNull();
        assertThat(error.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
        assertThat(error.type()).isEqualTo("database-unavailable");
        assertThat(error.getMessage()).contains(b.database()).contains(a.role()).contains("permission denied");
        assertThat(backends(SERVER, List.of(a.role()))).isZero();
        assertThatThrownBy(() -> pools.connection(misrouted))
                .as("the refusal is remembered for a moment")
                .extracting(e -> ((SiloException) e).type())
                .isEqualTo("database-unavailable");
    }

    @Test
    void metricsAreKeptPerClusterNeverPerTenant() throws SQLException {
        Cluster primary = cluster("primary", SERVER, 10);
        PoolRegistry pools = registry(2, 100, Duration.ofSeconds(2));
        for (int i = 0; i < 3; i++) {
            use(pools, TenantDatabases.create(SERVER, "metered").target(primary));
        }

        List<Meter> poolMeters = meters.getMeters().stream()
                .filter(meter -> meter.getId().getName().startsWith("silo.pool"))
                .toList();
        Set<String> tagKeys = poolMeters.stream()
                .flatMap(meter -> meter.getId().getTags().stream())
                .map(tag -> tag.getKey())
                .collect(Collectors.toSet());

        assertThat(tagKeys).containsExactlyInAnyOrder("cluster", "state");
        assertThat(poolMeters).hasSize(14);
        assertThat(meters.get("silo.pool.budget.used")
                        .tag("cluster", "primary")
                        .gauge()
                        .value())
                .isEqualTo(3.0);
        assertThat(meters.get("silo.pool.opened")
                        .tag("cluster", "primary")
                        .functionCounter()
                        .count())
                .isEqualTo(3.0);
        assertThat(meters.get("silo.pool.logins")
                        .tag("cluster", "primary")
                        .functionCounter()
                        .count())
                .as("one login per database: none needed a second connection")
                .isEqualTo(3.0);
        assertThat(meters.get("silo.pool.connections")
                        .tags("cluster", "primary", "state", "idle")
                        .gauge()
                        .value())
                .isEqualTo(3.0);
    }

    @Test
    void closedRegistryRefusesRequests() {
        TenantDatabase tenant = TenantDatabases.create(SERVER, "closing");
        Cluster primary = cluster("primary", SERVER, 10);
        PoolRegistry pools = registry(2, 100, Duration.ofSeconds(1));
        use(pools, tenant.target(primary));

        pools.close();

        assertThat(backends(SERVER, List.of(tenant.role()))).isLessThanOrEqualTo(1);
        Eventually.until("closing leaves no connection", () -> backends(SERVER, List.of(tenant.role())) == 0);
        assertThatThrownBy(() -> pools.connection(tenant.target(primary)))
                .extracting(e -> ((SiloException) e).type())
                .isEqualTo("shutting-down");
    }

    /**
     * Holds one connection of {@code target} while a second request waits 300 ms for it: a sustained
     * wait with spare permits, so the pool grows to two connections.
     */
    private static void growToTwo(PoolRegistry pools, DatabaseTarget target) throws Exception {
        Connection held = pools.connection(target);
        Thread giveBack = Thread.ofVirtual().start(() -> {
            LockSupport.parkNanos(Duration.ofMillis(300).toNanos());
            try {
                held.close();
            } catch (SQLException e) {
                throw new AssertionError(e);
            }
        });
        use(pools, target);
        giveBack.join();
    }

    private static void use(PoolRegistry pools, DatabaseTarget target) {
        try (Connection connection = pools.connection(target)) {
            query(connection, "SELECT 1");
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    /** A connection kept busy in an open transaction until the test ends. */
    private Connection hold(PoolRegistry pools, DatabaseTarget target) throws SQLException {
        Connection connection = pools.connection(target);
        held.add(connection);
        connection.setAutoCommit(false);
        query(connection, "SELECT 1");
        return connection;
    }

    private void releaseHeld() throws SQLException {
        for (Connection connection : held) {
            connection.close();
        }
        held.clear();
    }

    private static String query(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                var rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
