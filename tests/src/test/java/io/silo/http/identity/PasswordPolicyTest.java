package io.silo.http.identity;

import static io.silo.http.identity.IdentityFixtures.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.app.identity.NewMember;
import io.silo.app.session.Principal;
import io.silo.audit.AuditEntry;
import io.silo.identity.User;
import io.silo.json.Json;
import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
import io.silo.testing.TestSilo;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Issue 17's password policy: the deployment's floor (10 characters), an organization's stricter
 * minimum set by a platform administrator and enforced wherever a password is set, and the demo
 * loader's in-process way below the floor for its own accounts only.
 */
@SiloTest
class PasswordPolicyTest {
    private final SiloClient client;
    private final SiloClient platformAdmin;
    private final TestSilo silo;

    PasswordPolicyTest(SiloClient client, TestSilo silo) {
        this.client = client;
        this.platformAdmin = client.asAdmin();
        this.silo = silo;
    }

    @BeforeAll
    static void organizations(SiloClient client) {
        SiloClient platformAdmin = client.asAdmin();
        IdentityFixtures.create(platformAdmin, "strict-co", List.of("crm"), "owner@strict.example", Map.of());
        IdentityFixtures.create(platformAdmin, "lenient-co", List.of("crm"), "owner@lenient.example", Map.of());
        IdentityFixtures.create(platformAdmin, "demo-co", List.of("crm"), "owner@demo.example", Map.of());
    }

    @Test
    void organizationWithoutAPolicyOfItsOwnHasTheDeploymentsTenCharacters() {
        JsonNode organization =
                platformAdmin.get("/api/organizations/lenient-co").json();
        assertThat(organization.path("passwordPolicy").isNull()).isTrue();
        SiloClient admin = IdentityFixtures.member(client, "lenient-co", "owner@lenient.example", PASSWORD);

        SiloClient.Response nine =
                admin.post("/api/users", Map.of("email", "nine@lenient.example", "name", "N", "password", "123456789"));
        SiloClient.Response ten =
                admin.post("/api/users", Map.of("email", "ten@lenient.example", "name", "T", "password", "1234567890"));

        assertThat(nine.status()).isEqualTo(422);
        assertThat(nine.problemType()).isEqualTo("weak-password");
        assertThat(nine.json().path("minLength").asInt()).isEqualTo(10);
        assertThat(ten.status()).as(ten.text()).isEqualTo(201);
    }

    @Test
    void aStricterOrganizationPolicyIsShownAndEnforcedOnCreateAndOnPatch() {
        SiloClient.Response patched =
                platformAdmin.patch("/api/organizations/strict-co", Map.of("passwordPolicy", Map.of("minLength", 16)));
        assertThat(patched.status()).as(patched.text()).isEqualTo(200);
        assertThat(patched.json().path("passwordPolicy").path("minLength").asInt())
                .isEqualTo(16);
        assertThat(platformAdmin
                        .get("/api/organizations/strict-co")
                        .json()
                        .path("passwordPolicy")
                        .path("minLength")
                        .asInt())
                .isEqualTo(16);
        SiloClient admin = IdentityFixtures.member(client, "strict-co", "owner@strict.example", PASSWORD);

        SiloClient.Response tooShort = admin.post(
                "/api/users", Map.of("email", "short@strict.example", "name", "S", "password", "fifteen-chars-x"));
        assertThat(tooShort.status()).isEqualTo(422);
        assertThat(tooShort.problemType()).isEqualTo("weak-password");
        assertThat(tooShort.json().path("minLength").asInt()).isEqualTo(16);

        JsonNode user = IdentityFixtures.user(
                admin, Map.of("email", "long@strict.example", "name", "L", "password", "sixteen-chars-xx"));
        String id = user.path("id").asString();
        SiloClient.Response shortPatch = admin.patch("/api/users/" + id, Map.of("password", "only-fourteen!"));
        assertThat(shortPatch.status()).isEqualTo(422);
        assertThat(shortPatch.problemType()).isEqualTo("weak-password");
        assertThat(admin.patch("/api/users/" + id, Map.of("password", "a-new-sixteen-pw"))
                        .status())
                .isEqualTo(200);

        // a policy raised later does not lock out a password set before it: it applies to the next one
        IdentityFixtures.login(
                client, Map.of("organization", "strict-co", "email", "owner@strict.example", "password", PASSWORD));
    }

    @Test
    void anOrganizationCannotGoBelowTheDeploymentsFloorAndBadPoliciesAre400() {
        assertThat(platformAdmin
                        .patch("/api/organizations/lenient-co", Map.of("passwordPolicy", Map.of("minLength", 4)))
                        .status())
                .isEqualTo(200);
        SiloClient admin = IdentityFixtures.member(client, "lenient-co", "owner@lenient.example", PASSWORD);
        assertThat(admin.post(
                                "/api/users",
                                Map.of("email", "four@lenient.example", "name", "F", "password", "abcdefghi"))
                        .problemType())
                .isEqualTo("weak-password");

        for (Object bad : List.of(
                Map.of("minLength", 0),
                Map.of("minLength", 1025),
                Map.of("minLength", "12"),
                Map.of("minLength", 12.5),
                Map.of("maxLength", 12),
                "12")) {
            SiloClient.Response response =
                    platformAdmin.patch("/api/organizations/lenient-co", Map.of("passwordPolicy", bad));
            assertThat(response.status()).as(bad + ": " + response.text()).isEqualTo(400);
        }
        SiloClient.Response cleared =
                platformAdmin.patch("/api/organizations/lenient-co", Json.read("{\"passwordPolicy\": null}"));
        assertThat(cleared.status()).as(cleared.text()).isEqualTo(200);
        assertThat(cleared.json().path("passwordPolicy").isNull()).isTrue();
    }

    @Test
    void anOrganizationsAdministratorSetsItsOwnPolicyAndNothingElse() {
        IdentityFixtures.create(platformAdmin, "self-set", List.of("crm"), "owner@self.example", Map.of());
        SiloClient admin = IdentityFixtures.member(client, "self-set", "owner@self.example", PASSWORD);
        IdentityFixtures.user(admin, Map.of("email", "clerk@self.example", "name", "C", "password", "clerk-password"));
        SiloClient clerk = IdentityFixtures.member(client, "self-set", "clerk@self.example", "clerk-password");
        SiloClient otherAdmin = IdentityFixtures.member(client, "lenient-co", "owner@lenient.example", PASSWORD);

        SiloClient.Response set =
                admin.patch("/api/organizations/self-set", Map.of("passwordPolicy", Map.of("minLength", 14)));
        assertThat(set.status()).as(set.text()).isEqualTo(200);
        assertThat(set.json().path("passwordPolicy").path("minLength").asInt()).isEqualTo(14);
        assertThat(set.json().has("quotas"))
                .as("no registry fields for a member")
                .isFalse();
        assertThat(platformAdmin
                        .get("/api/organizations/self-set")
                        .json()
                        .path("passwordPolicy")
                        .path("minLength")
                        .asInt())
                .isEqualTo(14);
        assertThat(admin.post(
                                "/api/users",
                                Map.of("email", "new@self.example", "name", "N", "password", "thirteen-char"))
                        .problemType())
                .isEqualTo("weak-password");

        List<SiloClient.Response> refused = List.of(
                admin.patch("/api/organizations/self-set", Map.of("quotas", Map.of("maxUsers", 1000))),
                admin.patch(
                        "/api/organizations/self-set",
                        Map.of("passwordPolicy", Map.of("minLength", 12), "notes", "mine")),
                clerk.patch("/api/organizations/self-set", Map.of("passwordPolicy", Map.of("minLength", 12))),
                otherAdmin.patch("/api/organizations/self-set", Map.of("passwordPolicy", Map.of("minLength", 12))),
                otherAdmin.patch("/api/organizations/no-such-org", Map.of("passwordPolicy", Map.of("minLength", 12))));
        for (SiloClient.Response response : refused) {
            assertThat(response.status()).as(response.text()).isEqualTo(403);
            assertThat(response.problemType()).isEqualTo("platform-admin-required");
        }
        assertThat(admin.get("/api/organizations/self-set").status()).isEqualTo(403);
        assertThat(platformAdmin
                        .get("/api/organizations/self-set")
                        .json()
                        .path("passwordPolicy")
                        .path("minLength")
                        .asInt())
                .isEqualTo(14);
    }

    /** The demo loader's accounts keep the seeds' short passwords; the same password over HTTP is refused. */
    @Test
    void theDemoLoadersOwnAccountsMayHaveShortPasswordsButNoHttpRequestMay() {
        JsonNode signedIn = IdentityFixtures.login(
                client, Map.of("organization", "demo-co", "email", "owner@demo.example", "password", PASSWORD));
        SiloClient admin = client.as(signedIn.path("accessToken").asString());
        assertThat(admin.post("/api/users", Map.of("email", "cashier@demo.example", "name", "C", "password", "cnf123"))
                        .problemType())
                .isEqualTo("weak-password");
        Principal.Member member = new Principal.Member(
                UUID.fromString(signedIn.path("user").path("id").asString()),
                UUID.fromString(signedIn.path("organization").path("id").asString()),
                "demo-co",
                Optional.empty(),
                Map.of("core", "admin", "crm", "admin"));

        User created = silo.silo()
                .application()
                .users()
                .createDemoAccount(
                        member,
                        new NewMember(
                                Optional.of("cashier@demo.example"),
                                Optional.empty(),
                                "Cashier",
                                "cnf123",
                                Json.read("{\"crm\": null}"),
                                Json.object()),
                        AuditEntry.Actor.system("demo"));

        assertThat(created.email()).contains("cashier@demo.example");
        JsonNode login = IdentityFixtures.login(
                client, Map.of("organization", "demo-co", "email", "cashier@demo.example", "password", "cnf123"));
        assertThat(login.path("user").path("id").asString())
                .isEqualTo(created.id().toString());
    }
}
