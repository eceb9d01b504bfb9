package io.silo.postgres.cluster;

import io.silo.cluster.Cluster;
import io.silo.error.ProblemType;
import io.silo.postgres.control.ClusterStore;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link ClusterAdmin} per cluster, made on first use from the registry.
 *
 * <p>Thread-safe; {@link #close()} closes every administrative pool.
 */
public final class ClusterAdmins implements AutoCloseable {
    private final ClusterStore clusters;
    private final Duration statementTimeout;
    private final Map<String, ClusterAdmin> admins = new ConcurrentHashMap<>();

    /** @param statementTimeout the longest a statement of an administrative connection may run */
    public ClusterAdmins(ClusterStore clusters, Duration statementTimeout) {
        this.clusters = clusters;
        this.statementTimeout = statementTimeout;
    }

    public ClusterAdmin of(String clusterId) {
        return admins.computeIfAbsent(clusterId, id -> new ClusterAdmin(cluster(id), statementTimeout));
    }

    private Cluster cluster(String id) {
        return clusters.find(id).orElseThrow(() -> ProblemType.CLUSTER_NOT_FOUND.exception("no cluster '" + id + "'"));
    }

    @Override
    public void close() {
        admins.values().forEach(ClusterAdmin::close);
        admins.clear();
    }
}
