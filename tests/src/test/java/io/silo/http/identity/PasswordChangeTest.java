package io.silo.http.identity;

import static io.silo.http.identity.IdentityFixtures.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.testing.Eventually;
import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
import io.silo.testing.TestSilo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Issue 17: a member's own password, changed while signed in or reset by mail, against real core
 * databases, the control database and the local mailbox.
 */
@SiloTest
class PasswordChangeTest {
    private static final Pattern TOKEN = Pattern.compile("Token: (\\S+)");
    private final SiloClient client;
    private final SiloClient platformAdmin;
    private final TestSilo silo;

    PasswordChangeTest(SiloClient client, TestSilo silo) {
        this.client = client;
        this.platformAdmin = client.asAdmin();
        this.silo = silo;
    }

    @BeforeAll
    static void organizations(SiloClient client) {
        SiloClient platformAdmin = client.asAdmin();
        IdentityFixtures.create(platformAdmin, "pw-one", List.of("crm"), "owner@pw-one.example", Map.of());
        IdentityFixtures.create(platformAdmin, "pw-two", List.of("crm"), "owner@pw-two.example", Map.of());
        SiloClient one = IdentityFixtures.member(client, "pw-one", "owner@pw-one.example", PASSWORD);
        SiloClient two = IdentityFixtures.member(client, "pw-two", "owner@pw-two.example", PASSWORD);
        for (String name : List.of("changer", "guesser", "strict", "forgetful", "locked")) {
            IdentityFixtures.user(
                    one, Map.of("email", name + "@pw.example", "name", name, "password", name + "-password-1"));
        }
        IdentityFixtures.user(
                two, Map.of("email", "forgetful@pw.example", "name", "other", "password", "other-password-1"));
    }

    private SiloClient.Response signIn(String email, String password) {
        return client.post("/api/auth/login", Map.of("organization", "pw-one", "email", email, "password", password));
    }

    @Test
    void aMemberChangesTheirPasswordAndEveryOtherSessionEnds() {
        JsonNode laptop = IdentityFixtures.login(
                client,
                Map.of("organization", "pw-one", "email", "changer@pw.example", "password", "changer-password-1"));
        SiloClient phone = client.as(signIn("changer@pw.example", "changer-password-1")
                .json()
                .path("accessToken")
                .asString());
        SiloClient onLaptop = client.as(laptop.path("accessToken").asString());

        SiloClient.Response changed = onLaptop.post(
                "/api/auth/password",
                Map.of("currentPassword", "changer-password-1", "newPassword", "changer-password-2"));

        assertThat(changed.status()).as(changed.text()).isEqualTo(200);
        assertThat(changed.json().path("accessToken").asString()).isNotBlank();
        SiloClient fresh = client.as(changed.json().path("accessToken").asString());
        assertThat(fresh.get("/api/auth/me").status()).isEqualTo(200);
        assertThat(phone.get("/api/auth/me").status())
                .as("the other session ended")
                .isEqualTo(401);
        assertThat(onLaptop.get("/api/auth/me").status())
                .as("the old token too")
                .isEqualTo(401);
        assertThat(client.post(
                                "/api/auth/refresh",
                                Map.of(
                                        "refreshToken",
                                        laptop.path("refreshToken").asString()))
                        .status())
                .isEqualTo(401);
        assertThat(signIn("changer@pw.example", "changer-password-1").status()).isEqualTo(401);
        assertThat(signIn("changer@pw.example", "changer-password-2").status()).isEqualTo(200);
    }

    @Test
    void aWrongCurrentPasswordIsRefusedAndThrottledLikeASignIn() {
        SiloClient guesser = IdentityFixtures.member(client, "pw-one", "guesser@pw.example", "guesser-password-1");
        SiloClient.Response wrong = guesser.post(
                "/api/auth/password", Map.of("currentPassword", "not-my-password", "newPassword", "whatever-new-1"));
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(wrong.problemType()).isEqualTo("wrong-current-password");

        SiloClient.Response last = wrong;
        for (int i = 0; i < 30 && last.status() != 429; i++) {
            last = guesser.post(
                    "/api/auth/password",
                    Map.of("currentPassword", "guess-number-" + i, "newPassword", "whatever-new-1"));
        }
        assertThat(last.status()).as("the sign-in throttles stop the guessing").isEqualTo(429);
        assertThat(signIn("guesser@pw.example", "guesser-password-1").status())
                .as("the account's own budget is spent too")
                .isEqualTo(429);
        assertThat(platformAdmin
                        .post("/api/auth/password", Map.of("currentPassword", "x", "newPassword", "y"))
                        .problemType())
                .isEqualTo("member-required");
        assertThat(client.post("/api/auth/password", Map.of("currentPassword", "x", "newPassword", "y"))
                        .status())
                .isEqualTo(401);
    }

    @Test
    void theNewPasswordMeetsTheOrganizationsPolicyAndIsCheckedBeforeTheCurrentOne() {
        SiloClient strict = IdentityFixtures.member(client, "pw-one", "strict@pw.example", "strict-password-1");
        long runs = silo.silo().application().passwordHasher().runs();

        SiloClient.Response weak = strict.post(
                "/api/auth/password", Map.of("currentPassword", "strict-password-1", "newPassword", "short"));

        assertThat(weak.status()).isEqualTo(422);
        assertThat(weak.problemType()).isEqualTo("weak-password");
        assertThat(silo.silo().application().passwordHasher().runs() - runs)
                .as("no hashing for a new password the policy refuses")
                .isZero();
        assertThat(signIn("strict@pw.example", "strict-password-1").status()).isEqualTo(200);
    }

    @Test
    void aForgottenPasswordIsResetWithTheMailedTokenOnceAndEverySessionEnds() {
        SiloClient before = IdentityFixtures.member(client, "pw-one", "forgetful@pw.example", "forgetful-password-1");

        SiloClient.Response requested = client.post(
                "/api/auth/password/forgot", Map.of("email", "Forgetful@pw.example", "organization", "pw-one"));
        assertThat(requested.status()).as(requested.text()).isEqualTo(202);
        String token = tokenMailedTo("forgetful@pw.example", "Org pw-one");
        assertThat(silo.control().query("SELECT token_hash FROM password_resets", row -> row.getString(1)))
                .doesNotContain(token);

        SiloClient.Response weak = client.post("/api/auth/password/reset", Map.of("token", token, "password", "short"));
        assertThat(weak.problemType())
                .as("a refusal by the policy leaves the token usable")
                .isEqualTo("weak-password");
        SiloClient.Response reset =
                client.post("/api/auth/password/reset", Map.of("token", token, "password", "forgetful-password-2"));
        assertThat(reset.status()).as(reset.text()).isEqualTo(204);

        assertThat(before.get("/api/auth/me").status())
                .as("every session ended")
                .isEqualTo(401);
        assertThat(signIn("forgetful@pw.example", "forgetful-password-1").status())
                .isEqualTo(401);
        assertThat(signIn("forgetful@pw.example", "forgetful-password-2").status())
                .isEqualTo(200);
        SiloClient.Response again =
                client.post("/api/auth/password/reset", Map.of("token", token, "password", "forgetful-password-3"));
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.problemType()).isEqualTo("invalid-reset-token");
        assertThat(client.post(
                                "/api/auth/password/reset",
                                Map.of("token", "made-up-token", "password", "forgetful-password-3"))
                        .problemType())
                .isEqualTo("invalid-reset-token");
        assertThat(IdentityFixtures.login(
                                client,
                                Map.of(
                                        "organization",
                                        "pw-two",
                                        "email",
                                        "forgetful@pw.example",
                                        "password",
                                        "other-password-1"))
                        .path("organization")
                        .path("slug")
                        .asString())
                .as("the account of the same email in another organization is untouched")
                .isEqualTo("pw-two");
    }

    @Test
    void aResetRequestAnswersTheSameForAnUnknownEmailAndMailsNothing() {
        SiloClient.Response unknown =
                client.post("/api/auth/password/forgot", Map.of("email", "nobody@nowhere.example"));
        SiloClient.Response known = client.post("/api/auth/password/forgot", Map.of("email", "locked@pw.example"));

        assertThat(unknown.status()).isEqualTo(202);
        assertThat(unknown.text()).isEqualTo(known.text());
        tokenMailedTo("locked@pw.example", "Org pw-one");
        assertThat(mailsTo("nobody@nowhere.example")).isEmpty();
        assertThat(client.post("/api/auth/password/forgot", Map.of("email", "not an email"))
                        .status())
                .isEqualTo(400);
    }

    /** A reset proves the mailbox: it replaces the password guessed at, and lifts the lock the guesses set. */
    @Test
    void aResetLiftsALock() {
        String core = IdentityFixtures.coreDatabase(silo, "pw-one");
        // locked as ten failed sign-ins would (the per-account throttle answers 429 from the sixth on)
        io.silo.testing.TestPostgres.primary()
                .jdbc(core)
                .update(
                        "UPDATE users SET locked_until = now() + interval '1 hour', failed_logins = 3 WHERE email = ?",
                        "locked@pw.example");
        assertThat(signIn("locked@pw.example", "locked-password-1").problemType())
                .isEqualTo("account-locked");
        int mailed = mailsTo("locked@pw.example").size();
        client.post("/api/auth/password/forgot", Map.of("email", "locked@pw.example", "organization", "pw-one"));
        Eventually.until(
                "a reset mail to locked@pw.example",
                () -> mailsTo("locked@pw.example").size() > mailed);
        Matcher matcher = TOKEN.matcher(read(mailsTo("locked@pw.example").getLast()));
        assertThat(matcher.find()).isTrue();

        assertThat(client.post(
                                "/api/auth/password/reset",
                                Map.of("token", matcher.group(1), "password", "locked-password-2"))
                        .status())
                .isEqualTo(204);

        assertThat(io.silo.testing.TestPostgres.primary()
                        .jdbc(core)
                        .query(
                                "SELECT locked_until IS NULL AND failed_logins = 0 FROM users WHERE email = ?",
                                row -> row.getBoolean(1),
                                "locked@pw.example"))
                .containsExactly(true);
        assertThat(signIn("locked@pw.example", "locked-password-2").status()).isEqualTo(200);
    }

    private String tokenMailedTo(String to, String organizationName) {
        Eventually.until("a reset mail to " + to, () -> !mailsTo(to).isEmpty());
        String mail = read(mailsTo(to).getFirst());
        assertThat(mail).contains(organizationName);
        Matcher matcher = TOKEN.matcher(mail);
        assertThat(matcher.find()).isTrue();
        return matcher.group(1);
    }

    private List<Path> mailsTo(String to) {
        return IdentityFixtures.mailsTo(silo, to);
    }

    private static String read(Path file) {
        return IdentityFixtures.read(file);
    }
}
