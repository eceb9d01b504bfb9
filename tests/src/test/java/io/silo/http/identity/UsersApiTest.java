package io.silo.http.identity;

import static io.silo.http.identity.IdentityFixtures.PASSWORD;
import static io.silo.http.identity.IdentityFixtures.login;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
import io.silo.testing.TestPostgres;
import io.silo.testing.TestSilo;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The user routes of organization administrators: roles, quotas, the last administrator, and the walls between organizations. */
@SiloTest
class UsersApiTest {
    private final TestSilo silo;
    private final SiloClient client;
    private final SiloClient acmeAdmin;

    UsersApiTest(TestSilo silo, SiloClient client) {
        this.silo = silo;
        this.client = client;
        this.acmeAdmin = IdentityFixtures.member(client, "acme", "owner@acme.example", PASSWORD);
    }

    @BeforeAll
    static void organizations(SiloClient client) {
        SiloClient platformAdmin = client.asAdmin();
        IdentityFixtures.create(platformAdmin, "acme", List.of("billing", "crm"), "owner@acme.example", Map.of());
        IdentityFixtures.create(platformAdmin, "rival", List.of("billing", "crm"), "owner@rival.example", Map.of());
        IdentityFixtures.create(
                platformAdmin, "tiny", List.of("crm"), "owner@tiny.example", Map.of("quotas", Map.of("maxUsers", 2)));
    }

    @Test
    void administratorAddsAUserToChosenServicesWhoSignsInToExactlyThose() {
        JsonNode created = IdentityFixtures.user(
                acmeAdmin,
                Map.of(
                        "email",
                        "Manager@Acme.example",
                        "name",
                        "Mia Manager",
                        "password",
                        "manager-password",
                        "services",
                        Map.of("billing", "manager", "crm", "user"),
                        "profile",
                        Map.of("phone", "+41 1")));

        assertThat(created.path("email").asString()).isEqualTo("manager@acme.example");
        assertThat(created.path("services").path("billing").asString()).isEqualTo("manager");
        assertThat(created.path("services").path("core").asString())
                .as("everyone is a member of the organization")
                .isEqualTo("member");
        assertThat(created.path("profile").path("phone").asString()).isEqualTo("+41 1");
        assertThat(created.has("password") || created.has("passwordHash")).isFalse();

        JsonNode signedIn = login(client, Map.of("email", "manager@acme.example", "password", "manager-password"));
        assertThat(signedIn.path("services")
                        .valueStream()
                        .map(JsonNode::asString)
                        .toList())
                .containsExactly("billing", "crm");
        assertThat(acmeAdmin
                        .get("/api/users/" + created.path("id").asString())
                        .json()
                        .path("name")
                        .asString())
                .isEqualTo("Mia Manager");
    }

    @Test
    void servicesMayBeGivenAsAListWithTheirDefaultRoles() {
        JsonNode created = IdentityFixtures.user(
                acmeAdmin,
                Map.of(
                        "email",
                        "listed@acme.example",
                        "name",
                        "L",
                        "password",
                        "listed-password",
                        "services",
                        List.of("crm")));

        assertThat(created.path("services").path("crm").asString()).isEqualTo("user");
    }

    @Test
    void rolesMustExistInTheServiceTemplateAndTheServiceInTheOrganization() {
        SiloClient.Response unknownRole = acmeAdmin.post(
                "/api/users",
                Map.of(
                        "email",
                        "r1@acme.example",
                        "name",
                        "R",
                        "password",
                        "role-password",
                        "services",
                        Map.of("billing", "emperor")));
        SiloClient.Response otherService = acmeAdmin.post(
                "/api/users",
                Map.of(
                        "email",
                        "r2@acme.example",
                        "name",
                        "R",
                        "password",
                        "role-password",
                        "services",
                        Map.of("pos", "cashier")));
        SiloClient.Response badCore = acmeAdmin.post(
                "/api/users",
                Map.of(
                        "email",
                        "r3@acme.example",
                        "name",
                        "R",
                        "password",
                        "role-password",
                        "services",
                        Map.of("core", "owner")));

        assertThat(unknownRole.status()).isEqualTo(422);
        assertThat(unknownRole.problemType()).isEqualTo("unknown-role");
        assertThat(unknownRole
                        .json()
                        .path("roles")
                        .valueStream()
                        .map(JsonNode::asString)
                        .toList())
                .containsExactly("user", "manager", "admin");
        assertThat(otherService.problemType()).isEqualTo("service-not-enabled");
        assertThat(otherService.status()).isEqualTo(422);
        assertThat(badCore.problemType()).isEqualTo("unknown-role");
        assertThat(acmeAdmin.get("/api/users?q=r1%40acme").json().path("items")).isEmpty();
    }

    @Test
    void duplicateEmailInOneOrganizationIsAConflictButAnotherOrganizationMayHaveIt() {
        IdentityFixtures.user(
                acmeAdmin, Map.of("email", "twice@example.org", "name", "T", "password", "twice-password"));
        SiloClient rivalAdmin = IdentityFixtures.member(client, "rival", "owner@rival.example", PASSWORD);

        assertThat(acmeAdmin
                        .post(
                                "/api/users",
                                Map.of("email", "TWICE@example.org", "name", "T", "password", "twice-password"))
                        .problemType())
                .isEqualTo("email-taken");
        assertThat(rivalAdmin
                        .post(
                                "/api/users",
                                Map.of("email", "twice@example.org", "name", "T", "password", "twice-password"))
                        .status())
                .isEqualTo(201);
    }

    @Test
    void maxUsersQuotaIsEnforced() {
        SiloClient tinyAdmin = IdentityFixtures.member(client, "tiny", "owner@tiny.example", PASSWORD);
        IdentityFixtures.user(
                tinyAdmin, Map.of("email", "second@tiny.example", "name", "S", "password", "second-password"));

        SiloClient.Response third = tinyAdmin.post(
                "/api/users", Map.of("email", "third@tiny.example", "name", "T", "password", "third-password"));

        assertThat(third.status()).isEqualTo(422);
        assertThat(third.problemType()).isEqualTo("quota-exceeded");
        assertThat(third.json().path("limit").asLong()).isEqualTo(2);
    }

    @Test
    void lastActiveAdministratorCannotBeDemotedDisabledOrDeleted() {
        IdentityFixtures.create(client.asAdmin(), "solo", List.of("crm"), "owner@solo.example", Map.of());
        SiloClient soloAdmin = IdentityFixtures.member(client, "solo", "owner@solo.example", PASSWORD);
        String ownerId =
                soloAdmin.get("/api/auth/me").json().path("user").path("id").asString();

        assertThat(soloAdmin
                        .patch("/api/users/" + ownerId, Map.of("services", Map.of("core", "member")))
                        .problemType())
                .isEqualTo("last-admin");
        assertThat(soloAdmin
                        .patch("/api/users/" + ownerId, Map.of("status", "disabled"))
                        .problemType())
                .isEqualTo("last-admin");
        assertThat(soloAdmin.delete("/api/users/" + ownerId).problemType()).isEqualTo("last-admin");

        JsonNode deputy = IdentityFixtures.user(
                soloAdmin,
                Map.of(
                        "email",
                        "deputy@solo.example",
                        "name",
                        "D",
                        "password",
                        "deputy-password",
                        "services",
                        Map.of("core", "admin")));
        SiloClient.Response demoted =
                soloAdmin.patch("/api/users/" + ownerId, Map.of("services", Map.of("core", "member")));
        assertThat(demoted.status()).as(demoted.text()).isEqualTo(200);
        assertThat(soloAdmin.get("/api/users").problemType())
                .as("losing a role ends the user's sessions at once")
                .isEqualTo("invalid-token");
        SiloClient deputyClient = IdentityFixtures.member(client, "solo", "deputy@solo.example", "deputy-password");
        assertThat(deputyClient
                        .delete("/api/users/" + deputy.path("id").asString())
                        .problemType())
                .isEqualTo("last-admin");
    }

    @Test
    void membersWhoAreNotAdministratorsAndPlatformAdministratorsMayNotManageUsers() {
        IdentityFixtures.user(
                acmeAdmin, Map.of("email", "plain@acme.example", "name", "P", "password", "plain-password"));
        SiloClient plain = IdentityFixtures.member(client, "acme", "plain@acme.example", "plain-password");

        assertThat(plain.get("/api/users").status()).isEqualTo(403);
        assertThat(plain.get("/api/users").problemType()).isEqualTo("org-admin-required");
        assertThat(client.asAdmin().get("/api/users").problemType()).isEqualTo("member-required");
        assertThat(client.get("/api/users").status()).isEqualTo(401);
    }

    @Test
    void disablingAUserEndsItsSessionsAndItCannotSignIn() {
        JsonNode user = IdentityFixtures.user(
                acmeAdmin, Map.of("email", "leaver@acme.example", "name", "L", "password", "leaver-password"));
        String refresh = login(
                        client,
                        Map.of("organization", "acme", "email", "leaver@acme.example", "password", "leaver-password"))
                .path("refreshToken")
                .asString();

        assertThat(acmeAdmin
                        .patch("/api/users/" + user.path("id").asString(), Map.of("status", "disabled"))
                        .json()
                        .path("status")
                        .asString())
                .isEqualTo("disabled");

        assertThat(client.post("/api/auth/refresh", Map.of("refreshToken", refresh))
                        .status())
                .isEqualTo(401);
        SiloClient.Response right = client.post(
                "/api/auth/login",
                Map.of("organization", "acme", "email", "leaver@acme.example", "password", "leaver-password"));
        assertThat(right.status()).isEqualTo(403);
        assertThat(right.problemType()).isEqualTo("account-disabled");
        assertThat(client.post(
                                "/api/auth/login",
                                Map.of(
                                        "organization",
                                        "acme",
                                        "email",
                                        "leaver@acme.example",
                                        "password",
                                        "wrong-password"))
                        .problemType())
                .isEqualTo("invalid-credentials");
    }

    @Test
    void passwordResetByAnAdministratorEndsOldSessionsAndTheNewPasswordWorks() {
        JsonNode user = IdentityFixtures.user(
                acmeAdmin, Map.of("email", "forgetful@acme.example", "name", "F", "password", "first-password"));
        String refresh = login(
                        client,
                        Map.of("organization", "acme", "email", "forgetful@acme.example", "password", "first-password"))
                .path("refreshToken")
                .asString();

        assertThat(acmeAdmin
                        .patch("/api/users/" + user.path("id").asString(), Map.of("password", "second-password"))
                        .status())
                .isEqualTo(200);

        assertThat(client.post("/api/auth/refresh", Map.of("refreshToken", refresh))
                        .status())
                .isEqualTo(401);
        assertThat(client.post(
                                "/api/auth/login",
                                Map.of(
                                        "organization",
                                        "acme",
                                        "email",
                                        "forgetful@acme.example",
                                        "password",
                                        "first-password"))
                        .status())
                .isEqualTo(401);
        login(client, Map.of("organization", "acme", "email", "forgetful@acme.example", "password", "second-password"));
        assertThat(acmeAdmin
                        .patch("/api/users/" + user.path("id").asString(), Map.of("password", "short"))
                        .problemType())
                .isEqualTo("weak-password");
    }

    @Test
    void changedEmailMovesTheDirectoryEntryAndDeletedUserDisappearsFromIt() {
        JsonNode user = IdentityFixtures.user(
                acmeAdmin, Map.of("email", "old@acme.example", "name", "O", "password", "mover-password"));
        String id = user.path("id").asString();

        JsonNode patched = acmeAdmin
                .patch("/api/users/" + id, Map.of("email", "new@acme.example", "name", "N"))
                .json();
        assertThat(patched.path("version").asLong()).isEqualTo(2);
        assertThat(client.post("/api/auth/login", Map.of("email", "old@acme.example", "password", "mover-password"))
                        .status())
                .isEqualTo(401);
        login(client, Map.of("email", "new@acme.example", "password", "mover-password"));

        assertThat(acmeAdmin.delete("/api/users/" + id).status()).isEqualTo(204);
        assertThat(acmeAdmin.get("/api/users/" + id).problemType()).isEqualTo("user-not-found");
        assertThat(silo.control()
                        .query("SELECT count(*) FROM directory WHERE user_id = ?::uuid", row -> row.getLong(1), id))
                .containsExactly(0L);
    }

    @Test
    void listingPagesWithACursorAndFilters() {
        for (int i = 0; i < 3; i++) {
            IdentityFixtures.user(
                    acmeAdmin,
                    Map.of("email", "paged" + i + "@acme.example", "name", "Paged " + i, "password", "paged-password"));
        }

        JsonNode first = acmeAdmin.get("/api/users?q=paged&limit=2").json();
        assertThat(first.path("items")).hasSize(2);
        JsonNode second = acmeAdmin
                .get("/api/users?q=paged&limit=2&cursor="
                        + first.path("nextCursor").asString())
                .json();
        assertThat(second.path("items")).hasSize(1);
        assertThat(second.path("nextCursor").isNull()).isTrue();
        assertThat(acmeAdmin.get("/api/users?cursor=garbage").problemType()).isEqualTo("invalid-cursor");
        assertThat(acmeAdmin.get("/api/users?status=sleeping").problemType()).isEqualTo("invalid-status");
    }

    @Test
    void userManagementAndSignInsAreRecordedInTheOrganizationsActivityLog() {
        JsonNode user = IdentityFixtures.user(
                acmeAdmin, Map.of("email", "watched@acme.example", "name", "W", "password", "watched-password"));
        login(client, Map.of("organization", "acme", "email", "watched@acme.example", "password", "watched-password"));
        client.post(
                "/api/auth/login",
                Map.of("organization", "acme", "email", "watched@acme.example", "password", "wrong-password"));
        acmeAdmin.delete("/api/users/" + user.path("id").asString());

        String core = silo.control()
                .query(
                        "SELECT d.database_name FROM tenant_databases d JOIN tenants t ON t.id = d.tenant_id"
                                + " WHERE t.slug = 'acme' AND d.service = 'core'",
                        row -> row.getString(1))
                .getFirst();
        List<String> actions = TestPostgres.primary()
                .jdbc(core)
                .query(
                        "SELECT action || ' by ' || coalesce(username, '') FROM silo_activity WHERE target_id = ? ORDER BY id",
                        row -> row.getString(1),
                        user.path("id").asString());
        assertThat(actions)
                .containsExactly(
                        "user.create by owner@acme.example",
                        "login by watched@acme.example",
                        "login.failed by watched@acme.example",
                        "user.delete by owner@acme.example");
        assertThat(TestPostgres.primary()
                        .jdbc(core)
                        .query(
                                "SELECT count(*) FROM silo_activity WHERE ip_address IS NULL OR request_id IS NULL",
                                row -> row.getLong(1)))
                .containsExactly(0L);
    }

    @Test
    void aMemberOfOneOrganizationCannotReachAnotherThroughAnyIdentityPath() {
        SiloClient rivalAdmin = IdentityFixtures.member(client, "rival", "owner@rival.example", PASSWORD);
        JsonNode rivalUser = IdentityFixtures.user(
                rivalAdmin, Map.of("email", "secret@rival.example", "name", "S", "password", "rival-password"));
        String rivalId = rivalUser.path("id").asString();
        String rivalOrg = client.asAdmin()
                .get("/api/organizations/rival")
                .json()
                .path("id")
                .asString();

        assertThat(acmeAdmin.get("/api/users/" + rivalId).problemType()).isEqualTo("user-not-found");
        assertThat(acmeAdmin
                        .patch("/api/users/" + rivalId, Map.of("status", "disabled"))
                        .problemType())
                .isEqualTo("user-not-found");
        assertThat(acmeAdmin
                        .patch("/api/users/" + rivalId, Map.of("password", "taken-over-pass"))
                        .problemType())
                .isEqualTo("user-not-found");
        assertThat(acmeAdmin.delete("/api/users/" + rivalId).problemType()).isEqualTo("user-not-found");
        assertThat(acmeAdmin.get("/api/users").json().path("items").findValuesAsString("email"))
                .doesNotContain("secret@rival.example");
        assertThat(client.post(
                                "/api/auth/login",
                                Map.of("organization", "rival", "email", "owner@acme.example", "password", PASSWORD))
                        .problemType())
                .isEqualTo("invalid-credentials");
        assertThat(client.post(
                                "/api/auth/login",
                                Map.of("organization", rivalOrg, "email", "owner@acme.example", "password", PASSWORD))
                        .problemType())
                .isEqualTo("invalid-credentials");

        String token = login(
                        client, Map.of("organization", "acme", "email", "owner@acme.example", "password", PASSWORD))
                .path("accessToken")
                .asString();
        String forged = withClaims(token, Map.of("org", rivalOrg, "org_slug", "rival"));
        assertThat(client.as(forged).get("/api/users").problemType()).isEqualTo("invalid-token");
        assertThat(client.as(forged).get("/api/auth/me").status()).isEqualTo(401);
        assertThat(rivalAdmin.get("/api/users/" + rivalId).json().path("status").asString())
                .isEqualTo("active");
    }

    /** The token with some claims replaced and the original signature kept: what an attacker can make without the key. */
    private static String withClaims(String token, Map<String, Object> changes) {
        String[] parts = token.split("\\.");
        java.util.Base64.Decoder decoder = java.util.Base64.getUrlDecoder();
        JsonNode claims =
                io.silo.json.Json.read(new String(decoder.decode(parts[1]), java.nio.charset.StandardCharsets.UTF_8));
        Map<String, Object> map = new HashMap<>(io.silo.json.Json.mapper()
                .convertValue(claims, new tools.jackson.core.type.TypeReference<Map<String, Object>>() {}));
        map.putAll(changes);
        String payload = java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(io.silo.json.Json.write(map).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return parts[0] + "." + payload + "." + parts[2];
    }
}
