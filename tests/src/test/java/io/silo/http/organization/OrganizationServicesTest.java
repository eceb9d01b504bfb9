package io.silo.http.organization;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.app.SiloOptions;
import io.silo.testing.SiloClient;
import io.silo.testing.TestClock;
import io.silo.testing.TestInvoices;
import io.silo.testing.TestPostgres;
import io.silo.testing.TestSilo;
import io.silo.testing.TestTenants;
import io.silo.testing.TestTenants.TestTenant;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Services added to and removed from an existing organization (issue 16), over HTTP on real
 * PostgreSQL: an added service's database exists at once and its administrators may write there;
 * a removed one is refused at once while its database stays, comes back with its data when
 * restored within {@code services.removalGrace}, and is dropped (with the members' roles in it)
 * once the grace has passed on the test clock.
 */
class OrganizationServicesTest {
    private static final TestClock CLOCK = new TestClock();
    private static final Duration GRACE = Duration.ofHours(1);

    private static TestSilo silo;
    /** Signed in per test: a test that moves the clock past a token's lifetime must not end the next one's. */
    private final SiloClient admin = silo.client().asAdmin();

    @BeforeAll
    static void start() {
        silo = TestSilo.start(
                1,
                Map.of("SILO_SERVICES_REMOVAL_GRACE", "1h"),
                SiloOptions.server().withClock(CLOCK));
    }

    @AfterAll
    static void stop() {
        silo.close();
    }

    @Test
    void anAddedServiceHasItsDatabaseAtOnceAndTheAdministratorsMayWriteThere() {
        TestTenant tenant = TestTenants.create(silo.client(), "Added Services", List.of("crm"));

        SiloClient.Response added = admin.post(services(tenant), Map.of("service", "billing"));

        assertThat(added.status()).as(added.text()).isEqualTo(201);
        JsonNode database = added.json().path("database");
        assertThat(database.path("state").asString()).isEqualTo("ready");
        assertThat(added.json().path("job").path("kind").asString()).isEqualTo("service.add");
        assertThat(tables(database.path("name").asString())).contains("invoices", "silo_activity");
        assertThat(admin.get("/api/organizations/" + tenant.slug())
                        .json()
                        .path("databases")
                        .findValuesAsString("service"))
                .contains("core", "crm", "billing");
        // a token names the roles it was issued with: the next sign-in carries the new one
        SiloClient owner = signIn(tenant);
        assertThat(owner.post("/api/data/billing/invoices", TestInvoices.invoice("INV-1"))
                        .status())
                .isEqualTo(201);
        assertThat(actions(owner.get("/api/activity?service=core").json())).contains("service.add");
        assertThat(actions(
                        admin.get("/api/admin/activity?tenant=" + tenant.id()).json()))
                .contains("tenant.service.add");
    }

    @Test
    void aRemovedServiceIsRefusedAtOnceAndComesBackWithItsDataWhenRestored() {
        TestTenant tenant = TestTenants.create(silo.client(), "Removed Then Restored", List.of("billing"));
        String billing = tenant.database("billing");
        String id = tenant.client()
                .post("/api/data/billing/invoices", TestInvoices.invoice("INV-7"))
                .json()
                .path("_id")
                .asString();

        SiloClient.Response removed = admin.delete(service(tenant, "billing") + "?confirm=" + tenant.slug());

        assertThat(removed.status()).as(removed.text()).isEqualTo(200);
        assertThat(removed.json().path("database").path("state").asString()).isEqualTo("detached");
        assertThat(Instant.parse(removed.json().path("dropAfter").asString()))
                .isEqualTo(CLOCK.instant().plus(GRACE));
        SiloClient.Response refused = tenant.client().get("/api/data/billing/invoices/" + id);
        assertThat(refused.status()).isEqualTo(404);
        assertThat(refused.problemType()).isEqualTo("service-not-enabled");
        assertThat(tenant.client()
                        .post("/api/data/billing/invoices", TestInvoices.invoice("INV-8"))
                        .problemType())
                .isEqualTo("service-not-enabled");
        assertThat(databaseExists(billing))
                .as("the database waits for its grace")
                .isTrue();
        assertThat(admin.delete(service(tenant, "billing") + "?confirm=" + tenant.slug())
                        .problemType())
                .as("removed twice")
                .isEqualTo("service-removed");
        assertThat(admin.post(services(tenant), Map.of("service", "billing")).problemType())
                .as("added while restorable")
                .isEqualTo("service-removed");

        SiloClient.Response restored = admin.post(service(tenant, "billing") + "/restore", Map.of());

        assertThat(restored.status()).as(restored.text()).isEqualTo(200);
        assertThat(restored.json().path("database").path("name").asString()).isEqualTo(billing);
        SiloClient.Response back = tenant.client().get("/api/data/billing/invoices/" + id);
        assertThat(back.status()).as(back.text()).isEqualTo(200);
        assertThat(back.json().path("number").asString()).isEqualTo("INV-7");
        assertThat(admin.post(service(tenant, "billing") + "/restore", Map.of()).problemType())
                .as("restored twice")
                .isEqualTo("service-not-removed");
        assertThat(actions(tenant.client().get("/api/activity?service=core").json()))
                .contains("service.remove", "service.restore");
        assertThat(actions(
                        admin.get("/api/admin/activity?tenant=" + tenant.id()).json()))
                .contains("tenant.service.remove", "tenant.service.restore");
    }

    @Test
    void onceTheGracePassesTheDatabaseIsDroppedWithTheRolesInItAndCannotBeRestored() {
        TestTenant tenant = TestTenants.create(silo.client(), "Removed For Good", List.of("billing", "crm"));
        String billing = tenant.database("billing");
        String core = tenant.database("core");
        assertThat(admin.delete(service(tenant, "billing") + "?confirm=" + tenant.slug())
                        .status())
                .isEqualTo(200);
        assertThat(billingRoles(core)).as("kept while restorable").isEqualTo(1);

        CLOCK.advance(GRACE.plusMinutes(1));
        SiloClient platform = silo.client().asAdmin();
        SiloClient holder = signIn(tenant);
        assertThat(holder.get("/api/auth/me").status()).isEqualTo(200);

        SiloClient.Response late = platform.post(service(tenant, "billing") + "/restore", Map.of());
        assertThat(late.status()).isEqualTo(410);
        assertThat(late.problemType()).isEqualTo("restore-window-closed");
        assertThat(silo.silo().application().organizationServices().dropExpired())
                .isGreaterThanOrEqualTo(1);
        assertThat(databaseExists(billing)).isFalse();
        assertThat(billingRoles(core)).as("gone with the database").isZero();
        assertThat(holder.get("/api/auth/me").status())
                .as("a token names the roles it was issued with: its session ends with the role")
                .isEqualTo(401);
        assertThat(platform.post(service(tenant, "billing") + "/restore", Map.of())
                        .problemType())
                .isEqualTo("service-not-enabled");
        assertThat(actions(platform.get("/api/admin/activity?tenant=" + tenant.id())
                        .json()))
                .contains("tenant.service.drop");
        assertThat(actions(signIn(tenant).get("/api/activity?service=core").json()))
                .contains("service.drop");

        SiloClient.Response again = platform.post(services(tenant), Map.of("service", "billing"));
        assertThat(again.status()).as("added afresh, empty").isEqualTo(201);
        assertThat(signIn(tenant)
                        .get("/api/data/billing/invoices")
                        .json()
                        .path("items")
                        .size())
                .isZero();
    }

    @Test
    void aServiceWhoseAdditionFailedIsRemovedAtOnceAndCanBeAddedAgain() {
        TestTenant tenant = TestTenants.create(silo.client(), "Failed Addition", List.of("crm"));
        assertThat(admin.post(services(tenant), Map.of("service", "billing")).status())
                .isEqualTo(201);
        // as a service.add job that gave up leaves it
        silo.control()
                .update(
                        "UPDATE tenant_databases SET state = 'failed', error = 'step database: gave up'"
                                + " WHERE tenant_id = ?::uuid AND service = 'billing'",
                        tenant.id());

        SiloClient.Response removed = admin.delete(service(tenant, "billing") + "?confirm=" + tenant.slug());

        assertThat(removed.status()).as(removed.text()).isEqualTo(200);
        assertThat(removed.json().path("database").isNull())
                .as("forgotten at once")
                .isTrue();
        assertThat(removed.json().path("job").path("kind").asString()).isEqualTo("service.drop");
        assertThat(admin.post(services(tenant), Map.of("service", "billing")).status())
                .isEqualTo(201);
    }

    @Test
    void aDropLeftHalfDoneIsStartedAgainByTheNextSweep() {
        TestTenant tenant = TestTenants.create(silo.client(), "Half Dropped", List.of("billing"));
        String billing = tenant.database("billing");
        assertThat(admin.delete(service(tenant, "billing") + "?confirm=" + tenant.slug())
                        .status())
                .isEqualTo(200);
        CLOCK.advance(GRACE.plusMinutes(1));
        // as a service.drop job that failed or was cancelled leaves it
        silo.control()
                .update(
                        "UPDATE tenant_databases SET state = 'dropping' WHERE tenant_id = ?::uuid AND service = 'billing'",
                        tenant.id());

        assertThat(silo.silo().application().organizationServices().dropExpired())
                .isGreaterThanOrEqualTo(1);

        assertThat(databaseExists(billing)).isFalse();
        assertThat(silo.client()
                        .asAdmin()
                        .get("/api/organizations/" + tenant.slug())
                        .json()
                        .path("databases")
                        .findValuesAsString("service"))
                .containsExactly("core");
    }

    @Test
    void wrongChangesAreRefusedAndChangeNothing() {
        TestTenant tenant = TestTenants.create(silo.client(), "Refusals Inc", List.of("billing"));

        assertThat(admin.delete(service(tenant, "core") + "?confirm=" + tenant.slug())
                        .problemType())
                .isEqualTo("core-service-required");
        assertThat(admin.delete(service(tenant, "billing")).problemType()).isEqualTo("confirmation-mismatch");
        assertThat(admin.delete(service(tenant, "billing") + "?confirm=billing").problemType())
                .isEqualTo("confirmation-mismatch");
        assertThat(admin.delete(service(tenant, "crm") + "?confirm=" + tenant.slug()))
                .satisfies(response -> assertThat(response.status()).isEqualTo(404))
                .satisfies(response -> assertThat(response.problemType()).isEqualTo("service-not-enabled"));
        assertThat(admin.delete(service(tenant, "astrology") + "?confirm=" + tenant.slug())
                        .problemType())
                .isEqualTo("unknown-service");
        assertThat(admin.post(service(tenant, "crm") + "/restore", Map.of()).problemType())
                .isEqualTo("service-not-enabled");
        assertThat(admin.post(services(tenant), Map.of("service", "billing")))
                .satisfies(response -> assertThat(response.status()).isEqualTo(409))
                .satisfies(response -> assertThat(response.problemType()).isEqualTo("service-already-enabled"));
        assertThat(admin.post(services(tenant), Map.of("service", "core")).problemType())
                .isEqualTo("service-already-enabled");
        assertThat(admin.post(services(tenant), Map.of("service", "astrology")))
                .satisfies(response -> assertThat(response.status()).isEqualTo(422))
                .satisfies(response -> assertThat(response.problemType()).isEqualTo("unknown-service"));
        assertThat(admin.post(services(tenant), Map.of()).problemType()).isEqualTo("missing-field");
        assertThat(admin.post("/api/organizations/no-such-org/services", Map.of("service", "crm"))
                        .problemType())
                .isEqualTo("organization-not-found");
        assertThat(tenant.client()
                        .post(services(tenant), Map.of("service", "crm"))
                        .status())
                .as("an organization's own administrator is no platform administrator")
                .isEqualTo(403);
        assertThat(admin.post("/api/organizations/" + tenant.slug() + "/suspend", Map.of())
                        .status())
                .isEqualTo(200);
        assertThat(admin.post(services(tenant), Map.of("service", "crm")).problemType())
                .isEqualTo("organization-not-active");

        assertThat(admin.get("/api/organizations/" + tenant.slug())
                        .json()
                        .path("databases")
                        .findValuesAsString("state"))
                .containsOnly("ready");
    }

    private static String services(TestTenant tenant) {
        return "/api/organizations/" + tenant.slug() + "/services";
    }

    private static String service(TestTenant tenant, String service) {
        return services(tenant) + "/" + service;
    }

    private static SiloClient signIn(TestTenant tenant) {
        return TestTenants.signIn(silo.client(), tenant.slug(), tenant.adminEmail(), TestTenants.PASSWORD);
    }

    private static List<String> actions(JsonNode page) {
        return page.path("items").findValuesAsString("action");
    }

    private static List<String> tables(String database) {
        return TestPostgres.primary()
                .jdbc(database)
                .query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", row -> row.getString(1));
    }

    private static boolean databaseExists(String database) {
        return TestPostgres.primary()
                .admin()
                .queryOne("SELECT 1 FROM pg_database WHERE datname = ?", row -> 1, database)
                .isPresent();
    }

    private static long billingRoles(String coreDatabase) {
        return TestPostgres.primary()
                .jdbc(coreDatabase)
                .queryOne("SELECT count(*) FROM memberships WHERE service = 'billing'", row -> row.getLong(1))
                .orElseThrow();
    }
}
