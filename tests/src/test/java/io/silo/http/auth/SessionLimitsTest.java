package io.silo.http.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.app.SiloOptions;
import io.silo.testing.SiloClient;
import io.silo.testing.TestClock;
import io.silo.testing.TestSilo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Sessions are bounded: a user keeps at most {@code tokens.maxSessionsPerUser} live sessions (a
 * sign-in beyond ends the oldest, its access token included), and a session ends
 * {@code tokens.sessionMaxAge} after its sign-in however often it was refreshed. Time is a test clock.
 */
class SessionLimitsTest {
    private static final TestClock CLOCK = new TestClock();
    private static TestSilo silo;
    private static SiloClient client;

    @BeforeAll
    static void start() {
        silo = TestSilo.start(
                1,
                Map.of("SILO_TOKENS_MAX_SESSIONS_PER_USER", "2", "SILO_TOKENS_SESSION_MAX_AGE", "1h"),
                SiloOptions.server().withClock(CLOCK));
        client = silo.client();
    }

    @AfterAll
    static void stop() {
        silo.close();
    }

    @Test
    void aSignInBeyondTheCapEndsTheOldestSession() {
        List<JsonNode> sessions = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sessions.add(signIn());
            CLOCK.advance(Duration.ofSeconds(1));
        }

        JsonNode oldest = sessions.getFirst();
        assertThat(refresh(oldest).problemType()).isEqualTo("invalid-refresh-token");
        assertThat(client.as(oldest.path("accessToken").asString())
                        .get("/api/organizations")
                        .status())
                .as("the ended session's access token is refused too")
                .isEqualTo(401);
        for (JsonNode kept : sessions.subList(1, 3)) {
            assertThat(client.as(kept.path("accessToken").asString())
                            .get("/api/organizations")
                            .status())
                    .isEqualTo(200);
            assertThat(refresh(kept).status()).isEqualTo(200);
        }
    }

    @Test
    void aSessionEndsAtItsMaximumAgeHoweverOftenItIsRefreshed() {
        JsonNode session = signIn();
        CLOCK.advance(Duration.ofMinutes(40));
        SiloClient.Response refreshed = refresh(session);
        assertThat(refreshed.status()).isEqualTo(200);

        CLOCK.advance(Duration.ofMinutes(25));
        SiloClient.Response late = refresh(refreshed.json());
        assertThat(late.status()).isEqualTo(401);
        assertThat(late.problemType()).isEqualTo("invalid-refresh-token");
    }

    private static JsonNode signIn() {
        SiloClient.Response response = client.post(
                "/api/admin/auth/login", Map.of("email", TestSilo.ADMIN_EMAIL, "password", TestSilo.ADMIN_PASSWORD));
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return response.json();
    }

    private static SiloClient.Response refresh(JsonNode session) {
        return client.post(
                "/api/auth/refresh",
                Map.of("refreshToken", session.path("refreshToken").asString()));
    }
}
