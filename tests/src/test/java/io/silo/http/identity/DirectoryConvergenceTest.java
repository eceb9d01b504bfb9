package io.silo.http.identity;

import static io.silo.http.identity.IdentityFixtures.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.app.SiloOptions;
import io.silo.testing.Eventually;
import io.silo.testing.SiloClient;
import io.silo.testing.TestClock;
import io.silo.testing.TestSilo;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A user change commits in the core database, then the instance fails before the directory hears
 * of it (the old dual write's failure mode). The dirty mark set before the change lets the sweeper
 * find the tenant and apply its outbox, so the directory converges without anyone's help.
 */
class DirectoryConvergenceTest {
    private static final TestClock CLOCK = new TestClock();
    private static final AtomicBoolean FAIL_NEXT = new AtomicBoolean();
    private static TestSilo silo;

    @BeforeAll
    static void start() {
        silo = TestSilo.start(
                1,
                Map.of("SILO_DIRECTORY_SWEEP_INTERVAL", "100ms", "SILO_DIRECTORY_SWEEP_AGE", "5s"),
                SiloOptions.server().withClock(CLOCK).withUserCommitObserver(tenantId -> {
                    if (FAIL_NEXT.compareAndSet(true, false)) {
                        throw new IllegalStateException("the instance died after the core commit");
                    }
                }));
    }

    @AfterAll
    static void stop() {
        silo.close();
    }

    @Test
    void sweeperAppliesAChangeWhoseRelayFailedAfterTheCoreCommit() {
        SiloClient client = silo.client();
        IdentityFixtures.create(client.asAdmin(), "drifty", List.of("crm"), "owner@drifty.example", Map.of());
        SiloClient admin = IdentityFixtures.member(client, "drifty", "owner@drifty.example", PASSWORD);

        FAIL_NEXT.set(true);
        IdentityFixtures.user(
                admin, Map.of("email", "late@drifty.example", "name", "Late", "password", "late-password"));

        assertThat(directoryEntries("late@drifty.example"))
                .as("the relay failed; the sweeper waits for the mark to age")
                .isZero();
        assertThat(client.post("/api/auth/login", Map.of("email", "late@drifty.example", "password", "late-password"))
                        .status())
                .isEqualTo(401);
        assertThat(IdentityFixtures.login(
                                client,
                                Map.of(
                                        "organization",
                                        "drifty",
                                        "email",
                                        "late@drifty.example",
                                        "password",
                                        "late-password"))
                        .path("user")
                        .path("email")
                        .asString())
                .as("the core database is the truth: naming the organization works at once")
                .isEqualTo("late@drifty.example");

        CLOCK.advance(Duration.ofSeconds(6));
        Eventually.get(Duration.ofSeconds(20), () -> directoryEntries("late@drifty.example"), count -> count == 1);
        assertThat(IdentityFixtures.login(client, Map.of("email", "late@drifty.example", "password", "late-password"))
                        .path("organization")
                        .path("slug")
                        .asString())
                .isEqualTo("drifty");
        // a young mark outlives drains (a change marked just before one may commit after it); once old enough, it goes
        CLOCK.advance(Duration.ofSeconds(31));
        Eventually.get(
                Duration.ofSeconds(20),
                () -> silo.control()
                        .query("SELECT count(*) FROM tenants WHERE directory_dirty IS NOT NULL", row -> row.getLong(1))
                        .getFirst(),
                count -> count == 0);
    }

    private static long directoryEntries(String login) {
        return silo.control()
                .query("SELECT count(*) FROM directory WHERE login = ?", row -> row.getLong(1), login)
                .getFirst();
    }
}
