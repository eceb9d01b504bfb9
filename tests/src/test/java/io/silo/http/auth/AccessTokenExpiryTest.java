package io.silo.http.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.app.SiloOptions;
import io.silo.testing.SiloClient;
import io.silo.testing.TestClock;
import io.silo.testing.TestSilo;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Verified access tokens are remembered, so that a request does not pay for an ES256 check each
 * time (the benchmark found that check to be two thirds of a routed read). Remembering must never
 * stretch a token's life: it ends at its expiry by Silo's clock, verified or not.
 */
class AccessTokenExpiryTest {
    private static final TestClock CLOCK = new TestClock();
    private static final Duration ACCESS_TTL = Duration.ofMinutes(15);
    /** The verifier accepts a token this long after its expiry, for clocks that drift apart. */
    private static final Duration SKEW = Duration.ofSeconds(60);

    private static TestSilo silo;

    @BeforeAll
    static void start() {
        silo = TestSilo.start(1, Map.of(), SiloOptions.server().withClock(CLOCK));
    }

    @AfterAll
    static void stop() {
        silo.close();
    }

    @Test
    void aRememberedTokenIsRefusedOnceItExpires() {
        String token = signIn();
        assertThat(silo.client().as(token).get("/api/admin/clusters").status()).isEqualTo(200);

        CLOCK.advance(ACCESS_TTL.plus(SKEW).plusSeconds(1));
        SiloClient.Response late = silo.client().as(token).get("/api/admin/clusters");

        assertThat(late.status()).isEqualTo(401);
        assertThat(late.problemType()).isEqualTo("invalid-token");
    }

    @Test
    void aTokenServesEveryRequestUntilItExpires() {
        String token = signIn();
        SiloClient client = silo.client().as(token);
        assertThat(client.get("/api/admin/clusters").status()).isEqualTo(200);

        CLOCK.advance(ACCESS_TTL.minusMinutes(1));

        assertThat(client.get("/api/admin/clusters").status()).isEqualTo(200);
        assertThat(client.get("/api/auth/me").json().path("kind").asString()).isEqualTo("admin");
    }

    private static String signIn() {
        return silo.client()
                .login(
                        "/api/admin/auth/login",
                        Map.of("email", TestSilo.ADMIN_EMAIL, "password", TestSilo.ADMIN_PASSWORD));
    }
}
