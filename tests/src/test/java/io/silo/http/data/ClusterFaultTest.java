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
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A cluster that dies or hangs, seen through a fault proxy between Silo and its server: its tenants
 * get 503 {@code cluster-unavailable} (never a 500), after the first without their requests trying
 * the server; the other cluster's tenants are served all along; its tenants are served again once it
 * is back, without a restart. A write whose connection breaks in flight is reported as
 * {@code write-outcome-unknown}, never as done.
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

            List<Long> millis = millisToEach503(
                    far.client(),
                    farInvoice,
                    20,
                    () -> assertThat(near.client().get(nearInvoice).status())
                            .as("the other cluster's tenant")
                            .isEqualTo(200));
            System.out.println("ClusterFaultTest: ms to each 503 while the cluster is down: " + millis);
            assertThat(rejected(silo, "secondary"))
                    .as("after the first, refused without trying the server")
                    .isGreaterThanOrEqualTo(19);

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

            List<Long> millis = millisToEach503(far.client(), farInvoice, 10, () -> {});
            System.out.println("ClusterFaultTest: ms to each 503 while the cluster hangs: " + millis);
            assertThat(rejected(silo, "secondary"))
                    .as("one request waited for the connect timeout; the others were refused without trying")
                    .isGreaterThanOrEqualTo(9);

            proxy.mode(FaultProxy.Mode.PASS);
            Eventually.until(
                    "the tenant is served again",
                    () -> far.client().get(farInvoice).status() == 200);
        }
    }

    @Test
    void aWriteWhoseConnectionBreaksInFlightIsReportedAsUnknownNeverAsDoneNorRetried() throws Exception {
        try (FaultProxy proxy = FaultProxy.to(TestPostgres.secondary().port());
                TestSilo silo = siloWithSecondaryBehind(proxy)) {
            TestTenant far = TestTenants.create(
                    silo.client(), "Broken Write Co", List.of("billing"), Map.of("cluster", "secondary"));
            created(far.client()); // the pool holds a connection now: the write below needs no login

            AtomicReference<SiloClient.Response> written = new AtomicReference<>();
            proxy.latency(Duration.ofMillis(300)); // the statement, then its answer, each wait 300 ms in the proxy
            var write = Thread.ofVirtual()
                    .start(() -> written.set(
                            far.client().post("/api/data/billing/invoices", invoice("W-1", "Ada", "draft", 10))));
            Thread.sleep(450); // the statement has reached the server, its answer has not come back
            proxy.resetAll();
            proxy.latency(Duration.ZERO);
            write.join();

            SiloClient.Response response = written.get();
            assertThat(response.status()).as(response.text()).isEqualTo(503);
            assertThat(response.problemType()).isEqualTo("write-outcome-unknown");
            assertThat(response.header("Retry-After"))
                    .as("safe to retry only with an idempotency key, so no invitation to")
                    .isEmpty();
            long copies = far.client()
                    .get("/api/data/billing/invoices?filter=" + encode("{\"number\":\"W-1\"}"))
                    .json()
                    .path("items")
                    .size();
            System.out.println("ClusterFaultTest: the write whose connection broke was applied " + copies + " time(s)");
            assertThat(copies)
                    .as("never applied twice: not retried behind the client's back")
                    .isLessThanOrEqualTo(1);
            assertThat(far.client()
                            .post("/api/data/billing/invoices", invoice("W-2", "Ada", "draft", 10))
                            .status())
                    .as("the next write gets a fresh connection")
                    .isEqualTo(201);
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /**
     * Reads {@code path} {@code requests} times, each answered 503 {@code cluster-unavailable} with
     * {@code Retry-After}, running {@code between} after each; the milliseconds each answer took.
     */
    private static List<Long> millisToEach503(SiloClient member, String path, int requests, Runnable between) {
        List<Long> millis = new ArrayList<>();
        for (int request = 0; request < requests; request++) {
            long start = System.nanoTime();
            SiloClient.Response read = member.get(path);
            millis.add((System.nanoTime() - start) / 1_000_000);
            assertThat(read.status()).as("request %d: %s", request, read.text()).isEqualTo(503);
            assertThat(read.problemType()).isEqualTo("cluster-unavailable");
            assertThat(read.header("Retry-After")).isPresent();
            assertThat(read.json().path("detail").asString())
                    .as("no cluster, database, role, host or driver text: the request id finds them in the log")
                    .isEqualTo("the database server of this organization does not answer; retry shortly (request id "
                            + read.json().path("requestId").asString() + ")");
            between.run();
        }
        return millis;
    }

    /** Requests for the cluster's tenants refused without trying its server, as {@code GET /api/admin/pools} counts them. */
    private static long rejected(TestSilo silo, String cluster) {
        for (var stats : silo.client().asAdmin().get("/api/admin/pools").json().path("clusters")) {
            if (stats.path("cluster").asString().equals(cluster)) {
                return stats.path("rejected").asLong();
            }
        }
        throw new AssertionError("no pools of cluster " + cluster);
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
