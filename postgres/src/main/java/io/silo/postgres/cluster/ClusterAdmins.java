package io.silo.postgres.cluster;

import io.silo.cluster.Cluster;
import io.silo.error.ProblemType;
import io.silo.postgres.control.ClusterStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link ClusterAdmin} per cluster, made on first use from the registry.
 *
 * <p>Thread-safe; {@link #close()} closes every administrative pool.
 */
public final class ClusterAdmins implements AutoCloseable {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ClusterAdmins.class);

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
     * Takes up the cluster as the registry holds it now, heard of on {@link ClusterStore#CHANNEL}: a
     * rotation changed its administrative password (the administrator here uses it for its next
     * connections), or it was removed (the administrator closes and goes; a later use reads the
     * registry again). A cluster not used here yet has nothing to take up.
     */
    public void refresh(String clusterId) {
        ClusterAdmin admin = admins.get(clusterId);
        if (admin == null) {
            return;
        }
        clusters.find(clusterId).ifPresentOrElse(admin::useCredentials, () -> forget(clusterId));
    }

    /**
     * Ends a rotation of the cluster's administrative password whose next password is staged: its
     * role gets it (logged in with whichever of the current and the staged password the server takes,
     * so a rotation that stopped after changing the server is finished too), it is promoted, and
     * every instance takes it up. Answers whether this call promoted it.
     */
    public boolean finishRotation(String clusterId) {
        Cluster cluster = cluster(clusterId);
        boolean promoted = clusters.promoteStaged(
                clusterId, (passwords, staged) -> ClusterAdmin.setOwnPassword(cluster, passwords, staged));
        refresh(clusterId);
        return promoted;
    }

    /**
     * {@link #finishRotation} of every cluster with a staged password: a rotation killed between
     * changing the server's role and promoting the password would otherwise leave new administrative
     * connections refused until it is run again. Housekeeping calls it; answers how many it finished.
     * Rotations of one cluster take turns on its row's lock, so one running meanwhile elsewhere
     * either finished first (nothing staged is left) or finds nothing to do after this one.
     */
    public int finishInterruptedRotations() {
        int finished = 0;
        for (String id : clusters.withStagedPassword()) {
            try {
                if (finishRotation(id)) {
                    log.info("finished the interrupted rotation of cluster {}'s administrative password", id);
                    finished++;
                }
            } catch (RuntimeException e) {
                log.warn(
                        "cannot finish the rotation of cluster {}'s administrative password yet: {}",
                        id,
                        e.getMessage());
            }
        }
        return finished;
    }

    /** {@link #refresh} of every cluster in use here, after the channel was lost a while. */
    public void refreshAll() {
        List.copyOf(admins.keySet()).forEach(this::refresh);
    }

    /** Closes and forgets the administrator of a cluster that was removed; a later use reads the registry again. */
    public void forget(String clusterId) {
        ClusterAdmin admin = admins.remove(clusterId);
        if (admin != null) {
            admin.close();
        }
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
