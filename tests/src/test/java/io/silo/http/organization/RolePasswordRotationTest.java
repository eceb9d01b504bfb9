package io.silo.http.organization;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.app.SiloOptions;
import io.silo.job.StepObserver;
import io.silo.postgres.provision.RolePasswordRotation;
import io.silo.testing.SiloClient;
import io.silo.testing.TestPostgres;
import io.silo.testing.TestSilo;
import io.silo.testing.TestTenants;
import io.silo.testing.TestTenants.TestTenant;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A tenant role's password rotated while its organization is used: not one request refused, the
 * old password refused by PostgreSQL afterwards, the new one sealed in the control database.
 */
class RolePasswordRotationTest {
    private static final String PRODUCTS = "/api/data/pos/products";

    @Test
    void aRotationUnderLoadRefusesNoRequestAndRetiresTheOldPassword() throws Exception {
        AtomicReference<TestSilo> running = new AtomicReference<>();
        AtomicReference<TestTenant> shop = new AtomicReference<>();
        ConcurrentMap<Integer, AtomicInteger> betweenSteps = new ConcurrentHashMap<>();
        // between the role's change on the cluster and the instance's notice of it: the pool that
        // must log in again has only the old password, and finds the staged one
        StepObserver beforePromote = (job, step) -> {
            if (job.kind().equals(RolePasswordRotation.KIND) && step.equals("promote")) {
                UUID tenant = UUID.fromString(shop.get().id());
                running.get()
                        .silo()
                        .application()
                        .pools()
                        .drainTenant(tenant, target -> true)
                        .join();
                int status = shop.get().client().get(PRODUCTS).status();
                betweenSteps.computeIfAbsent(status, any -> new AtomicInteger()).incrementAndGet();
            }
        };
        try (TestSilo silo = TestSilo.start(1, Map.of(), SiloOptions.server().withStepObserver(beforePromote))) {
            running.set(silo);
            shop.set(TestTenants.create(silo.client(), "Rotating Spirits", List.of("pos")));
            UUID tenant = UUID.fromString(shop.get().id());
            String before = silo.silo().application().tenants().role(tenant).password();
            ConcurrentMap<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
            AtomicBoolean done = new AtomicBoolean();
            List<Thread> tills = List.of(
                    Thread.ofVirtual().start(() -> keepWriting(shop.get().client(), done, statuses)),
                    Thread.ofVirtual().start(() -> keepWriting(shop.get().client(), done, statuses)));

            SiloClient.Response rotated = silo.client()
                    .asAdmin()
                    .post("/api/organizations/" + shop.get().slug() + "/rotate-role-password", Map.of());
            JsonNode job = rotated.json().path("job");
            if (rotated.status() == 202) {
                job = io.silo.testing.Eventually.get(
                        java.time.Duration.ofSeconds(30),
                        () -> silo.client()
                                .asAdmin()
                                .get("/api/admin/jobs/"
                                        + rotated.json().path("job").path("id").asString())
                                .json(),
                        body -> body.path("state").asString().equals("succeeded"));
            }
            Thread.sleep(300); // the instance hears of the promotion and re-opens the pools meanwhile
            done.set(true);
            for (Thread till : tills) {
                till.join();
            }

            assertThat(rotated.status()).as(rotated.text()).isIn(200, 202);
            assertThat(job.path("state").asString()).isEqualTo("succeeded");
            System.out.println("RolePasswordRotationTest: statuses during the rotation " + statuses
                    + ", between the role's change and its promotion " + betweenSteps);
            assertThat(betweenSteps).containsOnlyKeys(200);
            assertThat(statuses).as("every request served").containsOnlyKeys(200, 201);
            String after = silo.silo().application().tenants().role(tenant).password();
            assertThat(after).isNotEqualTo(before);
            assertThat(silo.silo().application().tenants().rolePasswords(tenant))
                    .as("nothing staged is left")
                    .containsExactly(after);
            String role = silo.silo().application().tenants().role(tenant).name();
            String database = shop.get().database("pos");
            assertThat(loginState(role, before, database))
                    .as("the old password")
                    .isEqualTo("28P01");
            assertThat(loginState(role, after, database)).as("the new password").isEqualTo("ok");
            assertThat(silo.control()
                            .query(
                                    "SELECT count(*) FROM audit_log WHERE action = 'tenant.rotate-role-password'",
                                    row -> row.getLong(1)))
                    .containsExactly(1L);
        }
    }

    @Test
    void onlyPlatformAdministratorsRotateAndOnlyKnownOrganizations() {
        try (TestSilo silo = TestSilo.start(1, Map.of())) {
            TestTenant shop = TestTenants.create(silo.client(), "Guarded Spirits", List.of("pos"));

            SiloClient.Response member =
                    shop.client().post("/api/organizations/" + shop.slug() + "/rotate-role-password", Map.of());
            SiloClient.Response unknown =
                    silo.client().asAdmin().post("/api/organizations/no-such-shop/rotate-role-password", Map.of());
            SiloClient.Response anonymous =
                    silo.client().post("/api/organizations/" + shop.slug() + "/rotate-role-password", Map.of());

            assertThat(member.status()).as(member.text()).isEqualTo(403);
            assertThat(member.json().path("type").asString()).isEqualTo("urn:silo:problem:platform-admin-required");
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.json().path("type").asString()).isEqualTo("urn:silo:problem:organization-not-found");
            assertThat(anonymous.status()).isEqualTo(401);
        }
    }

    private static void keepWriting(SiloClient client, AtomicBoolean done, ConcurrentMap<Integer, AtomicInteger> seen) {
        int i = 0;
        while (!done.get()) {
            SiloClient.Response response = i % 2 == 0
                    ? client.post(
                            PRODUCTS,
                            Map.of("name", "Bottle " + i, "sku", "B-" + UUID.randomUUID(), "price", 9, "stock", 1))
                    : client.get(PRODUCTS + "?limit=5");
            seen.computeIfAbsent(response.status(), any -> new AtomicInteger()).incrementAndGet();
            i++;
        }
    }

    /** {@code ok}, or the SQLSTATE with which the tenant's database refuses the role's login. */
    private static String loginState(String role, String password, String database) {
        TestPostgres server = TestPostgres.primary();
        Properties props = new Properties();
        props.setProperty("user", role);
        props.setProperty("password", password);
        try (var connection = DriverManager.getConnection(server.url(database), props)) {
            return connection.isValid(1) ? "ok" : "invalid";
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }
}
