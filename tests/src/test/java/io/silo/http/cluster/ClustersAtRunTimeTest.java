package io.silo.http.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.app.SiloOptions;
import io.silo.testing.SiloClient;
import io.silo.testing.TestSilo;
import io.silo.testing.TestTenants;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A platform administrator takes a cluster out of placement and relabels it at run time ({@code
 * PATCH /api/admin/clusters/{id}}): the change is in the control database, so a second instance
 * places by it at once and a restart with the configuration file's labels keeps it; each change is
 * audited; nobody else may make it, and bad input is a 400 problem.
 */
class ClustersAtRunTimeTest {

    @Test
    void aClusterAcceptingNoTenantsGetsNoNewOrganizationOnAnyInstanceWhileTheOtherDoes() {
        try (TestSilo first = TestSilo.start(2, Map.of());
                TestSilo second = TestSilo.resume(first.config(), SiloOptions.server())) {
            SiloClient admin = first.client().asAdmin();
            SiloClient.Response drained = admin.patch("/api/admin/clusters/primary", Map.of("acceptingTenants", false));
            assertThat(drained.status()).isEqualTo(200);
            assertThat(drained.json().path("status").asString()).isEqualTo("draining");
            assertThat(drained.json().path("acceptingTenants").asBoolean()).isFalse();

            // placed through the other instance: it reads the change from the control database, no restart
            for (int index = 0; index < 3; index++) {
                assertThat(clusterOf(TestTenants.create(second.client(), "Drained " + index, List.of("billing"))
                                .organization()))
                        .isEqualTo("secondary");
            }
            SiloClient.Response named = second.client()
                    .asAdmin()
                    .post("/api/organizations", organization("Insists", Map.of("cluster", "primary")));
            assertThat(named.status()).isEqualTo(409);
            assertThat(named.problemType()).isEqualTo("cluster-not-accepting");
            assertThat(named.json().path("detail").asString()).contains("primary");

            assertThat(admin.patch("/api/admin/clusters/primary", Map.of("acceptingTenants", true))
                            .json()
                            .path("status")
                            .asString())
                    .isEqualTo("active");
            assertThat(clusterOf(TestTenants.create(
                                    second.client(), "Back", List.of("billing"), Map.of("cluster", "primary"))
                            .organization()))
                    .isEqualTo("primary");
            // the least loaded again: primary holds one organization, secondary three
            assertThat(clusterOf(TestTenants.create(second.client(), "Least loaded", List.of("billing"))
                            .organization()))
                    .isEqualTo("primary");

            assertThat(first.control()
                            .query(
                                    "SELECT details->>'acceptingTenants' FROM audit_log WHERE action = 'cluster.update'"
                                            + " AND target_id = 'primary' ORDER BY id",
                                    row -> row.getString(1)))
                    .containsExactly("false", "true");
        }
    }

    @Test
    void relabellingChangesWhereALabelMatchedOrganizationGoesAndOutlivesARestart() {
        try (TestSilo silo = TestSilo.start(2, Map.of())) {
            SiloClient admin = silo.client().asAdmin();
            Map<String, Object> zoneC = Map.of("labels", Map.of("zone", "c"));
            SiloClient.Response none = admin.post("/api/organizations", organization("Nowhere yet", zoneC));
            assertThat(none.problemType()).isEqualTo("no-cluster-available");

            SiloClient.Response relabelled =
                    admin.patch("/api/admin/clusters/primary", Map.of("labels", Map.of("zone", "c", "tier", "gold")));
            assertThat(relabelled.status()).isEqualTo(200);
            assertThat(relabelled.json().path("labels").path("zone").asString()).isEqualTo("c");
            assertThat(clusterOf(TestTenants.create(silo.client(), "Zone C", List.of("billing"), zoneC)
                            .organization()))
                    .isEqualTo("primary");
            // secondary is labelled zone=b by the configuration, and taking it away moves zone-b organizations off it
            assertThat(admin.patch("/api/admin/clusters/secondary", Map.of("labels", Map.of()))
                            .status())
                    .isEqualTo(200);
            assertThat(admin.post("/api/organizations", organization("Zone B", Map.of("labels", Map.of("zone", "b"))))
                            .problemType())
                    .isEqualTo("no-cluster-available");

            // the file still says zone=b for secondary and nothing for primary: the database's labels win
            silo.restart();
            JsonNode clusters =
                    silo.client().asAdmin().get("/api/admin/clusters").json().path("clusters");
            assertThat(cluster(clusters, "primary").path("labels").path("tier").asString())
                    .isEqualTo("gold");
            assertThat(cluster(clusters, "secondary").path("labels").isEmpty()).isTrue();
            assertThat(silo.control()
                            .query(
                                    "SELECT details->'labelsBefore'->>'zone' FROM audit_log"
                                            + " WHERE action = 'cluster.update' AND target_id = 'secondary'",
                                    row -> row.getString(1)))
                    .containsExactly("b");
        }
    }

    /**
     * A lower capacity keeps new organizations off a cluster at once; a new connection budget is taken
     * up by every instance's pools (announced on silo_clusters), and both outlive a restart although
     * the configuration file says otherwise.
     */
    @Test
    void aNewCapacityAndConnectionBudgetTakeEffectOnEveryInstanceAndOutliveARestart() {
        try (TestSilo first = TestSilo.start(1, Map.of());
                TestSilo second = TestSilo.resume(first.config(), SiloOptions.server())) {
            SiloClient admin = first.client().asAdmin();
            TestTenants.TestTenant tenant = TestTenants.create(first.client(), "Budgeted", List.of("billing"));
            assertThat(tenant.client().get("/api/health/tenant").status()).isEqualTo(200);
            int before = cluster(admin.get("/api/admin/clusters").json().path("clusters"), "primary")
                    .path("connectionBudget")
                    .asInt();
            long placed = first.control()
                    .queryOne(
                            "SELECT count(*) FROM tenant_databases WHERE cluster_id = 'primary'", row -> row.getLong(1))
                    .orElseThrow();

            SiloClient.Response changed = admin.patch(
                    "/api/admin/clusters/primary", Map.of("capacity", (int) placed, "connectionBudget", before + 7));
            assertThat(changed.status()).as(changed.text()).isEqualTo(200);
            assertThat(changed.json().path("capacity").asInt()).isEqualTo((int) placed);
            assertThat(changed.json().path("connectionBudget").asInt()).isEqualTo(before + 7);

            SiloClient.Response full = second.client()
                    .asAdmin()
                    .post("/api/organizations", organization("No Room", Map.of("cluster", "primary")));
            assertThat(full.status()).isEqualTo(409);
            assertThat(full.problemType()).isEqualTo("cluster-full");
            // the other instance's pools take the new budget up at their next connection there
            SiloClient member =
                    TestTenants.signIn(second.client(), tenant.slug(), tenant.adminEmail(), TestTenants.PASSWORD);
            assertThat(io.silo.testing.Eventually.get(
                            java.time.Duration.ofSeconds(30),
                            () -> {
                                member.get("/api/health/tenant");
                                return budget(second.client().asAdmin());
                            },
                            budget -> budget == before + 7))
                    .isEqualTo(before + 7);

            first.restart();
            JsonNode primary = cluster(
                    first.client().asAdmin().get("/api/admin/clusters").json().path("clusters"), "primary");
            assertThat(primary.path("capacity").asInt()).isEqualTo((int) placed);
            assertThat(primary.path("connectionBudget").asInt()).isEqualTo(before + 7);
            assertThat(first.control()
                            .query(
                                    "SELECT details->>'connectionBudgetBefore' FROM audit_log"
                                            + " WHERE action = 'cluster.update' AND target_id = 'primary'",
                                    row -> row.getString(1)))
                    .containsExactly(String.valueOf(before));
        }
    }

    private static int budget(SiloClient admin) {
        for (JsonNode pool : admin.get("/api/admin/pools").json().path("clusters")) {
            if (pool.path("cluster").asString().equals("primary")) {
                return pool.path("budget").asInt();
            }
        }
        return -1;
    }

    @Test
    void onlyPlatformAdministratorsChangeClustersAndBadInputIsA400Problem() {
        try (TestSilo silo = TestSilo.start(1, Map.of())) {
            SiloClient anonymous = silo.client();
            SiloClient admin = anonymous.asAdmin();
            TestTenants.TestTenant tenant = TestTenants.create(anonymous, "Not Ops", List.of("billing"));
            Map<String, Object> drain = Map.of("acceptingTenants", false);

            assertThat(anonymous.patch("/api/admin/clusters/primary", drain).status())
                    .isEqualTo(401);
            SiloClient.Response member = tenant.client().patch("/api/admin/clusters/primary", drain);
            assertThat(member.status()).isEqualTo(403);
            assertThat(member.problemType()).isEqualTo("platform-admin-required");
            assertThat(admin.patch("/api/admin/clusters/nowhere", drain).problemType())
                    .isEqualTo("cluster-not-found");

            assertThat(problem(admin, "[]")).isEqualTo("invalid-patch");
            assertThat(problem(admin, "{}")).isEqualTo("invalid-patch");
            assertThat(problem(admin, "{\"status\": \"disabled\"}")).isEqualTo("unknown-field");
            assertThat(problem(admin, "{\"acceptingTenants\": \"no\"}")).isEqualTo("invalid-json");
            assertThat(problem(admin, "{\"acceptingTenants\": null}")).isEqualTo("invalid-json");
            assertThat(problem(admin, "{\"labels\": [\"zone\"]}")).isEqualTo("invalid-labels");
            assertThat(problem(admin, "{\"capacity\": 0}")).isEqualTo("invalid-cluster");
            assertThat(problem(admin, "{\"connectionBudget\": 1}")).isEqualTo("invalid-cluster");
            assertThat(problem(admin, "{\"connectionBudget\": \"many\"}")).isEqualTo("invalid-json");
            assertThat(problem(admin, "{\"labels\": {\"zone\": 3}}")).isEqualTo("invalid-labels");
            assertThat(problem(admin, "{\"labels\": {\"bad key\": \"x\"}}")).isEqualTo("invalid-labels");
            assertThat(problem(admin, "{\"labels\": {\"zone\": \"" + "x".repeat(201) + "\"}}"))
                    .isEqualTo("invalid-labels");
            assertThat(problem(
                            admin,
                            "{\"acceptingTenants\": false, \"labels\": {\"'; DROP TABLE clusters; --\": \"x\"}}"))
                    .isEqualTo("invalid-labels");

            JsonNode primary = cluster(admin.get("/api/admin/clusters").json().path("clusters"), "primary");
            assertThat(primary.path("status").asString())
                    .as("nothing half-written")
                    .isEqualTo("active");
            assertThat(silo.control()
                            .query(
                                    "SELECT count(*) FROM audit_log WHERE action = 'cluster.update'",
                                    row -> row.getLong(1)))
                    .containsExactly(0L);
        }
    }

    private static String problem(SiloClient admin, String json) {
        SiloClient.Response response = admin.send(
                "PATCH",
                "/api/admin/clusters/primary",
                java.util.Optional.<Object>of(json),
                Map.of("Content-Type", "application/json"));
        assertThat(response.status()).as(json).isEqualTo(400);
        return response.problemType();
    }

    private static Map<String, Object> organization(String name, Map<String, Object> placement) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of(
                "name",
                name,
                "services",
                List.of("billing"),
                "admin",
                Map.of(
                        "email",
                        "admin@" + name.replace(" ", "").toLowerCase(java.util.Locale.ROOT) + ".example",
                        "name",
                        "Admin",
                        "password",
                        TestTenants.PASSWORD)));
        body.putAll(placement);
        return body;
    }

    private static String clusterOf(JsonNode organization) {
        return organization.path("databases").path(0).path("cluster").asString();
    }

    private static JsonNode cluster(JsonNode clusters, String id) {
        for (JsonNode cluster : clusters) {
            if (cluster.path("id").asString().equals(id)) {
                return cluster;
            }
        }
        throw new AssertionError("no cluster " + id + " in " + clusters);
    }
}
