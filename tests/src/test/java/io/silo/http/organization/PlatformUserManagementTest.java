package io.silo.http.organization;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
import io.silo.testing.TestSilo;
import io.silo.testing.TestTenants;
import io.silo.testing.TestTenants.TestTenant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A platform administrator manages any organization's users per service, as the office suite's
 * {@code /api/admin/manage-service-users} did: one at a time or in bulk, with the checks the
 * organization's own administrators get, each change in the master audit log.
 */
@SiloTest
class PlatformUserManagementTest {
    private static final String PASSWORD = TestTenants.PASSWORD;

    @Test
    void aPlatformAdministratorAddsChangesAndRemovesAUserOfAnyOrganization(TestSilo silo, SiloClient anonymous) {
        TestTenant office = TestTenants.create(
                anonymous, "Office Corp", List.of("billing", "crm"), Map.of("externalId", "org_office_001"));
        SiloClient platformAdmin = anonymous.asAdmin();
        String users = "/api/admin/organizations/org_office_001/users";

        SiloClient.Response created = platformAdmin.post(
                users,
                Map.of(
                        "email",
                        "mia@office.example",
                        "name",
                        "Mia",
                        "password",
                        PASSWORD,
                        "services",
                        Map.of("billing", "manager")));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String mia = created.json().path("id").asString();
        assertThat(TestTenants.signIn(anonymous, office.slug(), "mia@office.example", PASSWORD)
                        .get("/api/data/billing/invoices")
                        .status())
                .isEqualTo(200);

        SiloClient.Response moved = platformAdmin.patch(
                users + "/" + mia, Map.of("services", java.util.Collections.singletonMap("billing", null)));
        assertThat(moved.status()).as(moved.text()).isEqualTo(200);
        assertThat(moved.json().path("services").has("billing")).isFalse();
        assertThat(platformAdmin
                        .get(users + "?service=crm")
                        .json()
                        .path("items")
                        .size())
                .as("only the first administrator holds crm")
                .isEqualTo(1);
        assertThat(platformAdmin.get(users + "/" + mia).json().path("email").asString())
                .isEqualTo("mia@office.example");
        assertThat(platformAdmin.delete(users + "/" + mia).status()).isEqualTo(204);
        assertThat(platformAdmin.get(users + "/" + mia).problemType()).isEqualTo("user-not-found");

        List<String> audited = silo.control()
                .query(
                        "SELECT action FROM audit_log WHERE tenant_id = ?::uuid AND action LIKE 'tenant.user.%' ORDER BY id",
                        row -> row.getString(1), office.id());
        assertThat(audited).containsExactly("tenant.user.create", "tenant.user.update", "tenant.user.delete");
        JsonNode activity = office.client().get("/api/activity?service=core").json();
        assertThat(activity.toString()).contains("platform-admin");
    }

    @Test
    void aBulkRequestAppliesEachItemOnItsOwnAndSaysWhatBecameOfIt(TestSilo silo, SiloClient anonymous) {
        TestTenant office = TestTenants.create(anonymous, "Bulk Corp", List.of("billing", "crm"));
        SiloClient platformAdmin = anonymous.asAdmin();
        String users = "/api/admin/organizations/" + office.slug() + "/users";
        String existing = TestTenants.addMember(office, "old@bulk.example", Map.of("crm", "user"))
                .path("id")
                .asString();

        SiloClient.Response bulk = platformAdmin.post(
                users + "/_bulk",
                Map.of(
                        "operations",
                        List.of(
                                Map.of("op", "create", "user", user("a@bulk.example", Map.of("billing", "user"))),
                                Map.of("op", "create", "user", user("a@bulk.example", Map.of("crm", "user"))),
                                Map.of("op", "create", "user", user("b@bulk.example", Map.of("billing", "boss"))),
                                Map.of(
                                        "op",
                                        "update",
                                        "id",
                                        existing,
                                        "changes",
                                        Map.of("services", Map.of("billing", "manager"))),
                                Map.of("op", "delete", "id", "0193a5f0-0000-7000-8000-000000000000"),
                                Map.of("op", "create", "user", user("c@bulk.example", Map.of("crm", "manager"))))));

        assertThat(bulk.status()).as(bulk.text()).isEqualTo(200);
        JsonNode results = bulk.json().path("results");
        assertThat(results.valueStream()
                        .map(result -> result.path("status").asInt())
                        .toList())
                .containsExactly(201, 409, 422, 200, 404, 201);
        assertThat(results.get(1).path("problem").path("type").asString()).endsWith(":email-taken");
        assertThat(results.get(2).path("problem").path("type").asString()).endsWith(":unknown-role");
        assertThat(results.get(3).path("user").path("services").path("billing").asString())
                .isEqualTo("manager");
        assertThat(bulk.json().path("succeeded").asInt()).isEqualTo(3);
        assertThat(bulk.json().path("failed").asInt()).isEqualTo(3);
        assertThat(platformAdmin
                        .get(users + "?q=bulk.example")
                        .json()
                        .path("items")
                        .size())
                .as("old, a and c (the administrator is admin@bulkcorp.example)")
                .isEqualTo(3);
        assertThat(silo.control()
                        .query(
                                "SELECT count(*) FROM audit_log WHERE tenant_id = ?::uuid AND action LIKE 'tenant.user.%'",
                                row -> row.getLong(1), office.id())
                        .getFirst())
                .as("one record per change made")
                .isEqualTo(3L);

        assertThat(platformAdmin
                        .post(users + "/_bulk", Map.of("operations", List.of()))
                        .problemType())
                .isEqualTo("invalid-batch");
        assertThat(platformAdmin
                        .post(users + "/_bulk", Map.of("operations", List.of(Map.of("op", "drop", "id", existing))))
                        .problemType())
                .isEqualTo("invalid-batch");
    }

    @Test
    void onlyPlatformAdministratorsReachTheseRoutesAndTheOrganizationMustExist(SiloClient anonymous) {
        TestTenant office = TestTenants.create(anonymous, "Walled Corp", List.of("crm"));
        String users = "/api/admin/organizations/" + office.slug() + "/users";

        assertThat(office.client().get(users).status()).isEqualTo(403);
        assertThat(office.client()
                        .post(users + "/_bulk", Map.of("operations", List.of()))
                        .status())
                .isEqualTo(403);
        assertThat(anonymous.get(users).status()).isEqualTo(401);
        assertThat(anonymous
                        .asAdmin()
                        .get("/api/admin/organizations/no-such-org/users")
                        .problemType())
                .isEqualTo("organization-not-found");
    }

    private static Map<String, Object> user(String email, Map<String, String> services) {
        return Map.of("email", email, "name", "Someone", "password", PASSWORD, "services", services);
    }
}
