package io.silo.http.identity;

import static io.silo.http.identity.IdentityFixtures.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.crypto.PasswordHasher;
import io.silo.testing.Eventually;
import io.silo.testing.SiloClient;
import io.silo.testing.TestSilo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * argon2id cannot be turned into an amplifier: sign-ins at a locked account take no hashing
 * permit, and one client flooding right sign-ins waits behind its own requests while another
 * organization's sign-in is served at the next free permit. One permit makes the turns visible;
 * the test checks the order, and prints the times.
 */
class SignInAmplifierTest {
    private static TestSilo silo;
    private static SiloClient client;
    private static PasswordHasher hasher;

    @BeforeAll
    static void start() {
        silo = TestSilo.start(
                1,
                Map.of(
                        // production strength, so that hashing, not the database, is what sign-ins wait for
                        "SILO_PASSWORDS_MEMORY_KIB", "19456",
                        "SILO_PASSWORDS_ITERATIONS", "2",
                        "SILO_PASSWORDS_CONCURRENCY", "1",
                        "SILO_LOGIN_LOCK_THRESHOLD", "3",
                        "SILO_LOGIN_MAX_FAILURES_PER_ADDRESS", "1000",
                        // eight sign-ins of one account at once hold eight failure events until they succeed
                        "SILO_LOGIN_MAX_FAILURES_PER_ACCOUNT", "100",
                        "SILO_LOGIN_MAX_PASSWORD_CHECKS_PER_ACCOUNT", "10000",
                        "SILO_LOGIN_MAX_PASSWORD_CHECKS_PER_ADDRESS", "100000"));
        client = silo.client();
        hasher = silo.silo().application().passwordHasher();
        IdentityFixtures.create(client.asAdmin(), "flooder", List.of("crm"), "loop@flooder.example", Map.of());
        IdentityFixtures.create(client.asAdmin(), "bystander", List.of("crm"), "me@bystander.example", Map.of());
    }

    @AfterAll
    static void stop() {
        silo.close();
    }

    @Test
    void aFloodOfSignInsAtALockedAccountTakesNoHashingPermit() {
        SiloClient admin = IdentityFixtures.member(client, "flooder", "loop@flooder.example", PASSWORD);
        IdentityFixtures.user(
                admin, Map.of("email", "locked@flooder.example", "name", "Locked", "password", "locked-password-1"));
        for (int i = 0; i < 3; i++) {
            assertThat(signIn("flooder", "locked@flooder.example", "wrong-guess-" + i)
                            .problemType())
                    .isEqualTo("invalid-credentials");
        }
        IdentityFixtures.awaitLocked(silo, "flooder", "locked@flooder.example");

        long runs = hasher.runs();
        for (int i = 0; i < 40; i++) {
            SiloClient.Response answer = signIn("flooder", "locked@flooder.example", "locked-password-1");
            assertThat(answer.status()).isEqualTo(429);
            assertThat(answer.problemType()).isIn("account-locked", "too-many-attempts");
        }

        assertThat(hasher.runs()).as("argon2id runs during the flood").isEqualTo(runs);
    }

    @Test
    void aFloodOfRightSignInsLeavesAnotherOrganizationsSignInServedInTurn() throws Exception {
        AtomicBoolean flooding = new AtomicBoolean(true);
        AtomicInteger floodDone = new AtomicInteger();
        List<Long> floodMillis = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService flood = Executors.newVirtualThreadPerTaskExecutor();
        List<Future<?>> loops = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            loops.add(flood.submit(() -> {
                while (flooding.get()) {
                    long start = System.nanoTime();
                    int status =
                            signIn("flooder", "loop@flooder.example", PASSWORD).status();
                    floodMillis.add((System.nanoTime() - start) / 1_000_000);
                    assertThat(status).isIn(200, 503);
                    floodDone.incrementAndGet();
                }
                return null;
            }));
        }
        SiloClient.Response bystander;
        long bystanderMillis;
        int doneDuring;
        try {
            Eventually.until("the flood has a queue", () -> hasher.waiting() >= 5);
            int doneBefore = floodDone.get();
            long start = System.nanoTime();
            bystander = signIn("bystander", "me@bystander.example", PASSWORD);
            bystanderMillis = (System.nanoTime() - start) / 1_000_000;
            doneDuring = floodDone.get() - doneBefore;
        } finally {
            flooding.set(false);
            for (Future<?> loop : loops) {
                loop.get();
            }
            flood.close();
        }

        assertThat(bystander.status()).as(bystander.text()).isEqualTo(200);
        assertThat(doneDuring)
                .as(
                        "flood sign-ins finished while the other organization's one waited (first come first served: 5 or more)")
                .isLessThanOrEqualTo(4);
        List<Long> sorted = floodMillis.stream().sorted().toList();
        System.out.printf(
                "hashing turns: the bystander's sign-in took %d ms while %d flood sign-ins finished; flood sign-ins"
                        + " median %d ms, max %d ms over %d%n",
                bystanderMillis, doneDuring, sorted.get(sorted.size() / 2), sorted.getLast(), sorted.size());
    }

    private static SiloClient.Response signIn(String organization, String email, String password) {
        return client.post(
                "/api/auth/login", Map.of("organization", organization, "email", email, "password", password));
    }
}
