package io.silo.http.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.app.SiloOptions;
import io.silo.testing.Eventually;
import io.silo.testing.SiloClient;
import io.silo.testing.TestSilo;
import io.silo.testing.TestTenants;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A platform administrator removes a cluster ({@code DELETE /api/admin/clusters/{id}}): refused with
 * 409 {@code cluster-in-use} while it holds a tenant database, an old copy of an organization that
 * moved away, the control database, or is the only cluster; once emptied it is removed on every
 * instance, audited, and placement goes on without it.
 */
class ClusterRemovalTest {

    @Test
    void aClusterIsRemovedOnlyOnceNothingOfATenantIsLeftOnIt() {
        try (TestSilo first = TestSilo.start(2, Map.of());
                TestSilo second = TestSilo.resume(first.config(), SiloOptions.server())) {
            SiloClient admin = first.client().asAdmin();
            TestTenants.TestTenant tenant =
                    TestTenants.create(first.client(), "Leaving", List.of("billing"), Map.of("cluster", "secondary"));

            SiloClient.Response holding = admin.delete("/api/admin/clusters/secondary");
            assertThat(holding.status()).isEqualTo(409);
            assertThat(holding.problemType()).isEqualTo("cluster-in-use");
            assertThat(holding.json().path("databases").asLong()).isEqualTo(2);
            assertThat(admin.delete("/api/admin/clusters/primary").problemType())
                    .isEqualTo("cluster-in-use");

            String job = admin.post("/api/admin/organizations/" + tenant.slug() + "/move", Map.of("cluster", "primary"))
                    .json()
                    .path("id")
                    .asString();
            JsonNode moved = Eventually.get(
                    Duration.ofSeconds(120),
                    () -> admin.get("/api/admin/jobs/" + job).json(),
                    body -> body.path("state").asString().matches("succeeded|failed|cancelled"));
            assertThat(moved.path("state").asString()).as(moved.toString()).isEqualTo("succeeded");
            // the old copies are kept for their grace: the cluster still holds them
            assertThat(admin.delete("/api/admin/clusters/secondary")
                            .json()
                            .path("databases")
                            .asLong())
                    .isEqualTo(2);

            first.control().update("UPDATE tenant_moves SET drop_after = now()");
            assertThat(first.silo().application().moves().dropExpired()).isEqualTo(1);
            assertThat(second.client()
                            .asAdmin()
                            .delete("/api/admin/clusters/secondary")
                            .status())
                    .isEqualTo(204);

            for (TestSilo instance : List.of(first, second)) {
                JsonNode clusters = instance.client()
                        .asAdmin()
                        .get("/api/admin/clusters")
                        .json()
                        .path("clusters");
                assertThat(clusters.size()).isEqualTo(1);
                assertThat(clusterOf(TestTenants.create(
                                instance.client(),
                                "After " + clusters.size() + instance.uri().getPort(),
                                List.of("billing"))))
                        .isEqualTo("primary");
            }
            assertThat(tenant.client().get("/api/data/billing/invoices/_count").status())
                    .isEqualTo(200);
            assertThat(admin.delete("/api/admin/clusters/primary")
                            .json()
                            .path("detail")
                            .asString())
                    .contains("control database");
            assertThat(admin.delete("/api/admin/clusters/secondary").status()).isEqualTo(404);
            assertThat(first.control()
                            .query(
                                    "SELECT actor_kind FROM audit_log WHERE action = 'cluster.remove' AND target_id = 'secondary'",
                                    row -> row.getString(1)))
                    .containsExactly("admin");
        }
    }

    @Test
    void onlyPlatformAdministratorsRemoveClusters() {
        try (TestSilo silo = TestSilo.start(2, Map.of())) {
            TestTenants.TestTenant tenant = TestTenants.create(silo.client(), "Not Ops", List.of("billing"));
            assertThat(silo.client().delete("/api/admin/clusters/secondary").status())
                    .isEqualTo(401);
            SiloClient.Response member = tenant.client().delete("/api/admin/clusters/secondary");
            assertThat(member.status()).isEqualTo(403);
            assertThat(member.problemType()).isEqualTo("platform-admin-required");
            assertThat(silo.client()
                            .asAdmin()
                            .get("/api/admin/clusters")
                            .json()
                            .path("clusters")
                            .size())
                    .isEqualTo(2);
        }
    }

    private static String clusterOf(TestTenants.TestTenant tenant) {
        return tenant.organization().path("databases").path(0).path("cluster").asString();
    }
}
