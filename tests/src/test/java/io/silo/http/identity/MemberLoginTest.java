package io.silo.http.identity;

import static io.silo.http.identity.IdentityFixtures.PASSWORD;
import static io.silo.http.identity.IdentityFixtures.login;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
import io.silo.testing.TestSilo;
import java.util.List;
import java.util.Map;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Every way the seeds' users signed in, against real core databases: organization and email,
 * email alone (one organization or several), organization and username, username alone; and what a stranger can
 * and cannot learn from the answers.
 */
@SiloTest
class MemberLoginTest {
    private final SiloClient client;
    private final SiloClient platformAdmin;
    private final TestSilo silo;

    MemberLoginTest(SiloClient client, TestSilo silo) {
        this.client = client;
        this.platformAdmin = client.asAdmin();
        this.silo = silo;
    }

    @BeforeAll
    static void organizations(SiloClient client) {
        SiloClient platformAdmin = client.asAdmin();
        IdentityFixtures.create(
                platformAdmin, "techcorp", List.of("billing", "crm", "pingora"), "owner@techcorp.example", Map.of());
        IdentityFixtures.create(platformAdmin, "globex", List.of("crm"), "owner@globex.example", Map.of());
        IdentityFixtures.create(platformAdmin, "initech", List.of("billing"), "owner@initech.example", Map.of());
        IdentityFixtures.create(platformAdmin, "umbrella", List.of("billing"), "owner@umbrella.example", Map.of());
        IdentityFixtures.create(
                platformAdmin,
                "green-valley",
                List.of("school"),
                "office@greenvalley.example",
                Map.of(
                        "admin",
                        Map.of(
                                "email",
                                "office@greenvalley.example",
                                "username",
                                "principal",
                                "name",
                                "The Principal",
                                "password",
                                PASSWORD)));
        // one consultant in three organizations: the same password in two of them, another in the third
        SiloClient globexAdmin = IdentityFixtures.member(client, "globex", "owner@globex.example", PASSWORD);
        SiloClient initechAdmin = IdentityFixtures.member(client, "initech", "owner@initech.example", PASSWORD);
        SiloClient umbrellaAdmin = IdentityFixtures.member(client, "umbrella", "owner@umbrella.example", PASSWORD);
        IdentityFixtures.user(
                globexAdmin, Map.of("email", "consultant@example.org", "name", "C", "password", "consultant-shared-1"));
        IdentityFixtures.user(
                initechAdmin,
                Map.of("email", "consultant@example.org", "name", "C", "password", "consultant-shared-1"));
        IdentityFixtures.user(
                umbrellaAdmin,
                Map.of("email", "consultant@example.org", "name", "C", "password", "consultant-other-22"));
        IdentityFixtures.user(
                globexAdmin, Map.of("username", "shared.consultant", "name", "C", "password", "consultant-shared-1"));
        IdentityFixtures.user(
                umbrellaAdmin, Map.of("username", "shared.consultant", "name", "C", "password", "consultant-other-22"));
        SiloClient school = IdentityFixtures.member(client, "green-valley", "office@greenvalley.example", PASSWORD);
        IdentityFixtures.user(
                school,
                Map.of(
                        "username",
                        "Student42",
                        "name",
                        "A Student",
                        "password",
                        "student-password",
                        "services",
                        Map.of("school", "student")));
    }

    @Test
    void organizationAndEmailSignInAnswersUserOrganizationAndTheServicesTheUserMayUse() {
        JsonNode body = login(
                client, Map.of("organization", "techcorp", "email", "OWNER@techcorp.example", "password", PASSWORD));

        assertThat(body.path("tokenType").asString()).isEqualTo("Bearer");
        assertThat(body.path("refreshToken").asString()).isNotBlank();
        assertThat(body.path("expiresIn").asInt()).isEqualTo(900);
        assertThat(body.path("user").path("email").asString()).isEqualTo("owner@techcorp.example");
        assertThat(body.path("user").path("roles").path("core").asString()).isEqualTo("admin");
        assertThat(body.path("user").has("passwordHash")).isFalse();
        assertThat(body.path("organization").path("slug").asString()).isEqualTo("techcorp");
        assertThat(body.path("services").valueStream().map(JsonNode::asString).toList())
                .containsExactly("billing", "crm", "pingora");
    }

    @Test
    void organizationMayBeNamedByIdInsteadOfSlug() {
        String id = platformAdmin
                .get("/api/organizations/techcorp")
                .json()
                .path("id")
                .asString();

        JsonNode body =
                login(client, Map.of("organization", id, "email", "owner@techcorp.example", "password", PASSWORD));

        assertThat(body.path("organization").path("id").asString()).isEqualTo(id);
    }

    @Test
    void emailAloneFindsTheOnlyOrganization() {
        JsonNode body = login(client, Map.of("email", "owner@globex.example", "password", PASSWORD));

        assertThat(body.path("organization").path("slug").asString()).isEqualTo("globex");
        assertThat(body.path("services").valueStream().map(JsonNode::asString).toList())
                .containsExactly("crm");
    }

    /**
     * One password check per request: an email alone in several organizations is not checked
     * against each (that cost one argon2id run per organization, for anyone who knew such an email),
     * and answers like a wrong password, whose detail says to name the organization.
     */
    @Test
    void emailInSeveralOrganizationsAnswersLikeAWrongPasswordAndSaysToNameTheOrganization() {
        long runs = silo.silo().application().passwordHasher().runs();
        SiloClient.Response right = client.post(
                "/api/auth/login", Map.of("email", "consultant@example.org", "password", "consultant-other-22"));
        SiloClient.Response wrong = client.post(
                "/api/auth/login", Map.of("email", "consultant@example.org", "password", "guess-guess-guess"));
        SiloClient.Response unknown = client.post(
                "/api/auth/login", Map.of("email", "nobody-here@example.org", "password", "guess-guess-guess"));

        for (SiloClient.Response response : List.of(right, wrong, unknown)) {
            assertThat(response.status()).isEqualTo(401);
            assertThat(response.problemType()).isEqualTo("invalid-credentials");
            assertThat(response.json().path("detail").asString()).contains("name", "organization");
            assertThat(response.json().has("organizations")).isFalse();
        }
        assertThat(silo.silo().application().passwordHasher().runs() - runs)
                .as("one argon2id run per request, whatever the email")
                .isEqualTo(3);
    }

    @Test
    void ambiguousEmailSignsInOnceTheOrganizationIsNamed() {
        JsonNode body = login(
                client,
                Map.of(
                        "organization",
                        "initech",
                        "email",
                        "consultant@example.org",
                        "password",
                        "consultant-shared-1"));

        assertThat(body.path("organization").path("slug").asString()).isEqualTo("initech");
        assertThat(body.path("user").path("roles").path("core").asString()).isEqualTo("member");
    }

    @Test
    void schoolStyleUsernameAndOrganizationSignIn() {
        JsonNode body = login(
                client,
                Map.of("organization", "green-valley", "username", "student42", "password", "student-password"));

        assertThat(body.path("user").path("username").asString()).isEqualTo("student42");
        assertThat(body.path("services").valueStream().map(JsonNode::asString).toList())
                .containsExactly("school");
    }

    /** Issue 17: the school's users sign in by username alone, found in the directory like an email alone. */
    @Test
    void usernameAloneFindsTheOnlyOrganization() {
        long runs = silo.silo().application().passwordHasher().runs();

        JsonNode body = login(client, Map.of("username", "Student42", "password", "student-password"));

        assertThat(body.path("organization").path("slug").asString()).isEqualTo("green-valley");
        assertThat(body.path("user").path("username").asString()).isEqualTo("student42");
        assertThat(body.path("services").valueStream().map(JsonNode::asString).toList())
                .containsExactly("school");
        assertThat(silo.silo().application().passwordHasher().runs() - runs)
                .as("one argon2id run")
                .isEqualTo(1);
        SiloClient.Response wrong =
                client.post("/api/auth/login", Map.of("username", "student42", "password", "guess-guess-guess"));
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.problemType()).isEqualTo("invalid-credentials");
    }

    /** A username is unique inside its organization only: in several, it answers as an email in several does. */
    @Test
    void usernameInSeveralOrganizationsAnswersLikeAWrongPasswordAndSaysToNameTheOrganization() {
        long runs = silo.silo().application().passwordHasher().runs();
        SiloClient.Response right = client.post(
                "/api/auth/login", Map.of("username", "shared.consultant", "password", "consultant-other-22"));
        SiloClient.Response wrong = client.post(
                "/api/auth/login", Map.of("username", "shared.consultant", "password", "guess-guess-guess"));
        SiloClient.Response unknown =
                client.post("/api/auth/login", Map.of("username", "nobody.here", "password", "guess-guess-guess"));

        for (SiloClient.Response response : List.of(right, wrong, unknown)) {
            assertThat(response.status()).isEqualTo(401);
            assertThat(response.problemType()).isEqualTo("invalid-credentials");
            assertThat(response.json().path("detail").asString()).contains("name", "organization");
        }
        assertThat(silo.silo().application().passwordHasher().runs() - runs)
                .as("one argon2id run per request, whatever the username")
                .isEqualTo(3);
        JsonNode named = login(
                client,
                Map.of("organization", "umbrella", "username", "shared.consultant", "password", "consultant-other-22"));
        assertThat(named.path("organization").path("slug").asString()).isEqualTo("umbrella");
    }

    @Test
    void wrongPasswordUnknownEmailAndUnknownOrganizationGetTheSameAnswer() {
        List<SiloClient.Response> answers = List.of(
                client.post(
                        "/api/auth/login",
                        Map.of(
                                "organization",
                                "techcorp",
                                "email",
                                "owner@techcorp.example",
                                "password",
                                "wrong-password-1")),
                client.post(
                        "/api/auth/login",
                        Map.of(
                                "organization",
                                "techcorp",
                                "email",
                                "nobody@techcorp.example",
                                "password",
                                "wrong-password-1")),
                client.post(
                        "/api/auth/login",
                        Map.of("organization", "no-such-org", "email", "owner@techcorp.example", "password", PASSWORD)),
                client.post(
                        "/api/auth/login", Map.of("email", "nobody@nowhere.example", "password", "wrong-password-1")));

        assertThat(answers).allSatisfy(answer -> {
            assertThat(answer.status()).isEqualTo(401);
            assertThat(answer.problemType()).isEqualTo("invalid-credentials");
            assertThat(answer.json().path("detail"))
                    .isEqualTo(answers.getFirst().json().path("detail"));
        });
    }

    @Test
    void meTellsMembersAndPlatformAdministratorsWhoTheyAre() {
        JsonNode login = login(
                client, Map.of("organization", "techcorp", "email", "owner@techcorp.example", "password", PASSWORD));

        JsonNode me = client.as(login.path("accessToken").asString())
                .get("/api/auth/me")
                .json();
        assertThat(me.path("kind").asString()).isEqualTo("user");
        assertThat(me.path("user").path("id").asString())
                .isEqualTo(login.path("user").path("id").asString());
        assertThat(me.path("organization").path("slug").asString()).isEqualTo("techcorp");

        JsonNode admin = platformAdmin.get("/api/auth/me").json();
        assertThat(admin.path("kind").asString()).isEqualTo("admin");
        assertThat(admin.path("email").asString()).isEqualTo(TestSilo.ADMIN_EMAIL);
    }

    @Test
    void memberRefreshRotatesAndReplayRevokesTheSession() {
        String first = login(
                        client, Map.of("organization", "globex", "email", "owner@globex.example", "password", PASSWORD))
                .path("refreshToken")
                .asString();

        SiloClient.Response refreshed = client.post("/api/auth/refresh", Map.of("refreshToken", first));
        assertThat(refreshed.status()).as(refreshed.text()).isEqualTo(200);
        String second = refreshed.json().path("refreshToken").asString();
        assertThat(client.as(refreshed.json().path("accessToken").asString())
                        .get("/api/auth/me")
                        .json()
                        .path("organization")
                        .path("slug")
                        .asString())
                .isEqualTo("globex");

        SiloClient.Response replay = client.post("/api/auth/refresh", Map.of("refreshToken", first));
        assertThat(replay.problemType()).isEqualTo("refresh-token-reused");
        assertThat(client.post("/api/auth/refresh", Map.of("refreshToken", second))
                        .status())
                .isEqualTo(401);
    }

    @Test
    void memberLogoutEndsTheSessionButNotSomeoneElses() {
        JsonNode mine =
                login(client, Map.of("organization", "globex", "email", "owner@globex.example", "password", PASSWORD));
        JsonNode theirs = login(
                client, Map.of("organization", "techcorp", "email", "owner@techcorp.example", "password", PASSWORD));
        SiloClient me = client.as(mine.path("accessToken").asString());

        assertThat(me.post(
                                "/api/auth/logout",
                                Map.of(
                                        "refreshToken",
                                        theirs.path("refreshToken").asString()))
                        .status())
                .isEqualTo(204);
        assertThat(client.post(
                                "/api/auth/refresh",
                                Map.of(
                                        "refreshToken",
                                        theirs.path("refreshToken").asString()))
                        .status())
                .as("someone else's refresh token is left alone")
                .isEqualTo(200);

        assertThat(me.post(
                                "/api/auth/logout",
                                Map.of("refreshToken", mine.path("refreshToken").asString()))
                        .status())
                .isEqualTo(204);
        assertThat(client.post(
                                "/api/auth/refresh",
                                Map.of("refreshToken", mine.path("refreshToken").asString()))
                        .problemType())
                .isEqualTo("invalid-refresh-token");
    }

    @Test
    void logoutNeedsOnlyTheRefreshTokenSoAnExpiredAccessTokenCannotKeepASessionAlive() {
        String refresh = login(
                        client, Map.of("organization", "globex", "email", "owner@globex.example", "password", PASSWORD))
                .path("refreshToken")
                .asString();

        assertThat(client.as("expired.or.garbage")
                        .post("/api/auth/logout", Map.of("refreshToken", refresh))
                        .status())
                .isEqualTo(204);

        assertThat(client.post("/api/auth/refresh", Map.of("refreshToken", refresh))
                        .status())
                .isEqualTo(401);
    }

    /** No account has a password over 1,024 characters: refused before any lookup, so no time tells (issue 15, M2). */
    @Test
    void anOverLongPasswordIsRefusedBeforeAnyAccountIsLookedUp() {
        String tooLong = "x".repeat(1025);
        for (String path : List.of("/api/auth/login", "/api/admin/auth/login")) {
            SiloClient.Response refused =
                    client.post(path, Map.of("email", "owner@techcorp.example", "password", tooLong));
            assertThat(refused.status()).as(path + ": " + refused.text()).isEqualTo(400);
            assertThat(refused.problemType()).isEqualTo("field-too-long");
            assertThat(refused.json().path("field").asString()).isEqualTo("password");
        }
    }

    @Test
    void suspendedOrganizationCannotSignInOrRefreshAndOnlyTheRightPasswordLearnsWhy() {
        IdentityFixtures.create(platformAdmin, "sleepy", List.of("crm"), "owner@sleepy.example", Map.of());
        String refresh = login(
                        client, Map.of("organization", "sleepy", "email", "owner@sleepy.example", "password", PASSWORD))
                .path("refreshToken")
                .asString();
        assertThat(platformAdmin
                        .post("/api/organizations/sleepy/suspend", Map.of("reason", "unpaid"))
                        .status())
                .isEqualTo(200);

        SiloClient.Response right = client.post(
                "/api/auth/login",
                Map.of("organization", "sleepy", "email", "owner@sleepy.example", "password", PASSWORD));
        SiloClient.Response wrong = client.post(
                "/api/auth/login",
                Map.of("organization", "sleepy", "email", "owner@sleepy.example", "password", "not-the-password"));
        SiloClient.Response emailOnly =
                client.post("/api/auth/login", Map.of("email", "owner@sleepy.example", "password", PASSWORD));

        assertThat(right.status()).isEqualTo(403);
        assertThat(right.problemType()).isEqualTo("organization-suspended");
        assertThat(wrong.problemType()).isEqualTo("invalid-credentials");
        assertThat(emailOnly.problemType()).isEqualTo("organization-suspended");
        assertThat(client.post("/api/auth/refresh", Map.of("refreshToken", refresh))
                        .status())
                .isEqualTo(401);
    }

    @Test
    void tokenVerifiesWithAnIndependentLibraryFromTheJwksDocumentAlone() throws Exception {
        JsonNode login = login(
                client, Map.of("organization", "techcorp", "email", "owner@techcorp.example", "password", PASSWORD));
        String jwks = client.get("/.well-known/jwks.json").text();

        JwtConsumer consumer = new JwtConsumerBuilder()
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(new JsonWebKeySet(jwks).getJsonWebKeys()))
                .setExpectedIssuer("silo")
                .setExpectedAudience("silo")
                .setExpectedType(true, "at+jwt")
                .setRequireExpirationTime()
                .setRequireSubject()
                .build();
        JwtClaims claims = consumer.processToClaims(login.path("accessToken").asString());

        assertThat(claims.getSubject()).isEqualTo(login.path("user").path("id").asString());
        assertThat(claims.getStringClaimValue("org"))
                .isEqualTo(login.path("organization").path("id").asString());
        assertThat(claims.getStringClaimValue("org_slug")).isEqualTo("techcorp");
        assertThat(claims.getClaimsMap().get("roles"))
                .isEqualTo(Map.of("core", "admin", "billing", "admin", "crm", "admin", "pingora", "admin"));
        String[] parts = login.path("accessToken").asString().split("\\.");
        String forged = parts[0] + "." + parts[1].substring(0, parts[1].length() - 2) + "AA." + parts[2];
        assertThatThrownBy(() -> consumer.process(forged)).isInstanceOf(InvalidJwtException.class);
    }
}
