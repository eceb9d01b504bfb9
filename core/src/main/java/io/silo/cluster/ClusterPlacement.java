package io.silo.cluster;

import io.silo.error.ProblemType;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a new tenant goes: the cluster the request names, else among the active clusters whose
 * labels match and that have room, the one holding the fewest tenant databases. All of a
 * tenant's databases go to one cluster, so its role lives on one server.
 */
public final class ClusterPlacement {
    private ClusterPlacement() {}

    /**
     * @param load tenant databases per cluster id now
     * @param needed how many databases the tenant brings
     * @param requested a cluster id the request insists on
     * @param labels labels a cluster must carry, all of them
     */
    public static Cluster choose(
            List<Cluster> clusters,
            Map<String, Long> load,
            int needed,
            Optional<String> requested,
            Map<String, String> labels) {
        if (requested.isPresent()) {
            Cluster cluster = clusters.stream()
                    .filter(candidate -> candidate.id().equals(requested.get()))
                    .findFirst()
                    .orElseThrow(() -> ProblemType.UNKNOWN_CLUSTER
                            .exception("no cluster '" + requested.get() + "'; known: "
                                    + clusters.stream().map(Cluster::id).toList())
                            .with("field", "cluster"));
            if (!cluster.acceptsNewTenants()) {
                throw ProblemType.CLUSTER_NOT_ACCEPTING.exception(
                        "cluster " + cluster.id() + " is " + cluster.status() + " and takes no new tenants");
            }
            if (!hasRoom(cluster, load, needed)) {
                throw ProblemType.CLUSTER_FULL.exception(
                        "cluster " + cluster.id() + " is at its capacity of " + cluster.capacity() + " databases");
            }
            return cluster;
        }
        return clusters.stream()
                .filter(Cluster::acceptsNewTenants)
                .filter(cluster -> cluster.labels().entrySet().containsAll(labels.entrySet()))
                .filter(cluster -> hasRoom(cluster, load, needed))
                .min(Comparator.comparingLong((Cluster cluster) -> load.getOrDefault(cluster.id(), 0L))
                        .thenComparing(Cluster::id))
                .orElseThrow(() -> ProblemType.NO_CLUSTER_AVAILABLE.exception(
                        "no active cluster " + (labels.isEmpty() ? "" : "labelled " + labels + " ") + "has room for "
                                + needed + " more databases"));
    }

    private static boolean hasRoom(Cluster cluster, Map<String, Long> load, int needed) {
        return load.getOrDefault(cluster.id(), 0L) + needed <= cluster.capacity();
    }
}
