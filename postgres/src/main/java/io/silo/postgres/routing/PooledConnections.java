package io.silo.postgres.routing;

import io.silo.cluster.Cluster;
import io.silo.error.ProblemType;
import io.silo.postgres.control.ClusterStore;
import io.silo.postgres.jdbc.DataAccessException;
import io.silo.postgres.jdbc.Handle;
import io.silo.postgres.jdbc.Jdbc;
import io.silo.postgres.jdbc.Transactions;
import io.silo.postgres.placement.Placement;
import io.silo.postgres.placement.PlacementCache;
import io.silo.postgres.placement.ServiceDatabase;
import io.silo.postgres.pool.DatabaseTarget;
import io.silo.postgres.pool.PoolRegistry;
import io.silo.tenant.Admission;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Routing through the placement cache and the pools: a connection that authenticates as the
 * tenant's own role, so that even a routing bug cannot read another tenant's rows.
 *
 * <p>Clusters are remembered once read, and read again once a change was announced on
 * {@code silo_clusters} ({@link #forgetCluster}); a cluster read again hands its connection budget to
 * the pools. Thread-safe.
 */
public final class PooledConnections implements TenantConnections {
    private final PlacementCache placements;
    private final PoolRegistry pools;
    private final ClusterStore clusters;
    private final Map<String, Cluster> knownClusters = new ConcurrentHashMap<>();

    public PooledConnections(PlacementCache placements, PoolRegistry pools, ClusterStore clusters) {
        this.placements = placements;
        this.pools = pools;
        this.clusters = clusters;
    }

    @Override
    public <T> T inTransaction(UUID tenantId, String service, Jdbc.HandleFunction<T> work) {
        try (Connection connection = pools.connection(target(tenantId, service))) {
            return Transactions.run(connection, work);
        } catch (SQLException e) {
            throw new DataAccessException("(tenant " + tenantId + ", service " + service + ")", e);
        }
    }

    @Override
    public <T> T inOneStatement(UUID tenantId, String service, Jdbc.HandleFunction<T> work) {
        try (Connection connection = pools.connection(target(tenantId, service))) {
            if (!connection.getAutoCommit()) {
                connection.setAutoCommit(true);
            }
            return work.apply(new Handle(connection));
        } catch (SQLException e) {
            throw new DataAccessException("(tenant " + tenantId + ", service " + service + ")", e);
        }
    }

    @Override
    public void connectionLost(UUID tenantId, String service) {
        pools.retireConnections(target(tenantId, service));
    }

    /** Where the tenant's database of {@code service} lives, and as whom to connect. */
    private DatabaseTarget target(UUID tenantId, String service) {
        Placement placement = placements
                .find(tenantId)
                .orElseThrow(() -> ProblemType.ORGANIZATION_NOT_FOUND.exception("no organization " + tenantId));
        Optional<ServiceDatabase> database = placement.database(service);
        // a connection serves reads as well as writes: the write fence is checked before, by the application
        Admission.check(Admission.database(
                database.map(ServiceDatabase::state), placement.slug(), service, Admission.Route.READ));
        return DatabaseTarget.of(
                placement, database.orElseThrow(), cluster(database.get().clusterId()));
    }

    /** Forgets the connection settings of a removed cluster (heard through NOTIFY {@code silo_clusters}). */
    public void forgetCluster(String id) {
        knownClusters.remove(id);
    }

    /** Forgets every cluster's settings: they are read again on next use (after the listener reconnected). */
    public void forgetClusters() {
        knownClusters.clear();
    }

    private Cluster cluster(String id) {
        return knownClusters.computeIfAbsent(id, key -> {
            Cluster fresh = clusters.find(key)
                    .orElseThrow(() ->
                            new IllegalStateException("placement names cluster " + key + ", which is not registered"));
            pools.takeUp(fresh);
            return fresh;
        });
    }
}
