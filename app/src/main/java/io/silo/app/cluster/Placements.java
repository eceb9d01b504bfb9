package io.silo.app.cluster;

import io.silo.cluster.Cluster;
import io.silo.cluster.ClusterPlacement;
import io.silo.cluster.ServicePlacement;
import io.silo.config.SiloConfig;
import io.silo.error.ProblemType;
import io.silo.postgres.control.ClusterStore;
import io.silo.postgres.control.MoveStore;
import io.silo.postgres.control.TenantStore;
import io.silo.postgres.jdbc.Handle;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where an organization's databases go, service by service, and the capacity check that reserves
 * the room. The rules, for each service, first that applies:
 *
 * <ol>
 *   <li>the organization's own placement of that service ({@code placement.<service>} at creation):
 *       a cluster, or labels;
 *   <li>the cluster the organization's creation names for all of it ({@code cluster});
 *   <li>the deployment's default for the service ({@code placement.services.<service>.labels}),
 *       together with the labels the creation asks of all its clusters ({@code labels}, which win
 *       on the same key).
 * </ol>
 *
 * Services whose rules come out equal share one cluster, so an organization without rules of its
 * own in a deployment without defaults is on one cluster, as before clusters per service.
 *
 * <p>A choice is made on counts read without locks; {@link #reserve} then checks it again under
 * row locks on the chosen clusters, in the transaction that records it: two placements or moves
 * started in the same instant cannot both take a cluster's last room.
 *
 * <p>Thread-safe.
 */
public final class Placements {
    private final ClusterStore clusters;
    private final TenantStore tenants;
    private final MoveStore moves;
    private final SiloConfig.Placement defaults;

    public Placements(ClusterStore clusters, TenantStore tenants, MoveStore moves, SiloConfig.Placement defaults) {
        this.clusters = clusters;
        this.tenants = tenants;
        this.moves = moves;
        this.defaults = defaults;
    }

    /** Every cluster, the control database's first. */
    public List<Cluster> list() {
        return clusters.list();
    }

    public Optional<Cluster> find(String id) {
        return clusters.find(id);
    }

    /** The deployment's default placement of {@code service}: its labels, if {@code placement.services} names it. */
    public Optional<ServicePlacement> configured(String service) {
        return Optional.ofNullable(defaults.serviceLabels().get(service)).map(ServicePlacement::labelled);
    }

    /**
     * The rule of each service (see the class comment).
     *
     * @param services the organization's services, core first
     * @param cluster the cluster the request names for all of the organization
     * @param labels the labels the request asks of every cluster
     * @param requested the request's own placements, by service
     */
    public Map<String, ServicePlacement> rules(
            List<String> services,
            Optional<String> cluster,
            Map<String, String> labels,
            Map<String, ServicePlacement> requested) {
        Map<String, ServicePlacement> rules = new LinkedHashMap<>();
        for (String service : services) {
            ServicePlacement rule = Optional.ofNullable(requested.get(service))
                    .or(() -> cluster.map(ServicePlacement::on))
                    .orElseGet(() -> {
                        Map<String, String> wanted =
                                new LinkedHashMap<>(defaults.serviceLabels().getOrDefault(service, Map.of()));
                        wanted.putAll(labels);
                        return ServicePlacement.labelled(wanted);
                    });
            rules.put(service, rule);
        }
        return rules;
    }

    /** A cluster for each service by its rule ({@link ClusterPlacement#chooseEach}), on counts read now. */
    public Map<String, Cluster> choose(Map<String, ServicePlacement> rules) {
        return ClusterPlacement.chooseEach(clusters.list(), load(), rules);
    }

    /**
     * The databases per cluster as placement counts them: those placed there and those of moves under
     * way to it, which arrive at their switch.
     */
    public Map<String, Long> load() {
        Map<String, Long> load = new LinkedHashMap<>(tenants.databasesPerCluster());
        moves.databasesMovingPerTarget().forEach((cluster, moving) -> load.merge(cluster, moving, Long::sum));
        return load;
    }

    /**
     * Reserves room for {@code needed} more databases per cluster in {@code handle}'s transaction:
     * the clusters' rows stay locked until it ends, and what they hold is counted again under the
     * lock. 409 {@code cluster-full} when one has no room left any more (another placement or move
     * took it since the choice); nothing recorded, the caller may try again.
     */
    public void reserve(Handle handle, Map<String, Long> needed) {
        Map<String, ClusterStore.Room> rooms = clusters.lockForPlacement(handle, needed.keySet());
        needed.forEach((cluster, more) -> {
            ClusterStore.Room room = rooms.get(cluster);
            if (room == null) {
                throw ProblemType.UNKNOWN_CLUSTER.exception("cluster " + cluster + " was removed meanwhile");
            }
            if (!room.fits(more)) {
                throw ProblemType.CLUSTER_FULL
                        .exception("cluster " + cluster + " has no room left for " + more + " more databases: it"
                                + " holds or expects " + room.databases() + " of its capacity of " + room.capacity())
                        .with("cluster", cluster);
            }
        });
    }

    /** How many databases each cluster takes, for {@link #reserve}: {@code clusterIds} has one per database. */
    public static Map<String, Long> needed(java.util.Collection<String> clusterIds) {
        Map<String, Long> needed = new LinkedHashMap<>();
        clusterIds.forEach(cluster -> needed.merge(cluster, 1L, Long::sum));
        return needed;
    }
}
