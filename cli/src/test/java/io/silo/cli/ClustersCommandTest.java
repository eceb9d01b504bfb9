package io.silo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.json.Json;
import io.silo.testing.SiloClient;
import io.silo.testing.TestSilo;
import io.silo.testing.TestTenants;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code silo clusters …} changes a running instance's placement through the control database: a
 * cluster the operator set to accept no tenants gets no new organization from the instance while the
 * other does, a relabelled one takes the organizations its new labels match; each change is audited
 * with the operator as actor, and a command that says nothing to change, or names no cluster, fails.
 */
class ClustersCommandTest {

    @Test
    void anOperatorTakesAClusterOutOfPlacementAndRelabelsItOnARunningInstance(@TempDir Path dir) throws IOException {
        try (TestSilo silo = TestSilo.start(2, Map.of())) {
            String config = CliConfigs.of(silo.config(), dir).toString();
            SiloClient client = silo.client();

            StringWriter drained = new StringWriter();
            assertThat(run(drained, "clusters", "set", "primary", "--accepting-tenants=false", "--config", config))
                    .isZero();
            assertThat(drained.toString()).contains("primary", "draining", "not-accepting");
            assertThat(clusterOf(TestTenants.create(client, "Cli Drained", List.of("billing"))))
                    .isEqualTo("secondary");
            assertThat(clusterOf(TestTenants.create(client, "Cli Drained Too", List.of("billing"))))
                    .isEqualTo("secondary");

            assertThat(run(
                            new StringWriter(),
                            "clusters",
                            "set",
                            "primary",
                            "--accepting-tenants=true",
                            "--label",
                            "zone=c",
                            "--label",
                            "tier=gold",
                            "--config",
                            config))
                    .isZero();
            assertThat(clusterOf(TestTenants.create(
                            client, "Cli Zone C", List.of("billing"), Map.of("labels", Map.of("zone", "c")))))
                    .isEqualTo("primary");

            StringWriter listed = new StringWriter();
            assertThat(run(listed, "clusters", "list", "--json", "--config", config))
                    .isZero();
            List<JsonNode> clusters = listed.toString()
                    .lines()
                    .map(line -> Json.mapper().readTree(line))
                    .toList();
            assertThat(clusters)
                    .extracting(cluster -> cluster.path("id").asString())
                    .containsExactly("primary", "secondary");
            assertThat(clusters.getFirst().path("labels").path("tier").asString())
                    .isEqualTo("gold");
            assertThat(clusters.getFirst().path("acceptingTenants").asBoolean()).isTrue();
            assertThat(clusters.get(1).path("labels").path("zone").asString()).isEqualTo("b");
            assertThat(listed.toString())
                    .doesNotContain(silo.config().database().orElseThrow().password());

            assertThat(silo.control()
                            .query(
                                    "SELECT actor_kind FROM audit_log WHERE action = 'cluster.update' ORDER BY id",
                                    row -> row.getString(1)))
                    .containsExactly("operator", "operator");
        }
    }

    @Test
    void aCommandThatChangesNothingOrNamesNoClusterFails(@TempDir Path dir) throws IOException {
        try (TestSilo silo = TestSilo.start(1, Map.of())) {
            String config = CliConfigs.of(silo.config(), dir).toString();
            assertThat(run(new StringWriter(), "clusters", "set", "primary", "--config", config))
                    .as("nothing to change")
                    .isEqualTo(2);
            assertThat(run(
                            new StringWriter(),
                            "clusters",
                            "set",
                            "primary",
                            "--label",
                            "zone=c",
                            "--clear-labels",
                            "--config",
                            config))
                    .isEqualTo(2);
            assertThat(run(
                            new StringWriter(),
                            "clusters",
                            "set",
                            "nowhere",
                            "--accepting-tenants=false",
                            "--config",
                            config))
                    .as("an unknown cluster")
                    .isEqualTo(1);
            assertThat(run(
                            new StringWriter(),
                            "clusters",
                            "set",
                            "primary",
                            "--label",
                            "bad key=x",
                            "--config",
                            config))
                    .as("a label key with a space")
                    .isEqualTo(1);
            assertThat(run(new StringWriter(), "clusters", "remove", "primary", "--config", config))
                    .as("the control database's cluster, the only one")
                    .isEqualTo(1);
            assertThat(silo.control()
                            .query(
                                    "SELECT count(*) FROM audit_log WHERE action = 'cluster.update'",
                                    row -> row.getLong(1)))
                    .containsExactly(0L);
        }
    }

    private static String clusterOf(TestTenants.TestTenant tenant) {
        return tenant.organization().path("databases").path(0).path("cluster").asString();
    }

    private static int run(StringWriter out, String... args) {
        StringWriter err = new StringWriter();
        return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }
}
