package io.silo.http.auth;

import static io.silo.http.auth.AdminFixtures.PASSWORD;
import static io.silo.http.auth.AdminFixtures.login;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.app.SiloOptions;
import io.silo.audit.AuditEntry;
import io.silo.crypto.Totp;
import io.silo.testing.SiloClient;
import io.silo.testing.TestClock;
import io.silo.testing.TestSilo;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The TOTP second factor of platform administrators over HTTP: enrollment (begin, confirm), sign-in
 * with a code or a recovery code, no replay, one step of drift, and the operator's reset. Codes are
 * computed from the secret the enrollment hands out, at the test clock's time.
 */
class AdminTotpTest {
    private static final Duration STEP = Duration.ofSeconds(Totp.STEP_SECONDS);
    private static final TestClock CLOCK = new TestClock();
    private static TestSilo silo;
    private static SiloClient client;

    @BeforeAll
    static void start() {
        silo = TestSilo.start(
                1,
                Map.of("SILO_LOGIN_MAX_FAILURES_PER_ACCOUNT", "100"),
                SiloOptions.server().withClock(CLOCK));
        client = silo.client();
    }

    @AfterAll
    static void stop() {
        silo.close();
    }

    @Test
    void anEnrolledAdministratorSignsInWithACodeUsedOnlyOnceAndOneStepOfDrift() {
        String email = AdminFixtures.create(silo, "enrolled@silo.test");
        Enrolled enrolled = enroll(email);

        SiloClient.Response passwordOnly = login(client, email, PASSWORD);
        assertThat(passwordOnly.status()).isEqualTo(401);
        assertThat(passwordOnly.problemType()).isEqualTo("second-factor-required");
        assertThat(login(client, email, PASSWORD, "totp", enrolled.code(0)).problemType())
                .as("the code that confirmed the enrollment is spent")
                .isEqualTo("invalid-credentials");

        CLOCK.advance(STEP.multipliedBy(2));
        assertThat(login(client, email, PASSWORD, "totp", enrolled.code(-1)).status())
                .as("one step behind")
                .isEqualTo(200);
        assertThat(login(client, email, PASSWORD, "totp", enrolled.code(-1)).problemType())
                .as("replayed")
                .isEqualTo("invalid-credentials");
        assertThat(login(client, email, PASSWORD, "totp", enrolled.code(2)).problemType())
                .as("two steps ahead")
                .isEqualTo("invalid-credentials");
        assertThat(login(client, email, "wrong-password", "totp", enrolled.code(1))
                        .problemType())
                .as("a right code does not make up for a wrong password")
                .isEqualTo("invalid-credentials");
        assertThat(login(client, email, PASSWORD, "totp", enrolled.code(1)).status())
                .as("one step ahead")
                .isEqualTo(200);
    }

    @Test
    void aRecoveryCodeSignsInOnce() {
        String email = AdminFixtures.create(silo, "recovering@silo.test");
        Enrolled enrolled = enroll(email);
        String recoveryCode = enrolled.recoveryCodes().get(3);

        assertThat(login(client, email, PASSWORD, "recoveryCode", recoveryCode.toUpperCase())
                        .status())
                .isEqualTo(200);
        assertThat(login(client, email, PASSWORD, "recoveryCode", recoveryCode).problemType())
                .isEqualTo("invalid-credentials");
        assertThat(silo.control()
                        .query(
                                "SELECT code_hash FROM platform_admin_recovery_codes c JOIN platform_admins a"
                                        + " ON a.id = c.admin_id WHERE a.email = ?",
                                row -> row.getString(1),
                                email))
                .hasSize(9)
                .noneMatch(stored -> enrolled.recoveryCodes().contains(stored));
    }

    @Test
    void wrongCodesCountTowardTheLockout() {
        String email = AdminFixtures.create(silo, "guessed-code@silo.test");
        enroll(email);
        for (int i = 0; i < 10; i++) {
            assertThat(login(client, email, PASSWORD, "totp", "00000" + (i % 10))
                            .problemType())
                    .isEqualTo("invalid-credentials");
        }

        assertThat(login(client, email, PASSWORD).problemType()).isEqualTo("account-locked");
    }

    @Test
    void enrollmentNeedsARightCodeAndIsRefusedOnceEnabled() {
        String email = AdminFixtures.create(silo, "enrolling@silo.test");
        SiloClient admin = signedIn(email);

        assertThat(admin.post("/api/admin/auth/totp/confirm", Map.of("code", "123456"))
                        .problemType())
                .isEqualTo("second-factor-state");
        JsonNode begun = admin.post("/api/admin/auth/totp", Map.of()).json();
        Totp totp = Totp.ofBase32(begun.path("secret").asString());
        assertThat(begun.path("uri").asString())
                .startsWith("otpauth://totp/silo:enrolling%40silo.test?secret="
                        + begun.path("secret").asString());
        String wrong = totp.code(Totp.step(CLOCK.instant()) + 5);
        SiloClient.Response refused = admin.post("/api/admin/auth/totp/confirm", Map.of("code", wrong));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.problemType()).isEqualTo("invalid-totp-code");
        assertThat(login(client, email, PASSWORD).status())
                .as("an enrollment begun but not confirmed asks nothing at sign-in")
                .isEqualTo(200);

        assertThat(admin.post("/api/admin/auth/totp/confirm", Map.of("code", totp.code(Totp.step(CLOCK.instant()))))
                        .status())
                .isEqualTo(200);
        assertThat(admin.post("/api/admin/auth/totp", Map.of()).problemType()).isEqualTo("second-factor-state");
        String stored = silo.control()
                .queryOne("SELECT totp_secret FROM platform_admins WHERE email = ?", row -> row.getString(1), email)
                .orElseThrow();
        assertThat(stored).startsWith("v1:").doesNotContain(begun.path("secret").asString());
    }

    @Test
    void anOperatorResetsALostSecondFactor() {
        String email = AdminFixtures.create(silo, "lost-device@silo.test");
        Enrolled enrolled = enroll(email);
        SiloClient admin = client.as(login(
                        client,
                        email,
                        PASSWORD,
                        "recoveryCode",
                        enrolled.recoveryCodes().getFirst())
                .json()
                .path("accessToken")
                .asString());
        assertThat(admin.get("/api/admin/pools").status()).isEqualTo(200);

        silo.silo()
                .application()
                .adminAccounts()
                .resetTotp(email, new AuditEntry.Actor("operator", "ops", "silo-cli", "", "silo-cli", ""));

        assertThat(admin.get("/api/admin/pools").status()).as("sessions ended").isEqualTo(401);
        assertThat(login(client, email, PASSWORD).status()).isEqualTo(200);
    }

    /**
     * The enrollment routes hold no organization's data: a member of any organization is 403, a stranger
     * 401, and injected or ill-typed codes are 400 before anything is compared.
     */
    @Test
    void membersAndStrangersCannotEnrollAndInjectedCodesAreRefused() {
        SiloClient platformAdmin = signedIn(AdminFixtures.create(silo, "isolated@silo.test"));
        SiloClient.Response created = platformAdmin.post(
                "/api/organizations",
                Map.of(
                        "name",
                        "Other Org",
                        "slug",
                        "other-org",
                        "services",
                        List.of("crm"),
                        "admin",
                        Map.of("email", "boss@other.example", "name", "Boss", "password", PASSWORD)));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        SiloClient member = client.as(client.post(
                        "/api/auth/login",
                        Map.of("organization", "other-org", "email", "boss@other.example", "password", PASSWORD))
                .json()
                .path("accessToken")
                .asString());

        for (String route : List.of("/api/admin/auth/totp", "/api/admin/auth/totp/confirm")) {
            assertThat(member.post(route, Map.of("code", "123456")).problemType())
                    .as(route)
                    .isEqualTo("platform-admin-required");
            assertThat(client.post(route, Map.of("code", "123456")).status())
                    .as(route)
                    .isEqualTo(401);
        }
        platformAdmin.post("/api/admin/auth/totp", Map.of());
        for (Object injected : List.of("' OR 1=1 --", "1234567", "12345٦", "$ne")) {
            assertThat(platformAdmin
                            .post("/api/admin/auth/totp/confirm", Map.of("code", injected))
                            .problemType())
                    .as(injected.toString())
                    .isEqualTo("invalid-totp-code");
        }
        assertThat(platformAdmin
                        .post("/api/admin/auth/totp/confirm", Map.of("code", Map.of("$ne", "")))
                        .status())
                .isEqualTo(400);
        assertThat(platformAdmin
                        .post("/api/admin/auth/totp/confirm", Map.of("code", "123456", "admin", "other"))
                        .problemType())
                .isEqualTo("unknown-field");
        assertThat(login(client, "isolated@silo.test", PASSWORD, "recoveryCode", "x".repeat(65))
                        .status())
                .isEqualTo(400);
    }

    /** An enrolled administrator and what the enrollment handed out. */
    private record Enrolled(Totp totp, List<String> recoveryCodes) {
        /** The code {@code steps} steps away from now. */
        String code(long steps) {
            return totp.code(Totp.step(CLOCK.instant()) + steps);
        }
    }

    private Enrolled enroll(String email) {
        SiloClient admin = signedIn(email);
        Totp totp = Totp.ofBase32(admin.post("/api/admin/auth/totp", Map.of())
                .json()
                .path("secret")
                .asString());
        SiloClient.Response confirmed =
                admin.post("/api/admin/auth/totp/confirm", Map.of("code", totp.code(Totp.step(CLOCK.instant()))));
        assertThat(confirmed.status()).as(confirmed.text()).isEqualTo(200);
        List<String> codes = confirmed
                .json()
                .path("recoveryCodes")
                .valueStream()
                .map(JsonNode::asString)
                .toList();
        assertThat(codes).hasSize(10).doesNotHaveDuplicates();
        return new Enrolled(totp, codes);
    }

    private SiloClient signedIn(String email) {
        SiloClient.Response login = login(client, email, PASSWORD);
        assertThat(login.status()).as(login.text()).isEqualTo(200);
        return client.as(login.json().path("accessToken").asString());
    }
}
