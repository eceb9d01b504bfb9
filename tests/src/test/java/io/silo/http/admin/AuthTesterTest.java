package io.silo.http.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.testing.SiloClient;
import io.silo.testing.TestSilo;
import io.silo.testing.TestTenants;
import io.silo.testing.TestTenants.TestTenant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The authentication tester ({@code POST /api/admin/auth/test}) tells a platform administrator what a
 * member's sign-in would answer, and to which services with which role, without signing in: no
 * session, no lock, no spent sign-in budget of the member, and a record in the master audit log.
 */
class AuthTesterTest {
    private static TestSilo silo;
    private static SiloClient admin;
    private static TestTenant shop;

    @BeforeAll
    static void start() {
        silo = TestSilo.start(
                1,
                Map.of(
                        "SILO_LOGIN_LOCK_THRESHOLD", "3",
                        "SILO_LOGIN_MAX_FAILURES_PER_ACCOUNT", "4",
                        "SILO_LOGIN_MAX_FAILURES_PER_ADDRESS", "1000"));
        admin = silo.client().asAdmin();
        shop = TestTenants.create(silo.client(), "Tester Shop", List.of("billing", "crm"));
        TestTenants.addMember(shop, "mia@tester.example", Map.of("crm", "manager"));
    }

    @AfterAll
    static void stop() {
        silo.close();
    }

    private static SiloClient.Response test(String login, String password) {
        return admin.post(
                "/api/admin/auth/test", Map.of("organization", shop.slug(), "email", login, "password", password));
    }

    private static long refreshTokens() {
        return silo.control()
                .queryOne("SELECT count(*) FROM refresh_tokens", row -> row.getLong(1))
                .orElseThrow();
    }

    @Test
    void theRightPasswordTellsTheServicesAndRolesWithoutASession() {
        long sessionsBefore = refreshTokens();

        SiloClient.Response answer = test("mia@tester.example", TestTenants.PASSWORD);

        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        JsonNode body = answer.json();
        assertThat(body.path("outcome").asString()).isEqualTo("accepted");
        assertThat(body.path("user").path("email").asString()).isEqualTo("mia@tester.example");
        assertThat(body.path("coreRole").asString()).isEqualTo("member");
        assertThat(body.path("services").properties())
                .extracting(Map.Entry::getKey)
                .containsExactly("crm");
        assertThat(body.path("services").path("crm").asString()).isEqualTo("manager");
        assertThat(body.has("accessToken")).isFalse();
        assertThat(refreshTokens()).as("no session was issued").isEqualTo(sessionsBefore);
        JsonNode audited = admin.get("/api/admin/activity?tenant=" + shop.id() + "&limit=5")
                .json()
                .path("items");
        assertThat(audited.toString()).contains("auth.test", "mia@tester.example", "accepted");
        assertThat(audited.toString()).doesNotContain(TestTenants.PASSWORD);
    }

    @Test
    void wrongPasswordsAreThrottledLikeASignInButNeverLockOrThrottleTheMember() {
        String member = TestTenants.addMember(shop, "noah@tester.example", Map.of("billing", "user"))
                .path("email")
                .asString();
        // past the lock threshold (3) and the member's failure budget (4): had they counted, the member
        // would now be locked out and throttled
        for (int i = 0; i < 4; i++) {
            SiloClient.Response wrong = test(member, "not the password " + i);
            assertThat(wrong.status()).as(wrong.text()).isEqualTo(200);
            assertThat(wrong.json().path("outcome").asString()).isEqualTo("invalid-credentials");
            assertThat(wrong.json().path("user").isNull()).isTrue();
        }
        SiloClient.Response throttled = test(member, "not the password either");
        assertThat(throttled.status()).as("the tester's own budget is spent").isEqualTo(429);
        assertThat(throttled.problemType()).isEqualTo("too-many-attempts");

        SiloClient.Response signIn = silo.client()
                .post(
                        "/api/auth/login",
                        Map.of("organization", shop.slug(), "email", member, "password", TestTenants.PASSWORD));
        assertThat(signIn.status()).as(signIn.text()).isEqualTo(200);
    }

    @Test
    void aSuspendedOrganizationsMemberIsToldApartFromAWrongPassword() {
        TestTenant closed = TestTenants.create(silo.client(), "Tester Closed", List.of("crm"));
        assertThat(admin.post("/api/organizations/" + closed.slug() + "/suspend", Map.of("reason", "test"))
                        .status())
                .isEqualTo(200);

        SiloClient.Response answer = admin.post(
                "/api/admin/auth/test",
                Map.of("organization", closed.slug(), "email", closed.adminEmail(), "password", TestTenants.PASSWORD));

        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(answer.json().path("outcome").asString()).isEqualTo("organization-suspended");
    }
}
