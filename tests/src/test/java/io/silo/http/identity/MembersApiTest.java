package io.silo.http.identity;

import static io.silo.http.identity.IdentityFixtures.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The member list: members whose role may see it (pingora's roles, in the shipped templates) list
 * their organization's active members, public profile only; roles that may not, and platform
 * administrators, are refused; nobody sees another organization's users.
 */
@SiloTest
class MembersApiTest {
    private static final String ROSTER_PASSWORD = "roster-password-1";

    private static String teamLeadId;
    private static String quietId;
    private static String leaverId;
    private static String rivalUserId;

    private final SiloClient client;
    private final SiloClient acmeAdmin;

    MembersApiTest(SiloClient client) {
        this.client = client;
        this.acmeAdmin = IdentityFixtures.member(client, "acme", "owner@acme.example", PASSWORD);
    }

    @BeforeAll
    static void organizations(SiloClient client) {
        SiloClient platformAdmin = client.asAdmin();
        IdentityFixtures.create(
                platformAdmin, "acme", List.of("pingora", "crm", "billing"), "owner@acme.example", Map.of());
        IdentityFixtures.create(platformAdmin, "rival", List.of("pingora"), "owner@rival.example", Map.of());
        SiloClient admin = IdentityFixtures.member(client, "acme", "owner@acme.example", PASSWORD);
        teamLeadId = user(admin, "lead@acme.example", "lead", "Tess Lead", Map.of("pingora", "manager"));
        user(admin, "worker@acme.example", "worker", "Will Worker", Map.of("pingora", "user", "crm", "user"));
        user(admin, "seller@acme.example", null, "Sam Seller", Map.of("crm", "user"));
        user(admin, "clerk@acme.example", null, "Cleo Clerk", Map.of("billing", "manager"));
        quietId = user(admin, "secret.person@acme.example", null, "Quiet", Map.of("pingora", "user"));
        leaverId = user(admin, "leaver@acme.example", "leaver", "Lee Leaver", Map.of("pingora", "user"));
        SiloClient.Response disabled = admin.patch("/api/users/" + leaverId, Map.of("status", "disabled"));
        assertThat(disabled.status()).as(disabled.text()).isEqualTo(200);
        SiloClient rivalAdmin = IdentityFixtures.member(client, "rival", "owner@rival.example", PASSWORD);
        rivalUserId = user(rivalAdmin, "spy@rival.example", "spy", "Rival Person", Map.of("pingora", "user"));
    }

    @Test
    void aMemberWhoseRoleAllowsItSeesOnlyPublicProfilesOfActiveMembers() {
        SiloClient worker = signIn("worker@acme.example");

        JsonNode page = worker.get("/api/members?limit=500").json();

        List<String> names = names(page);
        assertThat(names)
                .containsExactlyInAnyOrder(
                        "Admin of acme", "Tess Lead", "Will Worker", "Sam Seller", "Cleo Clerk", "Quiet");
        assertThat(names).as("a disabled user is nobody's contact").doesNotContain("Lee Leaver");
        JsonNode lead = find(page, "Tess Lead");
        assertThat(lead.propertyNames()).containsExactly("id", "username", "name", "services");
        assertThat(lead.path("id").asString()).isEqualTo(teamLeadId);
        assertThat(lead.path("username").asString()).isEqualTo("lead");
        assertThat(lead.path("services").path("pingora").asString()).isEqualTo("manager");
        assertThat(lead.path("services").path("core").asString()).isEqualTo("member");
        assertThat(find(page, "Cleo Clerk").path("username").isNull()).isTrue();
        assertThat(page.toString())
                .as("no email, status, profile or sign-in detail of anyone")
                .doesNotContain("@acme.example", "active", "lastLoginAt", "profile", "version");

        SiloClient.Response one = worker.get("/api/members/" + teamLeadId);
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.json()).isEqualTo(lead);
        assertThat(worker.get("/api/members/" + leaverId).problemType()).isEqualTo("user-not-found");
    }

    @Test
    void theSearchLooksAtNamesAndUsernamesButNeverAtEmails() {
        SiloClient worker = signIn("worker@acme.example");

        assertThat(names(worker.get("/api/members?q=tess").json())).containsExactly("Tess Lead");
        assertThat(names(worker.get("/api/members?q=WORK").json())).containsExactly("Will Worker");
        assertThat(names(worker.get("/api/members?q=secret").json()))
                .as("whether someone's email contains a word is not for members to find out")
                .isEmpty();
        assertThat(names(worker.get("/api/members?q=" + encode("%")).json()))
                .as("a wildcard is a character like any other")
                .isEmpty();
        assertThat(names(worker.get("/api/members?q=quiet").json())).containsExactly("Quiet");
    }

    @Test
    void rostersAreFilteredByServiceAndRole() {
        SiloClient lead = signIn("lead@acme.example");

        assertThat(names(lead.get("/api/members?service=pingora&role=manager").json()))
                .containsExactly("Tess Lead");
        assertThat(names(lead.get("/api/members?service=crm").json()))
                .as("the first administrator holds each service's owner role")
                .containsExactlyInAnyOrder("Admin of acme", "Will Worker", "Sam Seller");
        assertThat(names(lead.get("/api/members?service=core&role=admin").json()))
                .containsExactly("Admin of acme");

        SiloClient.Response roleAlone = lead.get("/api/members?role=manager");
        assertThat(roleAlone.status()).isEqualTo(400);
        assertThat(roleAlone.problemType()).isEqualTo("missing-field");
        assertThat(lead.get("/api/members?service=astrology").problemType()).isEqualTo("unknown-service");
        assertThat(lead.get("/api/members?service=school").problemType()).isEqualTo("service-not-enabled");
        SiloClient.Response unknownRole = lead.get("/api/members?service=pingora&role=emperor");
        assertThat(unknownRole.status()).isEqualTo(422);
        assertThat(unknownRole.problemType()).isEqualTo("unknown-role");
    }

    @Test
    void pagesFollowEachOtherWithoutRepeatsOrGaps() {
        SiloClient worker = signIn("worker@acme.example");
        List<String> seen = new ArrayList<>();
        String path = "/api/members?limit=2";
        for (int pages = 0; pages < 10; pages++) {
            JsonNode page = worker.get(path).json();
            page.path("items").forEach(item -> seen.add(item.path("id").asString()));
            if (page.path("nextCursor").isNull()) {
                break;
            }
            path = "/api/members?limit=2&cursor="
                    + encode(page.path("nextCursor").asString());
        }

        assertThat(seen).hasSize(6).doesNotHaveDuplicates().contains(teamLeadId, quietId);
        assertThat(worker.get("/api/members?cursor=garbage").problemType()).isEqualTo("invalid-cursor");
    }

    @Test
    void theOrganizationsAdministratorAlwaysMayAndRolesThatDoNotSayItMayNot() {
        assertThat(acmeAdmin.get("/api/members").status())
                .as("an administrator with no role but core's")
                .isEqualTo(200);

        for (String email : List.of("seller@acme.example", "clerk@acme.example")) {
            SiloClient.Response refused = signIn(email).get("/api/members");
            assertThat(refused.status()).as(email).isEqualTo(403);
            assertThat(refused.problemType()).isEqualTo("member-list-forbidden");
            assertThat(signIn(email).get("/api/members/" + teamLeadId).problemType())
                    .isEqualTo("member-list-forbidden");
        }
        assertThat(client.asAdmin().get("/api/members").problemType()).isEqualTo("member-required");
        assertThat(client.get("/api/members").status()).isEqualTo(401);
    }

    @Test
    void anotherOrganizationsUsersAreNeitherListedNorFound() {
        SiloClient worker = signIn("worker@acme.example");

        SiloClient.Response rival = worker.get("/api/members/" + rivalUserId);
        assertThat(rival.status()).isEqualTo(404);
        assertThat(rival.problemType()).isEqualTo("user-not-found");
        assertThat(rival.text()).doesNotContain("Rival Person", "spy");
        assertThat(worker.get("/api/members?q=rival&limit=500").json().path("items"))
                .isEmpty();
        assertThat(worker.get("/api/members/not-a-uuid").problemType()).isEqualTo("invalid-id");
    }

    private SiloClient signIn(String email) {
        return IdentityFixtures.member(client, "acme", email, ROSTER_PASSWORD);
    }

    private static String user(
            SiloClient admin, String email, String username, String name, Map<String, String> services) {
        Map<String, Object> body =
                new HashMap<>(Map.of("email", email, "name", name, "password", ROSTER_PASSWORD, "services", services));
        if (username != null) {
            body.put("username", username);
        }
        body.put("profile", Map.of("phone", "+41 44 000 00 00"));
        return IdentityFixtures.user(admin, body).path("id").asString();
    }

    private static List<String> names(JsonNode page) {
        List<String> names = new ArrayList<>();
        page.path("items").forEach(item -> names.add(item.path("name").asString()));
        return names;
    }

    private static JsonNode find(JsonNode page, String name) {
        for (JsonNode item : page.path("items")) {
            if (item.path("name").asString().equals(name)) {
                return item;
            }
        }
        throw new AssertionError("no " + name + " in " + page);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
