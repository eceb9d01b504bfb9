package io.silo.http.identity;

import static io.silo.http.identity.IdentityFixtures.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.app.SiloOptions;
import io.silo.crypto.PasswordHasher;
import io.silo.testing.SiloClient;
import io.silo.testing.TestClock;
import io.silo.testing.TestPostgres;
import io.silo.testing.TestSilo;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Guessing passwords is slowed per login name and per client address, and an account that keeps
 * failing is locked in its core database. Time is a test clock, moved by the test: no waiting.
 */
class LoginThrottlingTest {
    private static final Duration WINDOW = Duration.ofMinutes(15);
    private static final Duration LOCK = Duration.ofMinutes(30);
    private static final TestClock CLOCK = new TestClock();
    private static TestSilo silo;
    private static SiloClient client;
    private static SiloClient admin;

    @BeforeAll
    static void start() {
        silo = TestSilo.start(
                1,
                Map.of(
                        "SILO_LOGIN_MAX_FAILURES_PER_ACCOUNT", "3",
                        "SILO_LOGIN_MAX_FAILURES_PER_ADDRESS", "6",
                        "SILO_LOGIN_FAILURE_WINDOW", "15m",
                        "SILO_LOGIN_LOCK_THRESHOLD", "5",
                        "SILO_LOGIN_LOCK_DURATION", "30m"),
                SiloOptions.server().withClock(CLOCK));
        client = silo.client();
        IdentityFixtures.create(client.asAdmin(), "vault", List.of("crm"), "owner@vault.example", Map.of());
    }

    @AfterAll
    static void stop() {
        silo.close();
    }

    @BeforeEach
    void newWindow() {
        CLOCK.advance(WINDOW.plusSeconds(1));
        // access tokens expire on Silo's clock too: the administrator signs in within each test's window
        admin = IdentityFixtures.member(client, "vault", "owner@vault.example", PASSWORD);
    }

    @Test
    void repeatedFailuresForOneAccountAreRefusedUntilTheWindowEndsEvenWithTheRightPassword() {
        user("guessed@vault.example", "guessed-password");
        for (int i = 0; i < 3; i++) {
            assertThat(attempt("guessed@vault.example", "wrong-guess-" + i).problemType())
                    .isEqualTo("invalid-credentials");
        }

        SiloClient.Response refused = attempt("guessed@vault.example", "guessed-password");
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.problemType()).isEqualTo("too-many-attempts");
        assertThat(Long.parseLong(refused.header("Retry-After").orElseThrow())).isBetween(1L, WINDOW.toSeconds());
        assertThat(attempt("nobody-at-all@vault.example", "x-whatever-x").problemType())
                .as("the throttle counts names, not accounts, so it tells nothing about which exist")
                .isEqualTo("invalid-credentials");

        CLOCK.advance(WINDOW);
        assertThat(attempt("guessed@vault.example", "guessed-password").status())
                .isEqualTo(200);
    }

    @Test
    void unknownNamesAreThrottledLikeRealOnes() {
        for (int i = 0; i < 3; i++) {
            attempt("ghost@vault.example", "wrong-guess-" + i);
        }

        assertThat(attempt("ghost@vault.example", "wrong-guess-4").problemType())
                .isEqualTo("too-many-attempts");
    }

    @Test
    void accountIsLockedAfterTheThresholdAcrossWindowsUntilTheLockEnds() {
        user("locked@vault.example", "locked-password");
        for (int i = 0; i < 3; i++) {
            attempt("locked@vault.example", "wrong-guess-" + i);
        }
        CLOCK.advance(WINDOW.plusSeconds(1));
        attempt("locked@vault.example", "wrong-guess-3");
        attempt("locked@vault.example", "wrong-guess-4");
        IdentityFixtures.awaitLocked(silo, "vault", "locked@vault.example");

        SiloClient.Response locked = attempt("locked@vault.example", "locked-password");
        assertThat(locked.status()).isEqualTo(429);
        assertThat(locked.problemType()).isEqualTo("account-locked");
        assertThat(Long.parseLong(locked.header("Retry-After").orElseThrow()))
                .isBetween(LOCK.toSeconds() - 60, LOCK.toSeconds());

        CLOCK.advance(LOCK.plusSeconds(1));
        SiloClient.Response after = attempt("locked@vault.example", "locked-password");
        assertThat(after.status()).as(after.text()).isEqualTo(200);
    }

    @Test
    void passwordResetByAnAdministratorLiftsALock() {
        String id = user("reset@vault.example", "reset-password-1").path("id").asString();
        for (int i = 0; i < 3; i++) {
            attempt("reset@vault.example", "wrong-guess-" + i);
        }
        CLOCK.advance(WINDOW.plusSeconds(1));
        attempt("reset@vault.example", "wrong-guess-3");
        attempt("reset@vault.example", "wrong-guess-4");
        IdentityFixtures.awaitLocked(silo, "vault", "reset@vault.example");
        assertThat(attempt("reset@vault.example", "reset-password-1").problemType())
                .isEqualTo("account-locked");

        // the clock moved past the administrator's token: a fresh sign-in (a different account)
        admin = IdentityFixtures.member(client, "vault", "owner@vault.example", PASSWORD);
        admin.patch("/api/users/" + id, Map.of("password", "reset-password-2"));

        assertThat(attempt("reset@vault.example", "reset-password-2").status()).isEqualTo(200);
    }

    @Test
    void oneAddressTryingManyNamesIsThrottled() {
        for (int i = 0; i < 6; i++) {
            attempt("spray" + i + "@vault.example", "wrong-guess");
        }

        SiloClient.Response refused = attempt("owner@vault.example", PASSWORD);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.problemType()).isEqualTo("too-many-attempts");
        assertThat(refused.header("Retry-After")).isPresent();
    }

    @Test
    void signInRehashesAPasswordMadeWithOlderParameters() {
        String id = user("legacy@vault.example", "legacy-password").path("id").asString();
        String core = IdentityFixtures.coreDatabase(silo, "vault");
        String old = PasswordHasher.argon2id(2048, 1, 1).hash("legacy-password", PasswordHasher.Claimant.SILO);
        TestPostgres.primary().jdbc(core).update("UPDATE users SET password_hash = ? WHERE id = ?::uuid", old, id);

        assertThat(attempt("legacy@vault.example", "legacy-password").status()).isEqualTo(200);

        String now = TestPostgres.primary()
                .jdbc(core)
                .query("SELECT password_hash FROM users WHERE id = ?::uuid", row -> row.getString(1), id)
                .getFirst();
        assertThat(now).startsWith("$argon2id$v=19$m=4096,t=1,p=1$").isNotEqualTo(old);
    }

    private static tools.jackson.databind.JsonNode user(String email, String password) {
        return IdentityFixtures.user(admin, Map.of("email", email, "name", "User", "password", password));
    }

    private static SiloClient.Response attempt(String email, String password) {
        return client.post("/api/auth/login", Map.of("organization", "vault", "email", email, "password", password));
    }
}
