package io.silo.http.identity;

import static io.silo.http.identity.IdentityFixtures.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.testing.Eventually;
import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
import io.silo.testing.TestSilo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Issue 17: invitations by mail, from the administrator's invitation to the new user's first sign-in. */
@SiloTest
class InvitationsTest {
    private static final Pattern TOKEN = Pattern.compile("Token: (\\S+)");
    private final SiloClient client;
    private final TestSilo silo;

    InvitationsTest(SiloClient client, TestSilo silo) {
        this.client = client;
        this.silo = silo;
    }

    @BeforeAll
    static void organizations(SiloClient client) {
        SiloClient platformAdmin = client.asAdmin();
        IdentityFixtures.create(
                platformAdmin, "inviting", List.of("billing", "crm"), "owner@inviting.example", Map.of());
        IdentityFixtures.create(
                platformAdmin,
                "tiny-co",
                List.of("crm"),
                "owner@tiny.example",
                Map.of("quotas", Map.of("maxUsers", 2)));
        IdentityFixtures.create(platformAdmin, "other-co", List.of("crm"), "owner@other.example", Map.of());
    }

    private SiloClient admin(String org, String email) {
        return IdentityFixtures.member(client, org, email, PASSWORD);
    }

    @Test
    void anInvitedPersonSetsAPasswordAndSignsInWithTheRolesOfTheInvitation() {
        SiloClient admin = admin("inviting", "owner@inviting.example");
        SiloClient.Response invited = admin.post(
                "/api/invitations",
                Map.of("email", "New.Hire@inviting.example", "services", Map.of("billing", "manager")));
        assertThat(invited.status()).as(invited.text()).isEqualTo(201);
        assertThat(invited.json().path("email").asString()).isEqualTo("new.hire@inviting.example");
        assertThat(invited.json().path("services").path("billing").asString()).isEqualTo("manager");
        assertThat(admin.get("/api/invitations")
                        .json()
                        .path("items")
                        .valueStream()
                        .map(item -> item.path("email").asString()))
                .contains("new.hire@inviting.example");
        String token = tokenMailedTo("new.hire@inviting.example");
        assertThat(silo.control().query("SELECT token_hash FROM invitations", row -> row.getString(1)))
                .doesNotContain(token);

        assertThat(client.post(
                                "/api/invitations/accept",
                                Map.of("token", token, "name", "New Hire", "password", "short"))
                        .problemType())
                .as("the policy refuses before the invitation is used")
                .isEqualTo("weak-password");
        SiloClient.Response accepted = client.post(
                "/api/invitations/accept", Map.of("token", token, "name", "New Hire", "password", "new-hire-password"));
        assertThat(accepted.status()).as(accepted.text()).isEqualTo(201);

        JsonNode login = IdentityFixtures.login(
                client, Map.of("email", "new.hire@inviting.example", "password", "new-hire-password"));
        assertThat(login.path("user").path("roles").path("billing").asString()).isEqualTo("manager");
        assertThat(login.path("user").path("roles").path("core").asString()).isEqualTo("member");
        assertThat(login.path("services").valueStream().map(JsonNode::asString).toList())
                .containsExactly("billing");
        SiloClient.Response again = client.post(
                "/api/invitations/accept", Map.of("token", token, "name", "Again", "password", "new-hire-password"));
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.problemType()).isEqualTo("invalid-invitation-token");
        assertThat(admin.get("/api/invitations")
                        .json()
                        .path("items")
                        .valueStream()
                        .map(item -> item.path("email").asString()))
                .doesNotContain("new.hire@inviting.example");
    }

    @Test
    void aRevokedOrReplacedInvitationCannotBeAcceptedAndAnotherOrganizationCannotRevokeIt() {
        SiloClient admin = admin("inviting", "owner@inviting.example");
        String first = admin.post(
                        "/api/invitations", Map.of("email", "twice@inviting.example", "services", List.of("crm")))
                .json()
                .path("id")
                .asString();
        String firstToken = tokenMailedTo("twice@inviting.example");
        String second = admin.post(
                        "/api/invitations", Map.of("email", "twice@inviting.example", "services", List.of("crm")))
                .json()
                .path("id")
                .asString();
        assertThat(client.post(
                                "/api/invitations/accept",
                                Map.of("token", firstToken, "name", "T", "password", "twice-password"))
                        .problemType())
                .as("a new invitation replaces the pending one")
                .isEqualTo("invalid-invitation-token");
        assertThat(admin.delete("/api/invitations/" + first).status()).isEqualTo(404);

        SiloClient stranger = admin("other-co", "owner@other.example");
        SiloClient.Response foreign = stranger.delete("/api/invitations/" + second);
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.problemType()).isEqualTo("invitation-not-found");
        assertThat(stranger.get("/api/invitations").json().path("items").toString())
                .doesNotContain("twice@");

        assertThat(admin.delete("/api/invitations/" + second).status()).isEqualTo(204);
        String secondToken = lastTokenMailedTo("twice@inviting.example");
        assertThat(client.post(
                                "/api/invitations/accept",
                                Map.of("token", secondToken, "name", "T", "password", "twice-password"))
                        .problemType())
                .isEqualTo("invalid-invitation-token");
    }

    @Test
    void theQuotaIsCheckedOnAcceptanceAndARefusalLeavesTheInvitationUsable() {
        SiloClient admin = admin("tiny-co", "owner@tiny.example");
        admin.post("/api/invitations", Map.of("email", "one@tiny.example"));
        admin.post("/api/invitations", Map.of("email", "two@tiny.example"));
        String one = tokenMailedTo("one@tiny.example");
        String two = tokenMailedTo("two@tiny.example");
        assertThat(client.post(
                                "/api/invitations/accept",
                                Map.of("token", one, "name", "One", "password", "one-password-1"))
                        .status())
                .isEqualTo(201);

        SiloClient.Response full = client.post(
                "/api/invitations/accept", Map.of("token", two, "name", "Two", "password", "two-password-1"));
        assertThat(full.status()).isEqualTo(422);
        assertThat(full.problemType()).isEqualTo("quota-exceeded");
        client.asAdmin().patch("/api/organizations/tiny-co", Map.of("quotas", Map.of("maxUsers", 3)));
        assertThat(client.post(
                                "/api/invitations/accept",
                                Map.of("token", two, "name", "Two", "password", "two-password-1"))
                        .status())
                .as("the refused acceptance gave its claim back")
                .isEqualTo(201);
    }

    @Test
    void onlyAdministratorsInviteAndNobodyInvitesAnExistingUserOrAnUnknownRole() {
        SiloClient admin = admin("inviting", "owner@inviting.example");
        assertThat(admin.post("/api/invitations", Map.of("email", "owner@inviting.example"))
                        .problemType())
                .isEqualTo("email-taken");
        assertThat(admin.post(
                                "/api/invitations",
                                Map.of("email", "x@inviting.example", "services", Map.of("billing", "wizard")))
                        .status())
                .isEqualTo(422);
        assertThat(admin.post("/api/invitations", Map.of("email", "not an email"))
                        .status())
                .isEqualTo(400);
        IdentityFixtures.user(
                admin, Map.of("email", "plain@inviting.example", "name", "P", "password", "plain-password"));
        SiloClient plain = IdentityFixtures.member(client, "inviting", "plain@inviting.example", "plain-password");
        assertThat(plain.post("/api/invitations", Map.of("email", "y@inviting.example"))
                        .status())
                .isEqualTo(403);
        assertThat(plain.get("/api/invitations").status()).isEqualTo(403);
        assertThat(client.post("/api/invitations", Map.of("email", "y@inviting.example"))
                        .status())
                .isEqualTo(401);
    }

    private String tokenMailedTo(String to) {
        Eventually.until("an invitation to " + to, () -> !mailsTo(to).isEmpty());
        Matcher matcher = TOKEN.matcher(read(mailsTo(to).getFirst()));
        assertThat(matcher.find()).isTrue();
        return matcher.group(1);
    }

    private String lastTokenMailedTo(String to) {
        Matcher matcher = TOKEN.matcher(read(mailsTo(to).getLast()));
        assertThat(matcher.find()).isTrue();
        return matcher.group(1);
    }

    private List<Path> mailsTo(String to) {
        return IdentityFixtures.mailsTo(silo, to);
    }

    private static String read(Path file) {
        return IdentityFixtures.read(file);
    }
}
