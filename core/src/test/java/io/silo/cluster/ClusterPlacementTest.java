package io.silo.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.silo.error.SiloException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Clusters per service: each service by its placement, equal placements together, load counted as it goes. */
class ClusterPlacementTest {
    private static final List<Cluster> CLUSTERS = List.of(
            cluster("primary", Map.of("zone", "a"), 100),
            cluster("secondary", Map.of("zone", "b", "tier", "billing"), 100),
            cluster("tertiary", Map.of("zone", "c", "tier", "crm"), 3));

    @Test
    void servicesWithoutRulesOfTheirOwnShareTheLeastLoadedCluster() {
        Map<String, ServicePlacement> rules = new LinkedHashMap<>();
        List.of("core", "billing", "pingora").forEach(service -> rules.put(service, ServicePlacement.anywhere()));

        assertThat(ids(ClusterPlacement.chooseEach(CLUSTERS, Map.of("primary", 5L), rules)))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("core", "secondary", "billing", "secondary", "pingora", "secondary"));
    }

    @Test
    void eachServiceGoesWhereItsLabelsOrItsClusterSay() {
        Map<String, ServicePlacement> rules = new LinkedHashMap<>();
        rules.put("core", ServicePlacement.on("primary"));
        rules.put("billing", ServicePlacement.labelled(Map.of("tier", "billing")));
        rules.put("crm", ServicePlacement.labelled(Map.of("tier", "crm")));
        rules.put("pingora", ServicePlacement.on("primary"));

        assertThat(ids(ClusterPlacement.chooseEach(CLUSTERS, Map.of(), rules)))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("core", "primary", "billing", "secondary", "crm", "tertiary", "pingora", "primary"));
    }

    @Test
    void theRoomAGroupTakesCountsForTheNext() {
        Map<String, ServicePlacement> rules = new LinkedHashMap<>();
        rules.put("core", ServicePlacement.on("tertiary"));
        rules.put("crm", ServicePlacement.labelled(Map.of("tier", "crm")));

        assertThatThrownBy(() -> ClusterPlacement.chooseEach(CLUSTERS, Map.of("tertiary", 2L), rules))
                .isInstanceOfSatisfying(SiloException.class, e -> {
                    assertThat(e.type()).isEqualTo("no-cluster-available");
                    assertThat(e.getMessage()).contains("crm");
                });
    }

    @Test
    void equalLabelsInAnyOrderMakeEqualPlacements() {
        Map<String, String> one = new LinkedHashMap<>();
        one.put("zone", "b");
        one.put("tier", "billing");
        assertThat(ServicePlacement.labelled(one))
                .isEqualTo(ServicePlacement.labelled(Map.of("tier", "billing", "zone", "b")));
        assertThatThrownBy(() -> new ServicePlacement(java.util.Optional.of("primary"), Map.of("zone", "a")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static Map<String, String> ids(Map<String, Cluster> chosen) {
        return chosen.entrySet().stream()
                .collect(Collectors.toMap(
                        Map.Entry::getKey, entry -> entry.getValue().id(), (a, b) -> a, LinkedHashMap::new));
    }

    private static Cluster cluster(String id, Map<String, String> labels, int capacity) {
        return new Cluster(id, "jdbc:postgresql://localhost/" + id, "silo", "", labels, capacity, 10, false, "active");
    }
}
