package io.silo.http.auth;

import static io.silo.http.auth.AdminFixtures.PASSWORD;
import static io.silo.http.auth.AdminFixtures.login;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.app.admin.PlatformAdmins;
import io.silo.audit.AuditEntry;
import io.silo.testing.Eventually;
import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
import io.silo.testing.TestSilo;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A platform administrator's token is held against the stored administrator on every request: one
 * disabled or deleted by any means loses access within {@link PlatformAdmins#STANDING_TTL}, and the
 * operator's own changes (disable, new password) end its sessions at once.
 */
@SiloTest
class AdminTokenStandingTest {
    private static final AuditEntry.Actor OPERATOR =
            new AuditEntry.Actor("operator", "ops", "silo-cli", "", "silo-cli", "");

    @Test
    void anAdministratorDisabledInTheDatabaseLosesAccessWithinTheStandingTime(TestSilo silo, SiloClient client) {
        String email = AdminFixtures.create(silo, "disabled-by-sql@silo.test");
        SiloClient admin = signedIn(client, email);
        assertThat(admin.get("/api/admin/pools").status()).isEqualTo(200);

        silo.control().update("UPDATE platform_admins SET status = 'disabled' WHERE email = ?", email);

        SiloClient.Response refused = Eventually.get(
                PlatformAdmins.STANDING_TTL.plusSeconds(4),
                () -> admin.get("/api/admin/pools"),
                response -> response.status() == 401);
        assertThat(refused.problemType()).isEqualTo("invalid-token");
    }

    @Test
    void aDeletedAdministratorLosesAccessWithinTheStandingTime(TestSilo silo, SiloClient client) {
        String email = AdminFixtures.create(silo, "deleted@silo.test");
        SiloClient admin = signedIn(client, email);
        assertThat(admin.get("/api/admin/clusters").status()).isEqualTo(200);

        silo.control().update("DELETE FROM platform_admins WHERE email = ?", email);

        assertThat(Eventually.get(
                                PlatformAdmins.STANDING_TTL.plusSeconds(4),
                                () -> admin.get("/api/admin/clusters"),
                                response -> response.status() == 401)
                        .problemType())
                .isEqualTo("invalid-token");
        assertThat(admin.get("/api/auth/me").status()).isEqualTo(401);
    }

    @Test
    void anOperatorDisablingAnAdministratorEndsItsSessionsAtOnce(TestSilo silo, SiloClient client) {
        String email = AdminFixtures.create(silo, "disabled@silo.test");
        SiloClient.Response login = login(client, email, PASSWORD);
        SiloClient admin = client.as(login.json().path("accessToken").asString());
        assertThat(admin.get("/api/admin/pools").status()).isEqualTo(200);

        silo.silo().application().adminAccounts().disable(email, OPERATOR);

        assertThat(admin.get("/api/admin/pools").status()).isEqualTo(401);
        assertThat(client.post(
                                "/api/auth/refresh",
                                Map.of(
                                        "refreshToken",
                                        login.json().path("refreshToken").asString()))
                        .status())
                .isEqualTo(401);
        assertThat(login(client, email, PASSWORD).problemType()).isEqualTo("invalid-credentials");

        silo.silo().application().adminAccounts().enable(email, OPERATOR);
        assertThat(login(client, email, PASSWORD).status()).isEqualTo(200);
    }

    @Test
    void aNewPasswordEndsTheSessionsOpenedWithTheOldOne(TestSilo silo, SiloClient client) {
        String email = AdminFixtures.create(silo, "new-password@silo.test");
        SiloClient admin = signedIn(client, email);

        silo.silo().application().adminAccounts().setPassword(email, "the-new-password", OPERATOR);

        assertThat(admin.get("/api/admin/pools").status()).isEqualTo(401);
        assertThat(login(client, email, PASSWORD).status()).isEqualTo(401);
        assertThat(login(client, email, "the-new-password").status()).isEqualTo(200);
    }

    private static SiloClient signedIn(SiloClient client, String email) {
        return client.as(
                login(client, email, PASSWORD).json().path("accessToken").asString());
    }
}
