package io.silo.cluster;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where one service's database may go: a named cluster, or any active cluster carrying all of
 * {@code labels} (none: any active cluster). Services with equal placements are placed together,
 * on one cluster, by {@link ClusterPlacement#chooseEach}.
 *
 * <p>Immutable.
 */
public record ServicePlacement(Optional<String> cluster, Map<String, String> labels) {
    public ServicePlacement {
        Objects.requireNonNull(cluster, "cluster");
        // sorted, so that equal label sets make equal placements whatever order they came in
        labels = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(Objects.requireNonNull(labels, "labels")));
        if (cluster.isPresent() && !labels.isEmpty()) {
            throw new IllegalArgumentException(
                    "a placement names a cluster or labels, not both: " + cluster.get() + " and " + labels);
        }
    }

    /** Any active cluster with room. */
    public static ServicePlacement anywhere() {
        return new ServicePlacement(Optional.empty(), Map.of());
    }

    /** The cluster {@code id}, and no other. */
    public static ServicePlacement on(String id) {
        return new ServicePlacement(Optional.of(id), Map.of());
    }

    /** Any active cluster carrying every one of {@code labels}. */
    public static ServicePlacement labelled(Map<String, String> labels) {
        return new ServicePlacement(Optional.empty(), labels);
    }

    @Override
    public String toString() {
        return cluster.map(id -> "cluster " + id)
                .orElse(labels.isEmpty() ? "any cluster" : "clusters labelled " + labels);
    }
}
