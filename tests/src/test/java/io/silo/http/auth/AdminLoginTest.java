package io.silo.http.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
import io.silo.testing.TestSilo;
import java.util.Map;
import org.junit.jupiter.api.Test;

@SiloTest
class AdminLoginTest {

    @Test
    void administratorSignsInWithAsymmetricTokenCarryingKeyIdAndExpiry(SiloClient client) throws Exception {
        SiloClient.Response response = client.post(
                "/api/admin/auth/login", Map.of("email", TestSilo.ADMIN_EMAIL, "password", TestSilo.ADMIN_PASSWORD));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().path("expiresIn").asInt()).isEqualTo(900);
        assertThat(response.json().path("refreshToken").asString()).hasSizeGreaterThan(30);
        SignedJWT jwt = SignedJWT.parse(response.json().path("accessToken").asString());
        assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("ES256");
        assertThat(jwt.getHeader().getKeyID()).isNotBlank();
        assertThat(jwt.getJWTClaimsSet().getExpirationTime())
                .isAfter(jwt.getJWTClaimsSet().getIssueTime());
        assertThat(client.get("/.well-known/jwks.json").json().path("keys").findValuesAsString("kid"))
                .contains(jwt.getHeader().getKeyID());
    }

    @Test
    void emailIsCaseInsensitive(SiloClient client) {
        SiloClient.Response response = client.post(
                "/api/admin/auth/login",
                Map.of("email", TestSilo.ADMIN_EMAIL.toUpperCase(), "password", TestSilo.ADMIN_PASSWORD));

        assertThat(response.status()).isEqualTo(200);
    }

    @Test
    void wrongPasswordAndUnknownEmailGetTheSameAnswer(SiloClient client) {
        SiloClient.Response wrongPassword = client.post(
                "/api/admin/auth/login", Map.of("email", TestSilo.ADMIN_EMAIL, "password", "not-the-password"));
        SiloClient.Response unknownEmail = client.post(
                "/api/admin/auth/login", Map.of("email", "nobody@silo.test", "password", "not-the-password"));

        assertThat(wrongPassword.status()).isEqualTo(401);
        assertThat(unknownEmail.status()).isEqualTo(401);
        assertThat(wrongPassword.problemType()).isEqualTo("invalid-credentials").isEqualTo(unknownEmail.problemType());
        assertThat(wrongPassword.json().path("detail"))
                .isEqualTo(unknownEmail.json().path("detail"));
    }

    @Test
    void tamperedTokenIsRefused(SiloClient client) {
        String token = client.login(
                "/api/admin/auth/login", Map.of("email", TestSilo.ADMIN_EMAIL, "password", TestSilo.ADMIN_PASSWORD));
        String[] parts = token.split("\\.");
        String forged = parts[0] + "." + parts[1].substring(0, parts[1].length() - 4) + "AAAA." + parts[2];

        assertThat(client.as(forged).get("/api/admin/clusters").status()).isEqualTo(401);
        assertThat(client.as(token).get("/api/admin/clusters").status()).isEqualTo(200);
    }

    @Test
    void refreshRotatesAndReuseRevokesTheFamily(SiloClient client) {
        SiloClient.Response login = client.post(
                "/api/admin/auth/login", Map.of("email", TestSilo.ADMIN_EMAIL, "password", TestSilo.ADMIN_PASSWORD));
        String first = login.json().path("refreshToken").asString();

        SiloClient.Response refreshed = client.post("/api/auth/refresh", Map.of("refreshToken", first));
        assertThat(refreshed.status()).isEqualTo(200);
        String second = refreshed.json().path("refreshToken").asString();
        assertThat(second).isNotEqualTo(first);

        SiloClient.Response replay = client.post("/api/auth/refresh", Map.of("refreshToken", first));
        assertThat(replay.status()).isEqualTo(401);
        assertThat(replay.problemType()).isEqualTo("refresh-token-reused");
        assertThat(client.post("/api/auth/refresh", Map.of("refreshToken", second))
                        .status())
                .isEqualTo(401);
    }

    @Test
    void signInsAreAudited(TestSilo silo, SiloClient client) {
        client.post("/api/admin/auth/login", Map.of("email", TestSilo.ADMIN_EMAIL, "password", "wrong-password!"));
        client.asAdmin();

        var actions = silo.silo()
                .application()
                .control()
                .jdbc()
                .query("SELECT action FROM audit_log ORDER BY id", row -> row.getString(1));
        assertThat(actions).contains("admin.login.failed", "admin.login");
    }

    /** Regression: platform-administrator sign-in had no throttle, unlike members'. */
    @Test
    void repeatedFailuresAreThrottled(SiloClient client) {
        SiloClient.Response last = null;
        for (int i = 0; i < 30; i++) {
            last = client.post(
                    "/api/admin/auth/login", Map.of("email", "guess@silo.test", "password", "wrong-guess-" + i));
            if (last.status() == 429) {
                break;
            }
        }
        assertThat(last.status()).isEqualTo(429);
        assertThat(last.problemType()).isEqualTo("too-many-attempts");
        assertThat(last.header("Retry-After")).isPresent();
    }
}
