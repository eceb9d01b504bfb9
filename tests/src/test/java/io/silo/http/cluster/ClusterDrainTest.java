package io.silo.http.cluster;

import static io.silo.testing.TestInvoices.invoice;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.testing.Eventually;
import io.silo.testing.SiloClient;
import io.silo.testing.TestSilo;
import io.silo.testing.TestTenants;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A cluster is drained ({@code POST /api/admin/clusters/{id}/drain}, the job {@code cluster.drain}):
 * it takes no new organization from the first step, every organization on it moves where placement
 * chooses, two at a time, each by a move job of its own, with progress counted in organizations; its
 * data goes along; once the old copies are dropped, the cluster can be removed.
 */
class ClusterDrainTest {

    @Test
    void aDrainedClusterKeepsNoOrganizationAndCanThenBeRemoved() {
        try (TestSilo silo = TestSilo.start(2, Map.of())) {
            SiloClient admin = silo.client().asAdmin();
            List<TestTenants.TestTenant> tenants = new ArrayList<>();
            for (int index = 0; index < 3; index++) {
                TestTenants.TestTenant tenant = TestTenants.create(
                        silo.client(), "Drained " + index, List.of("billing"), Map.of("cluster", "secondary"));
                assertThat(tenant.client()
                                .post("/api/data/billing/invoices", invoice("D-" + index))
                                .status())
                        .isEqualTo(201);
                tenants.add(tenant);
            }
            assertThat(admin.post("/api/admin/clusters/secondary/drain", Map.of("parallel", 0))
                            .problemType())
                    .isEqualTo("invalid-json");

            SiloClient.Response started = admin.post("/api/admin/clusters/secondary/drain", Map.of("parallel", 2));
            assertThat(started.status()).as(started.toString()).isEqualTo(202);
            String job = started.json().path("id").asString();
            List<JsonNode> progress = new ArrayList<>();
            JsonNode ended = Eventually.get(
                    Duration.ofSeconds(180),
                    () -> {
                        JsonNode body = admin.get("/api/admin/jobs/" + job).json();
                        if (body.path("progress").isObject()) {
                            progress.add(body.path("progress"));
                        }
                        return body;
                    },
                    body -> body.path("state").asString().matches("succeeded|failed|cancelled"));
            assertThat(ended.path("state").asString()).as(ended.toString()).isEqualTo("succeeded");
            // the move step lasts seconds: polled every few milliseconds, its progress is seen
            assertThat(progress)
                    .as("progress reported while the drain moved")
                    .isNotEmpty()
                    .allSatisfy(seen -> assertThat(seen.path("total").asLong()).isEqualTo(3));

            assertThat(silo.control()
                            .query("SELECT DISTINCT cluster_id FROM tenant_databases", row -> row.getString(1)))
                    .containsExactly("primary");
            assertThat(silo.control()
                            .query(
                                    "SELECT count(*) FROM jobs WHERE kind = 'organization.move' AND state = 'succeeded'",
                                    row -> row.getLong(1)))
                    .containsExactly(3L);
            for (TestTenants.TestTenant tenant : tenants) {
                assertThat(tenant.client()
                                .get("/api/data/billing/invoices/_count")
                                .json()
                                .path("count")
                                .asLong())
                        .isEqualTo(1);
            }
            JsonNode secondary = java.util.stream.StreamSupport.stream(
                            admin.get("/api/admin/clusters")
                                    .json()
                                    .path("clusters")
                                    .spliterator(),
                            false)
                    .filter(cluster -> cluster.path("id").asString().equals("secondary"))
                    .findFirst()
                    .orElseThrow();
            assertThat(secondary.path("status").asString()).isEqualTo("draining");
            assertThat(TestTenants.create(silo.client(), "Placed After", List.of("billing"))
                            .organization()
                            .path("databases")
                            .path(0)
                            .path("cluster")
                            .asString())
                    .isEqualTo("primary");

            silo.control().update("UPDATE tenant_moves SET drop_after = now()");
            assertThat(silo.silo().application().moves().dropExpired()).isEqualTo(3);
            assertThat(admin.delete("/api/admin/clusters/secondary").status()).isEqualTo(204);
        }
    }
}
