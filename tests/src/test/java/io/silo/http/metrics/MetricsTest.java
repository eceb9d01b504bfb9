package io.silo.http.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.testing.SiloClient;
import io.silo.testing.TestSilo;
import io.silo.testing.TestTenants;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /metrics} is for the operator (issue 15, L3 of the security review): a scraper with the
 * configured {@code metrics.token}, or a platform administrator; nobody else.
 */
class MetricsTest {
    private static final String SCRAPE_TOKEN = "scrape-token-of-the-metrics-test-0123456789";
    private static TestSilo silo;

    @BeforeAll
    static void start() {
        silo = TestSilo.start(1, Map.of("SILO_METRICS_TOKEN", SCRAPE_TOKEN));
    }

    @AfterAll
    static void stop() {
        silo.close();
    }

    @Test
    void metricsExposeHttpLatencyByRouteTemplateAndJvm() {
        SiloClient anonymous = silo.client();
        anonymous.get("/api/health");
        anonymous.get("/api/nothing-here/123");

        SiloClient.Response response = anonymous.as(SCRAPE_TOKEN).get("/metrics");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.text())
                .contains("http_server_requests_seconds_bucket{method=\"GET\",route=\"/api/health\",status=\"200\"")
                .contains("route=\"unmatched\"")
                .doesNotContain("/api/nothing-here/123")
                .contains("jvm_memory_used_bytes")
                .contains("jvm_threads_live_threads");
    }

    @Test
    void onlyTheScraperAndPlatformAdministratorsReadThem() {
        SiloClient anonymous = silo.client();
        SiloClient member =
                TestTenants.create(anonymous, "Metrics Co", List.of("billing")).client();

        assertThat(anonymous.get("/metrics").problemType()).isEqualTo("missing-token");
        assertThat(anonymous.as(SCRAPE_TOKEN + "x").get("/metrics").problemType())
                .as("a near miss is no token at all")
                .isEqualTo("invalid-token");
        assertThat(anonymous.as(SCRAPE_TOKEN.substring(1)).get("/metrics").status())
                .isEqualTo(401);
        assertThat(member.get("/metrics").problemType()).isEqualTo("platform-admin-required");
        assertThat(anonymous.asAdmin().get("/metrics").status()).isEqualTo(200);
        assertThat(anonymous.as(SCRAPE_TOKEN).get("/metrics").text())
                .as("the token is nowhere in what it unlocks")
                .doesNotContain(SCRAPE_TOKEN);
    }
}
