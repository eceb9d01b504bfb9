package io.silo.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
import org.junit.jupiter.api.Test;

@SiloTest(clusters = 2)
class HealthTest {

    @Test
    void healthReportsControlDatabaseAndEveryClusterToPlatformAdministrators(SiloClient client) {
        SiloClient.Response response = client.asAdmin().get("/api/health");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().path("status").asString()).isEqualTo("ready");
        assertThat(response.json().path("controlDatabase").path("reachable").asBoolean())
                .isTrue();
        assertThat(response.json().path("clusters").findValuesAsString("id")).containsExactly("primary", "secondary");
        assertThat(response.json().path("clusters").findValues("reachable")).allMatch(node -> node.asBoolean());
    }

    /** A load balancer learns whether Silo is ready; which clusters it has and how fast they answer is not its business (issue 15). */
    @Test
    void anyoneElseLearnsOnlyWhetherSiloIsReady(SiloClient client) {
        SiloClient.Response response = client.get("/api/health");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().propertyNames()).containsExactly("status", "checkedAt");
        assertThat(response.json().path("status").asString()).isEqualTo("ready");
        assertThat(response.text()).doesNotContain("primary", "secondary", "latencyMs");
    }

    @Test
    void clusterListNeedsPlatformAdministrator(SiloClient client) {
        assertThat(client.get("/api/admin/clusters").status()).isEqualTo(401);

        SiloClient.Response response = client.asAdmin().get("/api/admin/clusters");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().path("clusters").findValuesAsString("id")).containsExactly("primary", "secondary");
        assertThat(response.text()).doesNotContain("password");
    }

    @Test
    void clusterHealthProbesEachCluster(SiloClient client) {
        SiloClient.Response response = client.asAdmin().get("/api/admin/clusters/health");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().path("clusters")).hasSize(2);
        assertThat(response.json().path("clusters").findValues("latencyMs")).allMatch(node -> node.asLong() >= 0);
    }
}
