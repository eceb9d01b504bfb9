package io.silo.http.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
import org.junit.jupiter.api.Test;

@SiloTest
class MetricsTest {

    @Test
    void metricsExposeHttpLatencyByRouteTemplateAndJvm(SiloClient client) {
        client.get("/api/health");
        client.get("/api/nothing-here/123");

        SiloClient.Response response = client.get("/metrics");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.text())
                .contains("http_server_requests_seconds_bucket{method=\"GET\",route=\"/api/health\",status=\"200\"")
                .contains("route=\"unmatched\"")
                .doesNotContain("/api/nothing-here/123")
                .contains("jvm_memory_used_bytes")
                .contains("jvm_threads_live_threads");
    }
}
