package io.silo.http.identity;

import static io.silo.http.identity.IdentityFixtures.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
import io.silo.testing.TestSilo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Ways around the sign-in throttles and locks that a second review found, closed. */
@SiloTest
class LoginAbuseTest {

    /** Regression: the throttles were checked before the password work and counted after it, so a burst all passed. */
    @Test
    void aBurstOfConcurrentWrongSignInsIsThrottledLikeASequence(SiloClient client) throws Exception {
        List<Integer> statuses = new ArrayList<>();
        try (var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                int guess = i;
                answers.add(executor.submit(() -> client.post(
                                "/api/admin/auth/login",
                                Map.of("email", TestSilo.ADMIN_EMAIL, "password", "burst-guess-" + guess))
                        .status()));
            }
            for (Future<Integer> answer : answers) {
                statuses.add(answer.get());
            }
        }
        assertThat(statuses.stream().filter(status -> status == 401).count())
                .as("at most login.maxFailuresPerAccount guesses checked")
                .isLessThanOrEqualTo(5);
        assertThat(statuses).contains(429);
    }

    /**
     * Regression: with a same-named account in their own organization, anyone could test guesses
     * of another organization's password by email-only sign-in (a 200 meant wrong, a 409 right),
     * and later every such guess cost an argon2id run per organization and locked the victim. Now
     * an email in several organizations checks no password of either: every try is the 401 of a
     * wrong password, the victim's account is untouched, and neither organization's log hears of it.
     */
    @Test
    void guessingThroughAMirroredAccountLearnsNothingAndTouchesNoAccount(SiloClient client) {
        SiloClient platform = client.asAdmin();
        IdentityFixtures.create(platform, "victim-co", List.of("crm"), "boss@victim-co.example", Map.of());
        IdentityFixtures.create(platform, "mirror-co", List.of("crm"), "boss@mirror-co.example", Map.of());
        SiloClient victimAdmin = IdentityFixtures.member(client, "victim-co", "boss@victim-co.example", PASSWORD);
        SiloClient mirrorAdmin = IdentityFixtures.member(client, "mirror-co", "boss@mirror-co.example", PASSWORD);
        IdentityFixtures.user(
                victimAdmin,
                Map.of("email", "alice@shared.example", "name", "Alice", "password", "alice's own secret"));
        IdentityFixtures.user(
                mirrorAdmin,
                Map.of("email", "alice@shared.example", "name", "Mirror", "password", "the attacker's guess"));

        for (String guess : List.of("the attacker's guess", "alice's own secret", "another guess 1")) {
            SiloClient.Response attempt =
                    client.post("/api/auth/login", Map.of("email", "alice@shared.example", "password", guess));
            assertThat(attempt.status()).as(attempt.text()).isEqualTo(401);
            assertThat(attempt.problemType()).isEqualTo("invalid-credentials");
        }

        SiloClient.Response victim = client.post(
                "/api/auth/login",
                Map.of("organization", "victim-co", "email", "alice@shared.example", "password", "alice's own secret"));
        assertThat(victim.status()).as(victim.text()).isEqualTo(200);
        for (SiloClient admin : List.of(victimAdmin, mirrorAdmin)) {
            JsonNode activity = admin.get("/api/activity?service=core&limit=50").json();
            List<String> failures = new ArrayList<>();
            activity.path("items").forEach(item -> {
                if (item.path("action").asString().startsWith("login.failed")) {
                    failures.add(item.toString());
                }
            });
            assertThat(failures).isEmpty();
        }
    }

    /** Regression: passwords were trimmed at sign-in but not when set, so one with outer spaces never worked. */
    @Test
    void aPasswordWithOuterSpacesSignsIn(SiloClient client) {
        SiloClient platform = client.asAdmin();
        IdentityFixtures.create(platform, "spaced-co", List.of("crm"), "boss@spaced-co.example", Map.of());
        SiloClient admin = IdentityFixtures.member(client, "spaced-co", "boss@spaced-co.example", PASSWORD);
        IdentityFixtures.user(
                admin, Map.of("email", "pad@spaced-co.example", "name", "Pad", "password", "  padded secret pw  "));

        assertThat(client.post(
                                "/api/auth/login",
                                Map.of(
                                        "organization",
                                        "spaced-co",
                                        "email",
                                        "pad@spaced-co.example",
                                        "password",
                                        "  padded secret pw  "))
                        .status())
                .isEqualTo(200);
        assertThat(client.post(
                                "/api/auth/login",
                                Map.of(
                                        "organization",
                                        "spaced-co",
                                        "email",
                                        "pad@spaced-co.example",
                                        "password",
                                        "padded secret pw"))
                        .status())
                .isEqualTo(401);
    }
}
