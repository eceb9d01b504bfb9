package io.silo.http.auth;

import static io.silo.http.auth.AdminFixtures.PASSWORD;
import static io.silo.http.auth.AdminFixtures.login;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.app.SiloOptions;
import io.silo.audit.AuditEntry;
import io.silo.testing.SiloClient;
import io.silo.testing.TestClock;
import io.silo.testing.TestSilo;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Platform administrators are locked after repeated failed sign-ins, counted in the control database:
 * the lock holds across restarts (and so across instances), ends on its own, is refused before the
 * password is checked, and an operator can lift it. The in-memory throttles are set wide here, so
 * what is seen is the durable lock. Time is a test clock.
 */
class AdminLockoutTest {
    private static final Duration LOCK = Duration.ofMinutes(10);
    private static final TestClock CLOCK = new TestClock();
    private static TestSilo silo;

    @BeforeAll
    static void start() {
        silo = TestSilo.start(
                1,
                Map.of(
                        "SILO_ADMIN_LOCK_THRESHOLD", "3",
                        "SILO_ADMIN_LOCK_DURATION", "10m",
                        "SILO_LOGIN_MAX_FAILURES_PER_ACCOUNT", "100",
                        "SILO_LOGIN_MAX_FAILURES_PER_ADDRESS", "1000"),
                SiloOptions.server().withClock(CLOCK));
    }

    @AfterAll
    static void stop() {
        silo.close();
    }

    @Test
    void repeatedFailuresLockTheAdministratorUntilTheLockEndsOnItsOwn() {
        String email = AdminFixtures.create(silo, "locked@silo.test");
        SiloClient client = silo.client();
        for (int i = 0; i < 3; i++) {
            assertThat(login(client, email, "wrong-password-" + i).problemType())
                    .isEqualTo("invalid-credentials");
        }

        SiloClient.Response refused = login(client, email, PASSWORD);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.problemType()).isEqualTo("account-locked");
        assertThat(Long.parseLong(refused.header("Retry-After").orElseThrow())).isBetween(1L, LOCK.toSeconds());

        CLOCK.advance(LOCK.plusSeconds(1));
        assertThat(login(client, email, PASSWORD).status()).isEqualTo(200);
    }

    @Test
    void aSuccessForgetsTheFailuresBeforeIt() {
        String email = AdminFixtures.create(silo, "forgiven@silo.test");
        SiloClient client = silo.client();
        login(client, email, "wrong-password-1");
        login(client, email, "wrong-password-2");
        assertThat(login(client, email, PASSWORD).status()).isEqualTo(200);

        login(client, email, "wrong-password-3");
        login(client, email, "wrong-password-4");
        assertThat(login(client, email, PASSWORD).status()).isEqualTo(200);
    }

    /**
     * The stored hash is made unreadable while the administrator is locked: a refusal that still checked
     * the password would be 401 (or 500); 429 shows that no argon2id ran for it.
     */
    @Test
    void aLockedAdministratorIsRefusedBeforeItsPasswordIsChecked() {
        String email = AdminFixtures.create(silo, "unhashed@silo.test");
        SiloClient client = silo.client();
        for (int i = 0; i < 3; i++) {
            login(client, email, "wrong-password-" + i);
        }
        silo.control().update("UPDATE platform_admins SET password_hash = 'not-a-hash' WHERE email = ?", email);

        SiloClient.Response refused = login(client, email, "any-password-at-all");
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.problemType()).isEqualTo("account-locked");
    }

    @Test
    void theLockIsKeptInTheControlDatabaseAcrossARestart() {
        String email = AdminFixtures.create(silo, "durable@silo.test");
        for (int i = 0; i < 2; i++) {
            login(silo.client(), email, "wrong-password-" + i);
        }
        silo.restart(SiloOptions.server().withClock(CLOCK));
        // the in-memory throttles were lost with the old instance; the count was not
        assertThat(login(silo.client(), email, "wrong-password-2").problemType())
                .isEqualTo("invalid-credentials");

        assertThat(login(silo.client(), email, PASSWORD).problemType()).isEqualTo("account-locked");
    }

    @Test
    void anOperatorLiftsTheLockAndTheLiftIsAudited() {
        String email = AdminFixtures.create(silo, "lifted@silo.test");
        for (int i = 0; i < 3; i++) {
            login(silo.client(), email, "wrong-password-" + i);
        }
        assertThat(login(silo.client(), email, PASSWORD).status()).isEqualTo(429);

        silo.silo()
                .application()
                .adminAccounts()
                .unlock(email, new AuditEntry.Actor("operator", "ops", "silo-cli", "", "silo-cli", ""));

        assertThat(login(silo.client(), email, PASSWORD).status()).isEqualTo(200);
        assertThat(silo.control()
                        .query(
                                "SELECT actor_kind || ' ' || action FROM audit_log WHERE target_kind = 'platform_admin'"
                                        + " AND action = 'admin.unlock'",
                                row -> row.getString(1)))
                .containsExactly("operator admin.unlock");
    }
}
