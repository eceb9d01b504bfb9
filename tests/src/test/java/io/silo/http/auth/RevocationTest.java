package io.silo.http.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.app.SiloOptions;
import io.silo.testing.Eventually;
import io.silo.testing.SiloClient;
import io.silo.testing.TestSilo;
import io.silo.testing.TestTenants;
import io.silo.testing.TestTenants.TestTenant;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Revocation takes effect at once on every instance: two Silo instances share one control
 * database; a change made through the first ends the access tokens the second serves. Logout
 * ends that session only; deleting or disabling a user, removing a role and setting a password end
 * every session of that user. The waits are bounded, never asserted; the delays are logged.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RevocationTest {
    private static final Logger log = LoggerFactory.getLogger(RevocationTest.class);
    private static final Duration LIMIT = Duration.ofSeconds(5);

    private TestSilo first;
    private TestSilo second;
    private TestTenant acme;

    @BeforeAll
    void twoInstances() {
        first = TestSilo.start(1, Map.of());
        second = TestSilo.resume(first.config(), SiloOptions.server());
        acme = TestTenants.create(first.client(), "Revoked Co", List.of("billing"));
    }

    @AfterAll
    void stop() {
        second.close();
        first.close();
    }

    @Test
    void deletingAUserEndsItsTokensEverywhere() {
        assertRevokedBy(
                "deleted",
                id -> assertThat(acme.client().delete("/api/users/" + id).status())
                        .isEqualTo(204));
    }

    @Test
    void disablingAUserEndsItsTokensEverywhere() {
        assertRevokedBy(
                "disabled",
                id -> assertThat(acme.client()
                                .patch("/api/users/" + id, Map.of("status", "disabled"))
                                .status())
                        .isEqualTo(200));
    }

    @Test
    void removingARoleEndsItsTokensEverywhere() {
        assertRevokedBy(
                "lost-role",
                id -> assertThat(acme.client()
                                .patch(
                                        "/api/users/" + id,
                                        Map.of("services", java.util.Collections.singletonMap("billing", null)))
                                .status())
                        .isEqualTo(200));
    }

    @Test
    void aNewPasswordEndsEveryTokenIssuedBefore() {
        assertRevokedBy(
                "password",
                id -> assertThat(acme.client()
                                .patch("/api/users/" + id, Map.of("password", "a brand new password"))
                                .status())
                        .isEqualTo(200));
    }

    @Test
    void logoutEndsThatSessionOnlyOnEveryInstance() {
        String email = "twice@revoked.example";
        createUser(email);
        JsonNode phone = signIn(email);
        JsonNode laptop = signIn(email);
        SiloClient phoneOnSecond = second.client().as(phone.path("accessToken").asString());
        SiloClient laptopOnSecond =
                second.client().as(laptop.path("accessToken").asString());
        assertThat(phoneOnSecond.get("/api/auth/me").status()).isEqualTo(200);
        assertThat(laptopOnSecond.get("/api/auth/me").status()).isEqualTo(200);

        long start = System.nanoTime();
        assertThat(first.client()
                        .as(phone.path("accessToken").asString())
                        .post(
                                "/api/auth/logout",
                                Map.of(
                                        "refreshToken",
                                        phone.path("refreshToken").asString()))
                        .status())
                .isEqualTo(204);
        SiloClient.Response refused =
                Eventually.get(LIMIT, () -> phoneOnSecond.get("/api/auth/me"), response -> response.status() == 401);
        log.info("logout took effect on the other instance after {} ms", (System.nanoTime() - start) / 1_000_000);

        assertThat(refused.problemType()).isEqualTo("invalid-token");
        assertThat(laptopOnSecond.get("/api/auth/me").status())
                .as("the user's other session is still served")
                .isEqualTo(200);
        assertThat(second.client()
                        .post(
                                "/api/auth/refresh",
                                Map.of(
                                        "refreshToken",
                                        phone.path("refreshToken").asString()))
                        .status())
                .isEqualTo(401);
    }

    /** A user with two sessions; {@code change} to them through the first instance; both refused on the second. */
    private void assertRevokedBy(String name, Consumer<String> change) {
        String email = name + "@revoked.example";
        String id = createUser(email);
        SiloClient one = second.client().as(signIn(email).path("accessToken").asString());
        SiloClient other = second.client().as(signIn(email).path("accessToken").asString());
        assertThat(one.get("/api/data/billing/invoices").status()).isEqualTo(200);

        long start = System.nanoTime();
        change.accept(id);
        for (SiloClient session : List.of(one, other)) {
            SiloClient.Response refused =
                    Eventually.get(LIMIT, () -> session.get("/api/auth/me"), response -> response.status() == 401);
            assertThat(refused.problemType()).isEqualTo("invalid-token");
            assertThat(session.get("/api/data/billing/invoices").status()).isEqualTo(401);
        }
        log.info(
                "{}: both sessions refused on the other instance after {} ms",
                name,
                (System.nanoTime() - start) / 1_000_000);
    }

    private String createUser(String email) {
        return TestTenants.addMember(acme, email, Map.of("billing", "user"))
                .path("id")
                .asString();
    }

    private JsonNode signIn(String email) {
        SiloClient.Response response = first.client()
                .post(
                        "/api/auth/login",
                        Map.of("organization", acme.slug(), "email", email, "password", TestTenants.PASSWORD));
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return response.json();
    }
}
