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

    /**
     * Takes up the cluster's administrative credentials as the registry holds them now (a rotation
     * changed them; {@link ClusterStore#CHANNEL} tells every instance). A cluster not used yet here
     * has nothing to take up.
     */
    public void refresh(String clusterId) {
        ClusterAdmin admin = admins.get(clusterId);
        if (admin != null) {
            clusters.find(clusterId).ifPresent(admin::useCredentials);
        }
    }

    /** {@link #refresh} of every cluster in use here, after the channel was lost a while. */
    public void refreshAll() {
        admins.keySet().forEach(this::refresh);
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
