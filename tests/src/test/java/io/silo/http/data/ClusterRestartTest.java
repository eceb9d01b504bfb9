package io.silo.http.data;

import static io.silo.http.data.Invoices.invoice;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.app.SiloOptions;
import io.silo.testing.Eventually;
import io.silo.testing.SiloClient;
import io.silo.testing.TestPostgres;
import io.silo.testing.TestSilo;
import io.silo.testing.TestTenants;
import io.silo.testing.TestTenants.TestTenant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The PostgreSQL server of a cluster restarted ({@code pg_ctl restart}, fast and immediate) while
 * its tenants write and read: no request answers 500, every write acknowledged with a 201 is there
 * afterwards, the tenants are served again without anything restarted in Silo, and the pools
 * refill with a bounded number of logins.
 */
class ClusterRestartTest {
    private static final int TENANTS = 4;
    private static final int WRITERS_PER_TENANT = 2;

    /**
     * What a request may honestly be told while the server restarts. Writes that hold their connection
     * for a transaction (billing numbers its invoices since version 2) can fill the cluster's budget
     * while the server is away, and the requests behind them are refused at once rather than queued.
     */
    private static final Set<String> HONEST_503S = Set.of(
            "cluster-unavailable", "write-outcome-unknown", "database-unavailable", "connection-budget-exhausted");

    @ParameterizedTest
    @EnumSource(TestPostgres.Shutdown.class)
    void aRestartUnderLoadLosesNoAcknowledgedWriteAndAnswersNo500(TestPostgres.Shutdown how) throws Exception {
        TestPostgres server = TestPostgres.secondary();
        // the test servers trade durability for speed; a crash loses commits unless they wait for the log
        server.admin().update("ALTER ROLE ALL SET synchronous_commit = on");
        try (TestSilo silo = TestSilo.start(2, Map.of(), SiloOptions.server())) {
            List<TestTenant> tenants = new ArrayList<>();
            for (int index = 0; index < TENANTS; index++) {
                tenants.add(TestTenants.create(
                        silo.client(),
                        "Restart " + how + " " + index,
                        List.of("billing"),
                        Map.of("cluster", "secondary")));
            }
            Load load = new Load(tenants);
            load.start();
            Eventually.until("the load is under way", () -> load.acknowledged() >= 100);

            long loginsBefore = logins(silo);
            long start = System.nanoTime();
            server.restart(how);
            long restartedMillis = (System.nanoTime() - start) / 1_000_000;
            long ackedAtRestart = load.acknowledged();
            long back = System.nanoTime();
            Eventually.until("writes are acknowledged again", () -> load.acknowledged() >= ackedAtRestart + 100);
            long servedAgainMillis = (System.nanoTime() - back) / 1_000_000;
            load.stop();
            long logins = logins(silo) - loginsBefore;

            System.out.println("ClusterRestartTest " + how + ": pg_ctl restart took " + restartedMillis
                    + " ms; 100 more writes acknowledged " + servedAgainMillis + " ms after it returned; statuses "
                    + load.statuses + "; 503 types " + load.problems + "; logins to refill " + logins);
            assertThat(load.statuses)
                    .as("no 500, nothing but success or an honest 503")
                    .containsOnlyKeys(200, 201, 503);
            assertThat(load.problems.keySet()).isSubsetOf(HONEST_503S);
            long lost = 0;
            for (TestTenant tenant : tenants) {
                Set<String> missing = new HashSet<>(load.acknowledged.get(tenant.slug()));
                missing.removeAll(stored(tenant.client()));
                lost += missing.size();
                assertThat(missing)
                        .as("acknowledged writes of %s that are not there", tenant.slug())
                        .isEmpty();
            }
            System.out.println("ClusterRestartTest " + how + ": " + load.acknowledged() + " writes acknowledged, "
                    + lost + " lost");
            assertThat(logins)
                    .as("each pool logs in again for the connections it needs, not in a loop")
                    .isLessThanOrEqualTo((long) TENANTS * silo.config().pools().maxPerDatabase() * 2);
        } finally {
            server.admin().update("ALTER ROLE ALL RESET synchronous_commit");
        }
    }

    /** Writers and a reader per tenant, each in a loop until stopped, counting what they were answered. */
    private static final class Load {
        private final List<TestTenant> tenants;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Thread> threads = new ArrayList<>();
        private final AtomicInteger numbers = new AtomicInteger();
        private final AtomicLong acks = new AtomicLong();
        final ConcurrentMap<String, Set<String>> acknowledged = new ConcurrentHashMap<>();
        final ConcurrentMap<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
        final ConcurrentMap<String, AtomicLong> problems = new ConcurrentHashMap<>();

        Load(List<TestTenant> tenants) {
            this.tenants = tenants;
        }

        void start() {
            for (TestTenant tenant : tenants) {
                acknowledged.put(tenant.slug(), ConcurrentHashMap.newKeySet());
                for (int writer = 0; writer < WRITERS_PER_TENANT; writer++) {
                    threads.add(Thread.ofVirtual().start(() -> write(tenant)));
                }
                threads.add(Thread.ofVirtual().start(() -> read(tenant)));
            }
        }

        private void write(TestTenant tenant) {
            while (running.get()) {
                String number = "R-" + numbers.incrementAndGet();
                SiloClient.Response response =
                        tenant.client().post("/api/data/billing/invoices", invoice(number, "Ada", "draft", 10));
                count(response);
                if (response.status() == 201) {
                    acknowledged.get(tenant.slug()).add(number);
                    acks.incrementAndGet();
                }
            }
        }

        private void read(TestTenant tenant) {
            while (running.get()) {
                count(tenant.client().get("/api/data/billing/invoices?limit=5"));
            }
        }

        private void count(SiloClient.Response response) {
            statuses.computeIfAbsent(response.status(), status -> new AtomicLong())
                    .incrementAndGet();
            if (response.status() == 503) {
                problems.computeIfAbsent(response.problemType(), type -> new AtomicLong())
                        .incrementAndGet();
            }
        }

        long acknowledged() {
            return acks.get();
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread thread : threads) {
                thread.join();
            }
        }
    }

    /** The numbers of every invoice of the tenant, page by page. */
    private static Set<String> stored(SiloClient member) {
        Set<String> numbers = new HashSet<>();
        String cursor = "";
        do {
            SiloClient.Response page = member.get("/api/data/billing/invoices?limit=500&fields=number"
                    + (cursor.isEmpty() ? "" : "&cursor=" + cursor));
            assertThat(page.status()).as(page.text()).isEqualTo(200);
            page.json()
                    .path("items")
                    .forEach(item -> numbers.add(item.path("number").asString()));
            cursor = page.json().path("nextCursor").isNull()
                    ? ""
                    : page.json().path("nextCursor").asString();
        } while (!cursor.isEmpty());
        return numbers;
    }

    private static long logins(TestSilo silo) {
        for (var stats : silo.client().asAdmin().get("/api/admin/pools").json().path("clusters")) {
            if (stats.path("cluster").asString().equals("secondary")) {
                return stats.path("logins").asLong();
            }
        }
        return 0;
    }
}
