package io.silo.http.data;

import static io.silo.http.data.Invoices.invoice;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.app.SiloOptions;
import io.silo.config.SiloConfig;
import io.silo.testing.Eventually;
import io.silo.testing.FaultProxy;
import io.silo.testing.SiloClient;
import io.silo.testing.TestPostgres;
import io.silo.testing.TestSilo;
import io.silo.testing.TestTenants;
import io.silo.testing.TestTenants.TestTenant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A cluster that dies, seen through a fault proxy between Silo and its server: its tenants get
 * 503 {@code cluster-unavailable} (never a 500), the other cluster's tenants are served all along,
 * and its tenants are served again once it is back, without a restart.
 */
class ClusterFaultTest {

    @Test
    void aClusterThatDiesAnswers503WhileTheOtherServesAndComesBackByItself() {
        try (FaultProxy proxy = FaultProxy.to(TestPostgres.secondary().port());
                TestSilo silo = siloWithSecondaryBehind(proxy)) {
            SiloClient anonymous = silo.client();
            TestTenant far =
                    TestTenants.create(anonymous, "Far Fault Co", List.of("billing"), Map.of("cluster", "secondary"));
            TestTenant near =
                    TestTenants.create(anonymous, "Near Fault Co", List.of("billing"), Map.of("cluster", "primary"));
            String farInvoice = created(far.client());
            String nearInvoice = created(near.client());

            proxy.mode(FaultProxy.Mode.REFUSE);
            proxy.resetAll(); // the server is gone: its pooled connections break, new ones are refused

            List<Long> millis = new ArrayList<>();
            for (int request = 0; request < 20; request++) {
                long start = System.nanoTime();
                SiloClient.Response read = far.client().get(farInvoice);
                millis.add((System.nanoTime() - start) / 1_000_000);
                assertThat(read.status())
                        .as("request %d: %s", request, read.text())
                        .isEqualTo(503);
                assertThat(read.problemType()).isEqualTo("cluster-unavailable");
                assertThat(read.header("Retry-After")).isPresent();
                assertThat(near.client().get(nearInvoice).status())
                        .as("the other cluster's tenant")
                        .isEqualTo(200);
            }
            System.out.println("ClusterFaultTest: ms to each 503 while the cluster is down: " + millis);

            proxy.mode(FaultProxy.Mode.PASS);
            long back = System.nanoTime();
            Eventually.until(
                    "the tenant is served again",
                    () -> far.client().get(farInvoice).status() == 200);
            System.out.println("ClusterFaultTest: served again " + (System.nanoTime() - back) / 1_000_000
                    + " ms after the cluster came back");
        }
    }

    @Test
    void aClusterThatHangsCostsOneTimeoutThenFailsFast() {
        try (FaultProxy proxy = FaultProxy.to(TestPostgres.secondary().port());
                TestSilo silo = siloWithSecondaryBehind(proxy)) {
            TestTenant far = TestTenants.create(
                    silo.client(), "Hung Fault Co", List.of("billing"), Map.of("cluster", "secondary"));
            String farInvoice = created(far.client());

            proxy.mode(FaultProxy.Mode.BLACKHOLE);
            proxy.resetAll(); // open connections break; new ones connect, and nothing ever answers

            List<Long> millis = new ArrayList<>();
            for (int request = 0; request < 10; request++) {
                long start = System.nanoTime();
                SiloClient.Response read = far.client().get(farInvoice);
                millis.add((System.nanoTime() - start) / 1_000_000);
                assertThat(read.status())
                        .as("request %d: %s", request, read.text())
                        .isEqualTo(503);
                assertThat(read.problemType()).isEqualTo("cluster-unavailable");
            }
            System.out.println("ClusterFaultTest: ms to each 503 while the cluster hangs: " + millis);

            proxy.mode(FaultProxy.Mode.PASS);
            Eventually.until(
                    "the tenant is served again",
                    () -> far.client().get(farInvoice).status() == 200);
        }
    }

    /** A fresh Silo on both servers, reset, whose cluster {@code secondary} is reached through {@code proxy}. */
    private static TestSilo siloWithSecondaryBehind(FaultProxy proxy) {
        TestPostgres server = TestPostgres.secondary();
        TestPostgres.primary().reset();
        server.reset();
        SiloConfig config = TestSilo.config(1, Map.of());
        return TestSilo.resume(
                config.withClusters(List.of(new SiloConfig.Cluster(
                        "secondary",
                        "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/postgres",
                        server.user(),
                        server.password(),
                        Map.of("zone", "b"),
                        5000,
                        config.pools().defaultBudget()))),
                SiloOptions.server());
    }

    private static String created(SiloClient member) {
        SiloClient.Response created = member.post("/api/data/billing/invoices", invoice("F-1", "Ada", "draft", 10));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return "/api/data/billing/invoices/" + created.json().path("_id").asString();
    }
}
