package io.silo.cluster;

import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a new tenant's databases go: the cluster the request names, else among the active clusters
 * whose labels match and that have room, the one holding the fewest tenant databases. A tenant's
 * services may have placements of their own ({@link #chooseEach}): its databases may then live on
 * several clusters, its role on each of them.
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
        return choose(clusters, load, needed, requested, labels, "");
    }

    private static Cluster choose(
            List<Cluster> clusters,
            Map<String, Long> load,
            int needed,
            Optional<String> requested,
            Map<String, String> labels,
            String purpose) {
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
                        "cluster " + cluster.id() + " is " + cluster.status() + " and takes no new tenants" + purpose);
            }
            if (!hasRoom(cluster, load, needed)) {
                throw ProblemType.CLUSTER_FULL.exception("cluster " + cluster.id() + " is at its capacity of "
                        + cluster.capacity() + " databases" + purpose);
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
                                + needed + " more databases" + purpose));
    }

    /**
     * A cluster for each service: the services with equal placements together on one cluster, chosen
     * as {@link #choose} does, each group counting the databases the groups before it placed.
     *
     * @param load tenant databases per cluster id now
     * @param placements each service and where it may go, in the order they are placed
     * @return the cluster of each service, in the order of {@code placements}
     */
    public static Map<String, Cluster> chooseEach(
            List<Cluster> clusters, Map<String, Long> load, Map<String, ServicePlacement> placements) {
        Map<ServicePlacement, List<String>> groups = new LinkedHashMap<>();
        placements.forEach((service, placement) ->
                groups.computeIfAbsent(placement, any -> new ArrayList<>()).add(service));
        Map<String, Long> counted = new HashMap<>(load);
        Map<String, Cluster> chosen = new HashMap<>();
        groups.forEach((placement, services) -> {
            Cluster cluster;
            try {
                cluster = choose(
                        clusters,
                        counted,
                        services.size(),
                        placement.cluster(),
                        placement.labels(),
                        " (for the databases of " + String.join(", ", services) + ")");
            } catch (SiloException e) {
                throw e.with("services", services);
            }
            counted.merge(cluster.id(), (long) services.size(), Long::sum);
            services.forEach(service -> chosen.put(service, cluster));
        });
        Map<String, Cluster> ordered = new LinkedHashMap<>();
        placements.keySet().forEach(service -> ordered.put(service, chosen.get(service)));
        return ordered;
    }

    private static boolean hasRoom(Cluster cluster, Map<String, Long> load, int needed) {
        return load.getOrDefault(cluster.id(), 0L) + needed <= cluster.capacity();
    }
}
