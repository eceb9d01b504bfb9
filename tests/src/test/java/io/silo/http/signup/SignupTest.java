package io.silo.http.signup;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.app.SiloOptions;
import io.silo.testing.SiloClient;
import io.silo.testing.TestClock;
import io.silo.testing.TestSilo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Self-service sign-up on a bare machine: the verification mail lands in the local mailbox, a file per message. */
class SignupTest {
    private static final Pattern TOKEN = Pattern.compile("Token: (\\S+)");
    private static final TestClock CLOCK = new TestClock();
    private static TestSilo silo;
    private static SiloClient client;

    @BeforeAll
    static void start() {
        silo = TestSilo.start(
                1,
                Map.of("SILO_SIGNUP_MAX_PER_ADDRESS_PER_HOUR", "4", "SILO_SIGNUP_TTL", "24h"),
                SiloOptions.server().withClock(CLOCK));
        client = silo.client();
    }

    @AfterAll
    static void stop() {
        silo.close();
    }

    @BeforeEach
    void newHour() {
        CLOCK.advance(Duration.ofMinutes(61));
    }

    static Map<String, Object> signup(String slug, String email, List<String> services) {
        return Map.of(
                "organization",
                Map.of("name", "Shop " + slug, "slug", slug, "services", services),
                "admin",
                Map.of("email", email, "name", "Founder", "password", "founder-password"));
    }

    @Test
    void signupMailsATokenThatProvisionsTheOrganizationAndItsAdministratorSignsIn() throws IOException {
        SiloClient.Response pending =
                client.post("/api/signup", signup("corner-shop", "Founder@Corner.example", List.of("pos")));
        assertThat(pending.status()).as(pending.text()).isEqualTo(202);
        assertThat(pending.json().path("status").asString()).isEqualTo("pending");
        assertThat(pending.text()).doesNotContain("Token");

        String token = tokenFromMailbox("founder@corner.example");
        JsonNode stored = silo
                .control()
                .query("SELECT token_hash || ' ' || request::text FROM signups", row -> row.getString(1))
                .stream()
                .map(text -> text.split(" ", 2))
                .filter(parts -> parts[1].contains("corner-shop"))
                .map(parts -> io.silo.json.Json.read(parts[1]))
                .findFirst()
                .orElseThrow();
        assertThat(stored.path("admin").path("passwordHash").asString()).startsWith("$argon2id$");
        assertThat(stored.toString()).doesNotContain("founder-password").doesNotContain(token);

        SiloClient.Response verified = client.post("/api/signup/verify", Map.of("token", token));
        assertThat(verified.status()).as(verified.text()).isEqualTo(201);
        assertThat(verified.json().path("organization").path("slug").asString()).isEqualTo("corner-shop");
        assertThat(verified.json().path("organization").path("status").asString())
                .isEqualTo("active");

        JsonNode login = client.post(
                        "/api/auth/login", Map.of("email", "founder@corner.example", "password", "founder-password"))
                .json();
        assertThat(login.path("organization").path("slug").asString()).isEqualTo("corner-shop");
        assertThat(login.path("user").path("roles").path("core").asString()).isEqualTo("admin");
        assertThat(login.path("services").valueStream().map(JsonNode::asString).toList())
                .containsExactly("pos");
        assertThat(silo.control()
                        .query("SELECT request::text FROM signups WHERE status = 'verified'", row -> row.getString(1)))
                .allSatisfy(request -> assertThat(request).doesNotContain("passwordHash"));
        assertThat(silo.control()
                        .query(
                                "SELECT actor_kind FROM audit_log WHERE action = 'tenant.create'",
                                row -> row.getString(1)))
                .contains("signup");
    }

    /**
     * Issue 17: a school signs itself up. Its database is named after the administrator's username
     * ({@code smart_crm_{adminUsername}_{timestamp}}), so without one the sign-up is 422
     * {@code naming-variable-missing}; with {@code admin.username} it provisions, and the principal
     * signs in by username alone.
     */
    @Test
    void aSchoolSignsUpWithItsAdministratorsUsernameAndThePrincipalSignsInByUsername() throws IOException {
        Map<String, Object> organization =
                Map.of("name", "Green Valley High", "slug", "green-valley-high", "services", List.of("school"));
        SiloClient.Response withoutUsername = client.post(
                "/api/signup",
                Map.of(
                        "organization",
                        organization,
                        "admin",
                        Map.of("email", "office@gvh.example", "name", "Grace", "password", "principal-password")));
        assertThat(withoutUsername.problemType()).isEqualTo("naming-variable-missing");
        SiloClient.Response badUsername = client.post(
                "/api/signup",
                Map.of(
                        "organization",
                        organization,
                        "admin",
                        Map.of(
                                "email",
                                "office@gvh.example",
                                "username",
                                "no spaces allowed",
                                "name",
                                "Grace",
                                "password",
                                "principal-password")));
        assertThat(badUsername.status()).isEqualTo(400);
        assertThat(badUsername.json().path("field").asString()).isEqualTo("admin.username");
        assertThat(mailsTo("office@gvh.example")).isEmpty();

        SiloClient.Response pending = client.post(
                "/api/signup",
                Map.of(
                        "organization",
                        organization,
                        "admin",
                        Map.of(
                                "email",
                                "office@gvh.example",
                                "username",
                                "Principal_Grace",
                                "name",
                                "Grace",
                                "password",
                                "principal-password")));
        assertThat(pending.status()).as(pending.text()).isEqualTo(202);
        SiloClient.Response verified =
                client.post("/api/signup/verify", Map.of("token", tokenFromMailbox("office@gvh.example")));
        assertThat(verified.status()).as(verified.text()).isEqualTo(201);

        JsonNode login = client.post(
                        "/api/auth/login", Map.of("username", "principal_grace", "password", "principal-password"))
                .json();
        assertThat(login.path("organization").path("slug").asString()).isEqualTo("green-valley-high");
        assertThat(login.path("user").path("username").asString()).isEqualTo("principal_grace");
        assertThat(login.path("user").path("email").asString()).isEqualTo("office@gvh.example");
        assertThat(login.path("services").valueStream().map(JsonNode::asString).toList())
                .containsExactly("school");
        assertThat(silo.control()
                        .query(
                                "SELECT d.database_name FROM tenant_databases d JOIN tenants t ON t.id = d.tenant_id"
                                        + " WHERE t.slug = 'green-valley-high' AND d.service = 'school'",
                                row -> row.getString(1)))
                .singleElement()
                .asString()
                .startsWith("smart_crm_principal_grace_");
    }

    @Test
    void platformAdministratorsReadTheLocalMailboxOverHttp() throws IOException {
        client.post("/api/signup", signup("mail-reader", "reader@mail.example", List.of("crm")));
        String token = tokenFromMailbox("reader@mail.example");
        SiloClient admin = client.asAdmin();

        JsonNode list = admin.get("/api/admin/mail").json();
        assertThat(list.path("transport").asString()).isEqualTo("local");
        JsonNode entry = list.path("items")
                .valueStream()
                .filter(item -> item.path("to").asString().equals("reader@mail.example"))
                .findFirst()
                .orElseThrow();
        assertThat(admin.get("/api/admin/mail/" + entry.path("id").asString())
                        .json()
                        .path("text")
                        .asString())
                .contains(token);
        assertThat(admin.get("/api/admin/mail/..%2F..%2Fmaster.key").status()).isEqualTo(404);
        assertThat(client.get("/api/admin/mail").status()).isEqualTo(401);
    }

    @Test
    void secondVerificationIsGone() throws IOException {
        client.post("/api/signup", signup("twice-verified", "twice@verify.example", List.of("crm")));
        String token = tokenFromMailbox("twice@verify.example");
        assertThat(client.post("/api/signup/verify", Map.of("token", token)).status())
                .isEqualTo(201);

        SiloClient.Response again = client.post("/api/signup/verify", Map.of("token", token));

        assertThat(again.status()).isEqualTo(410);
        assertThat(again.problemType()).isEqualTo("signup-already-verified");
    }

    @Test
    void expiredTokenIsGoneAndCreatesNothing() throws IOException {
        client.post("/api/signup", signup("too-late", "late@verify.example", List.of("crm")));
        String token = tokenFromMailbox("late@verify.example");

        CLOCK.advance(Duration.ofHours(25));
        SiloClient.Response late = client.post("/api/signup/verify", Map.of("token", token));

        assertThat(late.status()).isEqualTo(410);
        assertThat(late.problemType()).isEqualTo("signup-expired");
        assertThat(client.asAdmin().get("/api/organizations/too-late").status()).isEqualTo(404);
        assertThat(silo.control()
                        .query(
                                "SELECT status FROM signups WHERE email = 'late@verify.example'",
                                row -> row.getString(1)))
                .containsExactly("expired");
    }

    @Test
    void unknownTokenIsNotFound() {
        SiloClient.Response response = client.post("/api/signup/verify", Map.of("token", "made-up-token"));

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.problemType()).isEqualTo("signup-not-found");
    }

    @Test
    void mistakesAreReportedBeforeAnyMailIsSent() throws IOException {
        client.asAdmin()
                .post(
                        "/api/organizations",
                        Map.of(
                                "name",
                                "Taken",
                                "slug",
                                "taken-slug",
                                "services",
                                List.of("crm"),
                                "admin",
                                Map.of("email", "owner@taken.example", "name", "O", "password", "owner-password")));

        assertThat(client.post("/api/signup", signup("taken-slug", "a@mistake.example", List.of("crm")))
                        .problemType())
                .isEqualTo("slug-taken");
        assertThat(client.post("/api/signup", signup("wants-core", "b@mistake.example", List.of("core")))
                        .problemType())
                .isEqualTo("service-not-offered");
        assertThat(client.post("/api/signup", signup("needs-type", "c@mistake.example", List.of("erp")))
                        .problemType())
                .isEqualTo("naming-variable-missing");
        assertThat(mailsTo("@mistake.example")).isEmpty();
    }

    /**
     * Anyone can name any address, so the mail must not carry their text: every field is checked
     * before any mail, names hold no line breaks, and the mail says nothing the requester wrote but
     * the organization's name.
     */
    @Test
    void requesterTextIsCheckedBeforeAnyMailAndKeptOutOfIt() throws IOException {
        SiloClient.Response forgedLine = client.post(
                "/api/signup",
                Map.of(
                        "organization",
                        Map.of(
                                "name",
                                "Shop\r\nBcc: victim@else.example",
                                "slug",
                                "forged",
                                "services",
                                List.of("crm")),
                        "admin",
                        Map.of("email", "a@hygiene.example", "name", "Founder", "password", "founder-password")));
        assertThat(forgedLine.status()).isEqualTo(400);
        assertThat(forgedLine.problemType()).isEqualTo("invalid-text");
        assertThat(forgedLine.json().path("field").asString()).isEqualTo("name");

        SiloClient.Response longName = client.post(
                "/api/signup",
                Map.of(
                        "organization",
                        Map.of("name", "Shop", "slug", "long-name", "services", List.of("crm")),
                        "admin",
                        Map.of("email", "b@hygiene.example", "name", "x".repeat(201), "password", "founder-password")));
        assertThat(longName.problemType()).isEqualTo("field-too-long");
        assertThat(longName.json().path("field").asString()).isEqualTo("admin.name");
        assertThat(mailsTo("@hygiene.example")).isEmpty();

        SiloClient.Response pending = client.post(
                "/api/signup",
                Map.of(
                        "organization",
                        Map.of("name", "Hygienic Shop", "slug", "hygienic", "services", List.of("crm")),
                        "admin",
                        Map.of(
                                "email",
                                "c@hygiene.example",
                                "name",
                                "Claim your prize at prize.example",
                                "password",
                                "founder-password")));
        assertThat(pending.status()).as(pending.text()).isEqualTo(202);
        String mail = Files.readString(mailsTo("c@hygiene.example").getFirst());
        assertThat(mail).contains("Hygienic Shop").doesNotContain("prize");
    }

    @Test
    void signupsFromOneAddressAreThrottled() {
        for (int i = 0; i < 4; i++) {
            client.post("/api/signup", Map.of("organization", Map.of("name", "Spam " + i)));
        }

        SiloClient.Response refused =
                client.post("/api/signup", signup("one-too-many", "spam@throttle.example", List.of("crm")));

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.problemType()).isEqualTo("too-many-signups");
        assertThat(refused.header("Retry-After")).isPresent();
    }

    private static String tokenFromMailbox(String to) throws IOException {
        List<Path> mails = mailsTo(to);
        assertThat(mails).as("one verification mail to " + to).hasSize(1);
        Matcher matcher = TOKEN.matcher(Files.readString(mails.getFirst()));
        assertThat(matcher.find()).isTrue();
        return matcher.group(1);
    }

    private static List<Path> mailsTo(String to) throws IOException {
        Path mailbox = silo.config().dataDir().resolve("mail");
        if (!Files.isDirectory(mailbox)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(mailbox)) {
            return files.filter(file -> file.toString().endsWith(".eml"))
                    .filter(file -> {
                        try {
                            return Files.readString(file)
                                    .lines()
                                    .anyMatch(line -> line.startsWith("To: ") && line.contains(to));
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .toList();
        }
    }
}
