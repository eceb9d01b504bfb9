package io.silo.postgres.pool;

import static io.silo.postgres.pool.TenantDatabases.backends;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.silo.cluster.Cluster;
import io.silo.config.SiloConfig;
import io.silo.postgres.jdbc.Jdbc;
import io.silo.postgres.placement.ControlPlane;
import io.silo.postgres.placement.Placement;
import io.silo.postgres.placement.PlacementCache;
import io.silo.postgres.placement.PlacementListener;
import io.silo.postgres.pool.TenantDatabases.TenantDatabase;
import io.silo.testing.Eventually;
import io.silo.testing.TestPostgres;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Placement changes reach the pools of every instance: a suspended tenant's connections are closed everywhere. */
class StalePoolsTest {
    private static final TestPostgres SERVER = TestPostgres.primary();

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable resource : closing.reversed()) {
            resource.close();
        }
    }

    @Test
    void suspendingATenantClosesItsPoolsOnEveryInstanceAndOtherChangesDoNot() throws SQLException {
        Tenant suspendMe = tenant();
        ControlPlane plane = suspendMe.plane();
        TenantDatabase tenant = suspendMe.database();
        UUID id = suspendMe.id();
        Cluster primary = suspendMe.primary();
        Instance first = instance(plane);
        Instance second = instance(plane);
        for (Instance instance : List.of(first, second)) {
            use(instance, primary);
        }
        assertThat(backends(SERVER, List.of(tenant.role()))).isEqualTo(2);

        plane.superuser().update("UPDATE tenants SET notes = 'called about the invoice' WHERE id = ?", id);
        Eventually.until("both instances heard of the change", () -> first.heard.get() > 0 && second.heard.get() > 0);
        for (Instance instance : List.of(first, second)) {
            use(instance, primary);
            assertThat(instance.pools.stats("primary").orElseThrow().poolsOpened())
                    .as("a change of the notes keeps the pool")
                    .isEqualTo(1);
        }

        plane.superuser().update("UPDATE tenants SET status = 'suspended' WHERE id = ?", id);

        Eventually.until(
                "the suspended tenant holds no connection", () -> backends(SERVER, List.of(tenant.role())) == 0);
        // a pool is counted closed once HikariCP has shut down, a moment after its backends have exited
        Eventually.until(
                "both instances closed the suspended tenant's pool",
                () -> first.pools.stats("primary").orElseThrow().poolsOpen() == 0
                        && second.pools.stats("primary").orElseThrow().poolsOpen() == 0);
    }

    @Test
    void aSuspendedTenantsLentConnectionFinishesAndAFailedTenantsIsAborted() throws SQLException {
        Tenant suspendMe = tenant();
        ControlPlane plane = suspendMe.plane();
        TenantDatabase tenant = suspendMe.database();
        UUID id = suspendMe.id();
        Cluster primary = suspendMe.primary();
        Instance instance = instance(plane);

        try (Connection lent = instance.pools.connection(target(instance, primary))) {
            int heardBefore = instance.heard.get();
            plane.superuser().update("UPDATE tenants SET status = 'suspended' WHERE id = ?", id);
            Eventually.until("the instance heard of the suspension", () -> instance.heard.get() > heardBefore);
            assertThat(instance.pools.stats("primary").orElseThrow().poolsOpen())
                    .as("the pool waits for its lent connection")
                    .isEqualTo(1);
            assertThat(answers(lent))
                    .as("what was under way at the suspension finishes")
                    .isTrue();
        }
        Eventually.until(
                "the drained pool closed once its connection came back",
                () -> instance.pools.stats("primary").orElseThrow().poolsOpen() == 0
                        && backends(SERVER, List.of(tenant.role())) == 0);

        try (Connection lent = instance.pools.connection(target(instance, primary))) {
            plane.superuser().update("UPDATE tenants SET status = 'failed' WHERE id = ?", id);
            Eventually.until("the failed tenant's lent connection is aborted", () -> !answers(lent));
        }
    }

    @Test
    void aChangeToATenantWithoutAPoolReadsNoPlacementAndOneWithAPoolIsReadAgain() throws SQLException {
        Tenant tenant = tenant();
        ControlPlane plane = tenant.plane();
        AtomicInteger controlReads = new AtomicInteger();
        DataSource control = plane.control().dataSource();
        DataSource counted = (DataSource) Proxy.newProxyInstance(
                DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, arguments) -> {
                    if (method.getName().equals("getConnection")) {
                        controlReads.incrementAndGet();
                    }
                    try {
                        return method.invoke(control, arguments);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        Instance instance = instance(plane, new PlacementCache(new Jdbc(counted), plane.secrets()));

        int heardBefore = instance.heard.get();
        plane.superuser().update("UPDATE tenants SET notes = 'no pool yet' WHERE id = ?", tenant.id());
        Eventually.until("the instance heard of the change", () -> instance.heard.get() > heardBefore);
        assertThat(controlReads.get())
                .as("no pool of the tenant: nothing to check, no placement read")
                .isZero();

        use(instance, tenant.primary());
        int readsWithAPool = controlReads.get();
        assertThat(readsWithAPool).as("the request read the placement").isPositive();
        int heardWithAPool = instance.heard.get();
        plane.superuser().update("UPDATE tenants SET notes = 'a pool now' WHERE id = ?", tenant.id());
        Eventually.until("the instance heard of the second change", () -> instance.heard.get() > heardWithAPool);
        assertThat(controlReads.get())
                .as("its pool is checked against the placement read again")
                .isGreaterThan(readsWithAPool);
        use(instance, tenant.primary());
        assertThat(instance.pools.stats("primary").orElseThrow().poolsOpened())
                .as("a change of the notes keeps the pool")
                .isEqualTo(1);
    }

    private static boolean answers(Connection connection) {
        try (var statement = connection.createStatement();
                var rows = statement.executeQuery("SELECT 1")) {
            return rows.next();
        } catch (SQLException e) {
            return false;
        }
    }

    private static DatabaseTarget target(Instance instance, Cluster primary) {
        Placement placement = instance.placements.find("suspend-me").orElseThrow();
        return DatabaseTarget.of(placement, placement.database("core").orElseThrow(), primary);
    }

    private static void use(Instance instance, Cluster primary) throws SQLException {
        Placement placement = instance.placements.find("suspend-me").orElseThrow();
        DatabaseTarget target =
                DatabaseTarget.of(placement, placement.database("core").orElseThrow(), primary);
        try (Connection connection = instance.pools.connection(target)) {
            assertThat(connection.isValid(1)).isTrue();
        }
    }

    /** The tenant "suspend-me" with its core database on the primary server, in a control plane of its own. */
    private record Tenant(ControlPlane plane, TenantDatabase database, UUID id, Cluster primary) {}

    private Tenant tenant() {
        ControlPlane plane = ControlPlane.create(SERVER, "primary");
        closing.add(plane);
        TenantDatabase database = TenantDatabases.create(SERVER, "suspended");
        UUID id = plane.tenant("suspend-me", database.role(), database.password());
        plane.database(id, "core", "primary", database.database());
        return new Tenant(plane, database, id, TenantDatabases.cluster("primary", SERVER, 10));
    }

    /** One Silo instance: its placements, its pools, its listener with the stale-pool subscriber first. */
    private record Instance(PlacementCache placements, PoolRegistry pools, AtomicInteger heard) {}

    private Instance instance(ControlPlane plane) {
        return instance(plane, new PlacementCache(plane.jdbc(), plane.secrets()));
    }

    private Instance instance(ControlPlane plane, PlacementCache placements) {
        PoolRegistry pools = PoolRegistry.open(
                new SiloConfig.Pools(2, 100, Duration.ofSeconds(60), Duration.ofSeconds(2), 80),
                new SimpleMeterRegistry());
        PlacementListener listener = PlacementListener.start(plane.control(), placements);
        AtomicInteger heard = new AtomicInteger();
        listener.subscribe(new StalePools(placements, pools));
        listener.subscribe(tenantId -> heard.incrementAndGet());
        closing.add(pools);
        closing.add(listener);
        Eventually.until("the listener is listening", listener::isListening);
        return new Instance(placements, pools, heard);
    }
}
