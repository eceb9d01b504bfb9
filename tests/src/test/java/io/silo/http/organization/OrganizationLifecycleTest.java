package io.silo.http.organization;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
import io.silo.testing.TestPostgres;
import io.silo.testing.TestSilo;
import io.silo.testing.TestTenants;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Creating, reading, changing, suspending and deleting organizations against real PostgreSQL servers. */
@SiloTest(clusters = 2)
class OrganizationLifecycleTest {
    private final TestSilo silo;
    private final SiloClient admin;

    OrganizationLifecycleTest(TestSilo silo, SiloClient client) {
        this.silo = silo;
        this.admin = client.asAdmin();
    }

    static Map<String, Object> organization(String name, List<String> services, Map<String, Object> extra) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of(
                "name",
                name,
                "services",
                services,
                "admin",
                Map.of(
                        "email",
                        "owner@" + name.toLowerCase().replaceAll("[^a-z]", "") + ".example",
                        "name",
                        "Owner",
                        "password",
                        "correct horse battery")));
        body.putAll(extra);
        return body;
    }

    @Test
    void officeSuiteOrganizationGetsOneDatabasePerServiceNamedAfterItsName() {
        SiloClient.Response response = admin.post(
                "/api/organizations",
                organization("TechCorp Solutions", List.of("billing", "crm", "pingora"), Map.of("cluster", "primary")));

        assertThat(response.status()).as(response.text()).isEqualTo(201);
        JsonNode body = response.json();
        assertThat(body.path("status").asString()).isEqualTo("active");
        assertThat(body.path("slug").asString()).isEqualTo("techcorp-solutions");
        assertThat(body.path("databases").findValuesAsString("name"))
                .contains("billing_techcorp_solutions", "crm_techcorp_solutions", "pingora_techcorp_solutions");
        assertThat(body.path("databases").findValuesAsString("state")).containsOnly("ready");
        assertThat(body.path("databases").findValuesAsString("cluster")).containsOnly("primary");
        assertThat(body.path("job").path("state").asString()).isEqualTo("succeeded");

        List<String> tables = TestPostgres.primary()
                .jdbc("billing_techcorp_solutions")
                .query(
                        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
                        row -> row.getString(1));
        assertThat(tables)
                .contains("invoices", "payments", "subscriptions", "billing_config", "silo_schema", "silo_activity");
        List<String> indexes = TestPostgres.primary()
                .jdbc("billing_techcorp_solutions")
                .query("SELECT indexname FROM pg_indexes WHERE tablename = 'invoices'", row -> row.getString(1));
        assertThat(indexes.size()).as("primary key plus the template's indexes").isGreaterThan(1);
    }

    @Test
    void everySeedNamingSchemeComesOutExactly() {
        JsonNode pos = create(organization("Liquor Barn", List.of("pos"), Map.of()));
        String posId = pos.path("id").asString();
        assertThat(database(pos, "pos")).isEqualTo("tenant_" + posId.replace('-', '_'));

        JsonNode erp = create(organization(
                "TechLand Computers", List.of("erp"), Map.of("slug", "techland", "businessType", "computer")));
        assertThat(database(erp, "erp")).isEqualTo("computer_techland_db");

        Map<String, Object> school = organization("Green Valley School", List.of("school"), Map.of());
        school.put(
                "admin", Map.of("username", "principal", "name", "The Principal", "password", "correct horse battery"));
        JsonNode created = create(school);
        long millis = Instant.parse(created.path("createdAt").asString()).toEpochMilli();
        assertThat(database(created, "school")).isEqualTo("smart_crm_principal_" + millis);
    }

    @Test
    void sameDatabaseNameIsAConflictAndLeavesNothingBehind() {
        create(organization("Acme Trading", List.of("billing"), Map.of("cluster", "primary")));

        SiloClient.Response second = admin.post(
                "/api/organizations",
                organization("ACME trading", List.of("billing"), Map.of("slug", "acme-two", "cluster", "primary")));

        assertThat(second.status()).isEqualTo(409);
        assertThat(second.problemType()).isEqualTo("database-name-taken");
        assertThat(admin.get("/api/organizations/acme-two").status()).isEqualTo(404);
    }

    @Test
    void takenSlugIsAConflict() {
        create(organization("Slug Holder", List.of("crm"), Map.of("slug", "holder")));

        SiloClient.Response again =
                admin.post("/api/organizations", organization("Other Name", List.of("crm"), Map.of("slug", "holder")));

        assertThat(again.status()).isEqualTo(409);
        assertThat(again.problemType()).isEqualTo("slug-taken");
    }

    @Test
    void badRequestsAreRefusedBeforeAnythingIsCreated() {
        assertThat(admin.post("/api/organizations", organization("No Such", List.of("astrology"), Map.of()))
                        .problemType())
                .isEqualTo("unknown-service");
        assertThat(admin.post(
                                "/api/organizations",
                                organization(
                                        "Weak Password",
                                        List.of("crm"),
                                        Map.of("admin", Map.of("email", "a@b.io", "password", "short"))))
                        .problemType())
                .isEqualTo("weak-password");
        assertThat(admin.post(
                                "/api/organizations",
                                organization("Bad Slug", List.of("crm"), Map.of("slug", "Not A Slug!")))
                        .problemType())
                .isEqualTo("invalid-slug");
        assertThat(admin.post("/api/organizations", organization("No Services", List.of(), Map.of()))
                        .problemType())
                .isEqualTo("missing-field");
        assertThat(admin.post("/api/organizations", organization("Nowhere", List.of("crm"), Map.of("cluster", "mars")))
                        .problemType())
                .isEqualTo("unknown-cluster");
        assertThat(admin.post("/api/organizations", organization("Needs Type", List.of("erp"), Map.of()))
                        .problemType())
                .isEqualTo("naming-variable-missing");
        assertThat(silo.control()
                        .query(
                                "SELECT count(*) FROM tenants WHERE name IN ('No Such','Weak Password','Bad Slug','Nowhere','Needs Type')",
                                row -> row.getLong(1)))
                .containsExactly(0L);
    }

    @Test
    void placementHonoursTheRequestedClusterAndOtherwiseBalances() {
        JsonNode onSecondary = create(organization("Far Away", List.of("crm"), Map.of("cluster", "secondary")));
        assertThat(onSecondary.path("databases").findValuesAsString("cluster")).containsOnly("secondary");
        assertThat(TestPostgres.secondary()
                        .admin()
                        .query(
                                "SELECT datname FROM pg_database WHERE datname = ?",
                                row -> row.getString(1),
                                database(onSecondary, "crm")))
                .hasSize(1);

        JsonNode labelled = create(organization("Zone B", List.of("crm"), Map.of("labels", Map.of("zone", "b"))));
        assertThat(labelled.path("databases").findValuesAsString("cluster")).containsOnly("secondary");
    }

    @Test
    void eachTenantRoleReachesOnlyItsOwnDatabases() throws Exception {
        JsonNode first = create(organization("Isolated One", List.of("crm"), Map.of("cluster", "primary")));
        JsonNode second = create(organization("Isolated Two", List.of("crm"), Map.of("cluster", "primary")));
        String firstRole = silo.control()
                .query("SELECT db_role FROM tenants WHERE slug = 'isolated-one'", row -> row.getString(1))
                .getFirst();

        List<String> grantees = TestPostgres.primary()
                .admin()
                .query(
                        "SELECT datname FROM pg_database WHERE has_database_privilege(?, datname, 'CONNECT') ORDER BY 1",
                        row -> row.getString(1),
                        firstRole);

        assertThat(grantees)
                .contains(database(first, "crm"), database(first, "core"))
                .doesNotContain(database(second, "crm"), database(second, "core"), "silo", "postgres");
        assertThat(TestPostgres.primary()
                        .admin()
                        .query(
                                "SELECT rolsuper OR rolcreatedb OR rolcreaterole FROM pg_roles WHERE rolname = ?",
                                row -> row.getBoolean(1),
                                firstRole))
                .containsExactly(false);
    }

    @Test
    void firstAdministratorLivesInTheCoreDatabaseWithAnArgon2idHash() {
        JsonNode created = create(organization("Hash Check", List.of("billing"), Map.of()));
        String core = database(created, "core");
        TestPostgres server = "secondary"
                        .equals(created.path("databases").get(0).path("cluster").asString())
                ? TestPostgres.secondary()
                : TestPostgres.primary();

        List<String> hashes = server.jdbc(core).query("SELECT password_hash FROM users", row -> row.getString(1));
        assertThat(hashes).singleElement().asString().startsWith("$argon2id$");
        assertThat(server.jdbc(core)
                        .query("SELECT service || '=' || role FROM memberships ORDER BY 1", row -> row.getString(1)))
                .containsExactly("billing=admin", "core=admin");
        assertThat(silo.control()
                        .query(
                                "SELECT login FROM directory WHERE tenant_id = ?::uuid",
                                row -> row.getString(1),
                                created.path("id").asString()))
                .containsExactly("owner@hashcheck.example");
        assertThat(silo.control()
                        .query(
                                "SELECT payload::text FROM jobs WHERE tenant_id = ?::uuid",
                                row -> row.getString(1),
                                created.path("id").asString()))
                .as("no password hash left in the control plane")
                .containsExactly("{}");
    }

    @Test
    void registryFieldsChangeByMergePatch() {
        JsonNode created = create(organization(
                "Patchable",
                List.of("crm"),
                Map.of(
                        "license",
                        "free",
                        "quotas",
                        Map.of("maxUsers", 10, "maxBranches", 2),
                        "features",
                        List.of("pos"))));
        String path = "/api/organizations/" + created.path("slug").asString();

        SiloClient.Response patched = admin.patch(
                path,
                Map.of(
                        "license",
                        "pro",
                        "quotas",
                        Map.of("maxUsers", 50),
                        "billingContact",
                        Map.of("email", "billing@patchable.example"),
                        "notes",
                        "upgraded"));

        assertThat(patched.status()).as(patched.text()).isEqualTo(200);
        assertThat(patched.json().path("license").asString()).isEqualTo("pro");
        assertThat(patched.json().path("quotas").path("maxUsers").asLong()).isEqualTo(50);
        assertThat(patched.json().path("quotas").path("maxBranches").asLong()).isEqualTo(2);
        assertThat(patched.json().path("billingContact").path("email").asString())
                .isEqualTo("billing@patchable.example");
        assertThat(admin.patch(path, Map.of("status", "active")).problemType()).isEqualTo("unknown-field");
        assertThat(admin.patch(path, Map.of("quotas", Map.of("maxUsers", -1))).problemType())
                .isEqualTo("invalid-quota");
        // a contact's unknown field is refused, and a wrong one is named with its contact
        SiloClient.Response unknown =
                admin.patch(path, Map.of("adminContact", Map.of("email", "a@patchable.example", "fax", "none")));
        assertThat(unknown.problemType()).isEqualTo("unknown-field");
        assertThat(unknown.json().path("field").asString()).isEqualTo("adminContact.fax");
        SiloClient.Response wrong = admin.patch(path, Map.of("billingContact", Map.of("email", 5)));
        assertThat(wrong.problemType()).isEqualTo("invalid-json");
        assertThat(wrong.json().path("field").asString()).isEqualTo("billingContact.email");
    }

    @Test
    void suspendAndActivateFollowTheLifecycle() {
        JsonNode created = create(organization("Sleepy", List.of("crm"), Map.of()));
        String path = "/api/organizations/" + created.path("id").asString();

        SiloClient.Response suspended = admin.post(path + "/suspend", Map.of("reason", "unpaid invoice"));
        assertThat(suspended.json().path("status").asString()).isEqualTo("suspended");
        assertThat(suspended.json().path("statusReason").asString()).isEqualTo("unpaid invoice");
        assertThat(admin.post(path + "/suspend", Map.of()).problemType()).isEqualTo("invalid-status-transition");

        assertThat(admin.post(path + "/activate", "").json().path("status").asString())
                .isEqualTo("active");
        assertThat(admin.post(path + "/activate", "").status()).isEqualTo(409);

        List<String> actions = silo.control()
                .query(
                        "SELECT action FROM audit_log WHERE tenant_id = ?::uuid ORDER BY id",
                        row -> row.getString(1),
                        created.path("id").asString());
        assertThat(actions).containsExactly("tenant.create", "tenant.suspend", "tenant.activate");
    }

    /**
     * Regression: the instance that changed the status learnt of it only through its own
     * notification, so a request right after "activate" could still be refused as suspended.
     */
    @Test
    void theInstanceThatChangesAStatusFollowsItAtOnce() {
        TestTenants.TestTenant tenant = TestTenants.create(silo.client(), "Flip Flop", List.of("crm"));
        String path = "/api/organizations/" + tenant.slug();
        for (int round = 0; round < 5; round++) {
            assertThat(admin.post(path + "/suspend", Map.of()).status()).isEqualTo(200);
            assertThat(tenant.client().get("/api/auth/me").problemType()).isEqualTo("organization-suspended");
            assertThat(admin.post(path + "/activate", Map.of()).status()).isEqualTo(200);
            SiloClient.Response me = tenant.client().get("/api/auth/me");
            assertThat(me.status()).as(me.text()).isEqualTo(200);
        }
    }

    @Test
    void deleteDropsEveryDatabaseAndTheRoleAndForgetsTheTenant() {
        JsonNode created =
                create(organization("Short Lived", List.of("billing", "crm"), Map.of("cluster", "secondary")));
        String id = created.path("id").asString();
        String role = silo.control()
                .query("SELECT db_role FROM tenants WHERE id = ?::uuid", row -> row.getString(1), id)
                .getFirst();

        SiloClient.Response deleted = admin.delete("/api/organizations/" + id);

        assertThat(deleted.status()).as(deleted.text()).isEqualTo(204);
        assertThat(admin.get("/api/organizations/" + id).status()).isEqualTo(404);
        for (String database : created.path("databases").findValuesAsString("name")) {
            assertThat(TestPostgres.secondary()
                            .admin()
                            .query("SELECT 1 FROM pg_database WHERE datname = ?", row -> 1, database))
                    .isEmpty();
        }
        assertThat(TestPostgres.secondary().admin().query("SELECT 1 FROM pg_roles WHERE rolname = ?", row -> 1, role))
                .isEmpty();
        assertThat(silo.control()
                        .query("SELECT count(*) FROM directory WHERE tenant_id = ?::uuid", row -> row.getLong(1), id))
                .containsExactly(0L);
        assertThat(silo.control()
                        .query(
                                "SELECT action FROM audit_log WHERE tenant_id = ?::uuid ORDER BY id",
                                row -> row.getString(1),
                                id))
                .contains("tenant.create", "tenant.delete");
    }

    @Test
    void listingPagesFiltersAndSearches() {
        for (int i = 0; i < 3; i++) {
            create(organization("Listed Shop " + i, List.of("crm"), Map.of()));
        }

        SiloClient.Response first = admin.get("/api/organizations?q=listed%20shop&limit=2");
        assertThat(first.json().path("items")).hasSize(2);
        String cursor = first.json().path("nextCursor").asString();
        SiloClient.Response second = admin.get("/api/organizations?q=listed%20shop&limit=2&cursor=" + cursor);
        assertThat(second.json().path("items")).hasSize(1);
        assertThat(second.json().path("nextCursor").isNull()).isTrue();
        assertThat(admin.get("/api/organizations?status=suspended&q=listed")
                        .json()
                        .path("items"))
                .isEmpty();
        assertThat(admin.get("/api/organizations?status=sleeping").problemType())
                .isEqualTo("invalid-status");
        assertThat(admin.get("/api/organizations?cursor=garbage").problemType()).isEqualTo("invalid-cursor");
    }

    @Test
    void onlyPlatformAdministratorsManageOrganizations(SiloClient anonymous) {
        assertThat(anonymous
                        .post("/api/organizations", organization("Sneaky", List.of("crm"), Map.of()))
                        .status())
                .isEqualTo(401);
        assertThat(anonymous.get("/api/organizations").status()).isEqualTo(401);
        assertThat(anonymous.as("not-a-token").get("/api/organizations").status())
                .isEqualTo(401);
        assertThat(anonymous.delete("/api/organizations/anything").status()).isEqualTo(401);
    }

    private JsonNode create(Map<String, Object> body) {
        SiloClient.Response response = admin.post("/api/organizations", body);
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        return response.json();
    }

    private static String database(JsonNode organization, String service) {
        for (JsonNode database : organization.path("databases")) {
            if (database.path("service").asString().equals(service)) {
                return database.path("name").asString();
            }
        }
        throw new AssertionError("no " + service + " database in " + organization);
    }
}
