package io.silo.http.auth;

import static io.silo.http.auth.AdminFixtures.PASSWORD;
import static io.silo.http.auth.AdminFixtures.login;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.crypto.Totp;
import io.silo.testing.SiloClient;
import io.silo.testing.TestSilo;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With {@code admin.requireTotp}, an administrator without a second factor signs in to a token that
 * serves only the enrollment; once enrolled, the same token serves everything, and sign-in asks for
 * the second factor.
 */
class AdminTotpRequiredTest {
    private static TestSilo silo;
    private static SiloClient client;

    @BeforeAll
    static void start() {
        silo = TestSilo.start(1, Map.of("SILO_ADMIN_REQUIRE_TOTP", "true"));
        client = silo.client();
    }

    @AfterAll
    static void stop() {
        silo.close();
    }

    @Test
    void anAdministratorWithoutASecondFactorMayOnlyEnrollOne() {
        String email = AdminFixtures.create(silo, "must-enroll@silo.test");
        SiloClient.Response login = login(client, email, PASSWORD);
        assertThat(login.status()).isEqualTo(200);
        SiloClient admin = client.as(login.json().path("accessToken").asString());

        for (String route : new String[] {"/api/admin/pools", "/api/admin/clusters", "/api/organizations"}) {
            SiloClient.Response refused = admin.get(route);
            assertThat(refused.status()).as(route).isEqualTo(403);
            assertThat(refused.problemType()).as(route).isEqualTo("second-factor-enrollment-required");
        }
        assertThat(admin.post("/api/organizations", Map.of("name", "Sneaky", "services", new String[] {"crm"}))
                        .problemType())
                .isEqualTo("second-factor-enrollment-required");

        Totp totp = Totp.ofBase32(admin.post("/api/admin/auth/totp", Map.of())
                .json()
                .path("secret")
                .asString());
        assertThat(admin.post("/api/admin/auth/totp/confirm", Map.of("code", totp.code(Totp.step(Instant.now()))))
                        .status())
                .isEqualTo(200);

        assertThat(admin.get("/api/admin/pools").status()).isEqualTo(200);
        assertThat(login(client, email, PASSWORD).problemType()).isEqualTo("second-factor-required");
    }
}
