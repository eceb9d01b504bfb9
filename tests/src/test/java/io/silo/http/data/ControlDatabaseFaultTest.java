package io.silo.http.data;

import static io.silo.http.data.Invoices.invoice;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.app.SiloOptions;
import io.silo.config.SiloConfig;
import io.silo.postgres.placement.PlacementListener;
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
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The control database away, seen through a fault proxy between Silo and the server that holds it
 * (tenants live on the other server, reached directly): members with a cached placement and a valid
 * token keep reading and writing their own data; sign-in, refresh and the routes that need the
 * control database answer 503 {@code control-database-unavailable}, never a 500 and never a hang;
 * once it is back, without a restart, sign-in works again and the placement listener resynchronises,
 * so a change made while it was away takes effect.
 */
class ControlDatabaseFaultTest {
    private static final String INVOICES = "/api/data/billing/invoices";

    @Test
    void tenantsAreServedWhileTheControlDatabaseIsAwayAndAMissedChangeHoldsOnceItIsBack() {
        try (FaultProxy proxy = FaultProxy.to(TestPostgres.primary().port());
                TestSilo silo = siloWithControlBehind(proxy)) {
            SiloClient anonymous = silo.client();
            TestTenant tenant = TestTenants.create(
                    anonymous, "Away Control Co", List.of("billing"), Map.of("cluster", "secondary"));
            String refreshToken =
                    signIn(anonymous, tenant).json().path("refreshToken").asString();
            SiloClient admin = anonymous.asAdmin();
            String invoice = created(tenant.client(), "A-0");

            proxy.mode(FaultProxy.Mode.REFUSE);
            proxy.resetAll(); // the control server is gone: pooled and listening connections break

            List<Long> dataMillis = tenantTraffic(tenant.client(), invoice, 10);

            long signIn = millisTo503(() -> signIn(anonymous, tenant));
            long adminSignIn = millisTo503(() -> anonymous.post(
                    "/api/admin/auth/login",
                    Map.of("email", TestSilo.ADMIN_EMAIL, "password", TestSilo.ADMIN_PASSWORD)));
            long refresh = millisTo503(() -> anonymous.post("/api/auth/refresh", Map.of("refreshToken", refreshToken)));
            long organizations = millisTo503(() -> admin.get("/api/organizations"));
            long users = millisTo503(() -> tenant.client().get("/api/users"));
            assertThat(admin.get("/api/admin/pools").status())
                    .as("the pools' figures are in memory: served while the control database is away")
                    .isEqualTo(200);
            SiloClient.Response health = admin.get("/api/health");
            assertThat(health.status()).isEqualTo(503);
            assertThat(health.json().path("controlDatabase").path("reachable").asBoolean())
                    .isFalse();
            String metrics = admin.get("/metrics").text();
            assertThat(metrics).contains("silo_control_database_available 0.0");
            assertThat(metric(metrics, "silo_placement_last_known_total"))
                    .as("lookups answered with a last known placement")
                    .isGreaterThanOrEqualTo(30);
            System.out.println("ControlDatabaseFaultTest: refused: ms to each tenant read, write and patch while away "
                    + dataMillis + "; ms to 503: member sign-in " + signIn + ", admin sign-in " + adminSignIn
                    + ", refresh " + refresh + ", GET /api/organizations " + organizations + ", GET /api/users "
                    + users);

            // behind Silo's back: no notification can reach it while its listener is away
            TestPostgres.primary()
                    .jdbc("silo")
                    .update("UPDATE tenants SET status = 'suspended' WHERE id = ?::uuid", tenant.id());
            assertThat(tenant.client().get(invoice).status())
                    .as("while away, the cached placement is all Silo knows")
                    .isEqualTo(200);

            proxy.mode(FaultProxy.Mode.PASS);
            long back = System.nanoTime();
            Eventually.until(
                    "the platform administrator signs in again",
                    () -> anonymous
                                    .post(
                                            "/api/admin/auth/login",
                                            Map.of("email", TestSilo.ADMIN_EMAIL, "password", TestSilo.ADMIN_PASSWORD))
                                    .status()
                            == 200);
            long signInBack = (System.nanoTime() - back) / 1_000_000;
            Eventually.until("the missed suspension holds", () -> {
                SiloClient.Response read = tenant.client().get(invoice);
                return read.status() == 403 && read.problemType().equals("organization-suspended");
            });
            long suspended = (System.nanoTime() - back) / 1_000_000;
            Eventually.until("the placement listener listens again", () -> listening() == 1);
            long listening = (System.nanoTime() - back) / 1_000_000;
            assertThat(tenant.client().get(invoice).problemType())
                    .as("and with the listener back, from the cache it dropped and refilled")
                    .isEqualTo("organization-suspended");
            assertThat(admin.get("/metrics").text()).contains("silo_control_database_available 1.0");
            System.out.println("ControlDatabaseFaultTest: back: sign-in works after " + signInBack
                    + " ms, the suspension missed while away holds after " + suspended
                    + " ms, the listener listens again after " + listening + " ms");
        }
    }

    @Test
    void aHangingControlDatabaseCostsOneTimeoutThenSignInFailsFastAndTenantsAreServed() {
        try (FaultProxy proxy = FaultProxy.to(TestPostgres.primary().port());
                TestSilo silo = siloWithControlBehind(proxy)) {
            SiloClient anonymous = silo.client();
            TestTenant tenant = TestTenants.create(
                    anonymous, "Hung Control Co", List.of("billing"), Map.of("cluster", "secondary"));
            String invoice = created(tenant.client(), "H-0");

            proxy.mode(FaultProxy.Mode.BLACKHOLE);
            proxy.resetAll(); // open connections break; new ones connect, and nothing ever answers

            List<Long> dataMillis = tenantTraffic(tenant.client(), invoice, 10);
            List<Long> signIns = new ArrayList<>();
            for (int attempt = 0; attempt < 4; attempt++) {
                signIns.add(millisTo503(() -> signIn(anonymous, tenant)));
            }
            System.out.println("ControlDatabaseFaultTest: hanging: ms to each sign-in's 503 " + signIns
                    + "; ms to each tenant read, write and patch " + dataMillis);

            proxy.mode(FaultProxy.Mode.PASS);
            long back = System.nanoTime();
            Eventually.until(
                    "members sign in again", () -> signIn(anonymous, tenant).status() == 200);
            System.out.println("ControlDatabaseFaultTest: hanging: sign-in works "
                    + (System.nanoTime() - back) / 1_000_000 + " ms after the control database answers again");
        }
    }

    /** The sessions of placement listeners on the control database, seen by the server itself. */
    private static int listening() {
        return TestPostgres.primary()
                .admin()
                .queryOne(
                        "SELECT count(*)::int FROM pg_stat_activity WHERE application_name = ? AND datname = 'silo'",
                        row -> row.getInt(1),
                        PlacementListener.APPLICATION_NAME)
                .orElseThrow();
    }

    private static double metric(String scrape, String name) {
        return scrape.lines()
                .filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    /** Reads, inserts and patches {@code rounds} times each; every one must succeed. Returns their times. */
    private static List<Long> tenantTraffic(SiloClient member, String invoice, int rounds) {
        List<Long> millis = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            long start = System.nanoTime();
            SiloClient.Response read = member.get(invoice);
            millis.add((System.nanoTime() - start) / 1_000_000);
            assertThat(read.status()).as("read %d: %s", round, read.text()).isEqualTo(200);

            start = System.nanoTime();
            SiloClient.Response insert = member.post(INVOICES, invoice("W-" + round, "Ada", "draft", round + 1));
            millis.add((System.nanoTime() - start) / 1_000_000);
            assertThat(insert.status()).as("write %d: %s", round, insert.text()).isEqualTo(201);

            start = System.nanoTime();
            SiloClient.Response patch = member.patch(invoice, Map.of("total", round + 10));
            millis.add((System.nanoTime() - start) / 1_000_000);
            assertThat(patch.status()).as("patch %d: %s", round, patch.text()).isEqualTo(200);
        }
        return millis;
    }

    /** How long {@code request} took to be answered 503 {@code control-database-unavailable}, with a Retry-After. */
    private static long millisTo503(Supplier<SiloClient.Response> request) {
        long start = System.nanoTime();
        SiloClient.Response response = request.get();
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(response.status()).as(response.text()).isEqualTo(503);
        assertThat(response.problemType()).isEqualTo("control-database-unavailable");
        assertThat(response.header("Retry-After")).isPresent();
        return millis;
    }

    private static SiloClient.Response signIn(SiloClient anonymous, TestTenant tenant) {
        return anonymous.post(
                "/api/auth/login",
                Map.of("organization", tenant.slug(), "email", tenant.adminEmail(), "password", TestTenants.PASSWORD));
    }

    /**
     * A fresh Silo whose control database (and so its cluster {@code primary}) is reached through
     * {@code proxy}; its cluster {@code secondary}, where the tests put their tenants, directly.
     */
    private static TestSilo siloWithControlBehind(FaultProxy proxy) {
        TestPostgres.primary().reset();
        TestPostgres.secondary().reset();
        SiloConfig config = TestSilo.config(
                2, Map.of("SILO_DATABASE_URL", "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/silo"));
        return TestSilo.resume(config, SiloOptions.server());
    }

    private static String created(SiloClient member, String number) {
        SiloClient.Response created = member.post(INVOICES, invoice(number, "Ada", "draft", 10));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return INVOICES + "/" + created.json().path("_id").asString();
    }
}
