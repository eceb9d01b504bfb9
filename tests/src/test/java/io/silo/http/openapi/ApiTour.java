package io.silo.http.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.crypto.Totp;
import io.silo.testing.SiloClient;
import io.silo.testing.TestSilo;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * A realistic walk through every route of the API, as a platform administrator, an organization's
 * administrator, a member, and a stranger, including the usual refusals. Each step asserts the
 * status it expects; the {@link ContractCheck} behind the client holds every exchange against the
 * API description on the side.
 *
 * <p>Not thread-safe: one tour, one thread.
 */
final class ApiTour {
    private static final Pattern TOKEN = Pattern.compile("Token: (\\S+)");
    private static final String PASSWORD = "tour-password-42";
    private static final String INVOICES = "/api/data/billing/invoices";

    private final CheckedClient anonymous;
    private CheckedClient admin;
    private CheckedClient orgAdmin;
    private CheckedClient member;
    private String orgId;
    private String slug;
    private String memberId;
    private String memberRefresh;

    private final String pendingJobId;
    private final java.nio.file.Path importsDir;

    /**
     * {@code pendingJobId}: a job no runner will claim, which the tour cancels (HTTP alone makes none);
     * {@code importsDir}: the instance's {@code imports.dir}, where the tour puts a small export to import.
     */
    ApiTour(CheckedClient anonymous, String pendingJobId, java.nio.file.Path importsDir) {
        this.anonymous = anonymous;
        this.pendingJobId = pendingJobId;
        this.importsDir = importsDir;
    }

    void run() {
        meta();
        platformAdministrator();
        organizations();
        users();
        platformUserManagement();
        sessions();
        data();
        files();
        batches();
        activityAndTenantHealth();
        organizationServices();
        closing();
        suspension();
        signup();
        administration();
        secondFactor();
        unknownRoutes();
        invitations();
        ownPasswords();
    }

    private void invitations() {
        String id = expect(
                        201,
                        orgAdmin.post(
                                "/api/invitations",
                                Map.of("email", "guest@tour.example", "services", Map.of("billing", "user"))))
                .json()
                .path("id")
                .asString();
        expect(200, orgAdmin.get("/api/invitations"));
        expect(409, orgAdmin.post("/api/invitations", Map.of("email", "boss@tour.example")));
        expect(422, orgAdmin.post("/api/invitations", Map.of("email", "x@tour.example", "services", List.of("erp"))));
        expect(400, orgAdmin.post("/api/invitations", Map.of("email", "not an email")));
        expect(401, anonymous.get("/api/invitations"));
        expect(204, orgAdmin.delete("/api/invitations/" + id));
        expect(404, orgAdmin.delete("/api/invitations/" + id));
        expect(400, orgAdmin.delete("/api/invitations/not-a-uuid"));
        expect(
                400,
                anonymous.post(
                        "/api/invitations/accept", Map.of("token", "made-up", "name", "G", "password", PASSWORD)));
        expect(200, admin.patch("/api/organizations/" + slug, Map.of("quotas", Map.of("maxUsers", 100))));
        expect(201, orgAdmin.post("/api/invitations", Map.of("email", "joiner@tour.example")));
        expect(
                201,
                anonymous.post(
                        "/api/invitations/accept",
                        Map.of(
                                "token",
                                mailedToken("joiner@tour.example", "You are invited"),
                                "name",
                                "Joiner",
                                "password",
                                PASSWORD)));
    }

    /** The token of the first mail to {@code to} whose subject starts so, read as a platform administrator. */
    private String mailedToken(String to, String subject) {
        String mailId = io.silo.testing.Eventually.get(
                java.time.Duration.ofSeconds(10),
                () -> admin.get("/api/admin/mail")
                        .json()
                        .path("items")
                        .valueStream()
                        .filter(item -> item.path("to").asString().equals(to)
                                && item.path("subject").asString().startsWith(subject))
                        .map(item -> item.path("id").asString())
                        .findFirst()
                        .orElse(""),
                id -> !id.isEmpty());
        String text = admin.get("/api/admin/mail/" + mailId).json().path("text").asString();
        java.util.regex.Matcher token =
                java.util.regex.Pattern.compile("Token: (\\S+)").matcher(text);
        org.assertj.core.api.Assertions.assertThat(token.find()).isTrue();
        return token.group(1);
    }

    /** Last: a reset ends the organization administrator's sessions, which the steps before use. */
    private void ownPasswords() {
        CheckedClient till = anonymous.as(expect(
                        200,
                        anonymous.post(
                                "/api/auth/login",
                                Map.of("organization", slug, "username", "till", "password", PASSWORD)))
                .json()
                .path("accessToken")
                .asString());
        expect(422, till.post("/api/auth/password", Map.of("currentPassword", PASSWORD, "newPassword", "short")));
        expect(
                403,
                till.post(
                        "/api/auth/password",
                        Map.of("currentPassword", "not-the-password", "newPassword", PASSWORD + "-new")));
        expect(
                200,
                till.post("/api/auth/password", Map.of("currentPassword", PASSWORD, "newPassword", PASSWORD + "-new")));
        expect(401, anonymous.post("/api/auth/password", Map.of("currentPassword", "a", "newPassword", "b")));

        expect(400, anonymous.post("/api/auth/password/forgot", Map.of("email", "not an email")));
        expect(202, anonymous.post("/api/auth/password/forgot", Map.of("email", "boss@tour.example")));
        String resetToken = mailedToken("boss@tour.example", "Reset");
        expect(
                400,
                anonymous.post("/api/auth/password/reset", Map.of("token", "made-up", "password", PASSWORD + "-new")));
        expect(422, anonymous.post("/api/auth/password/reset", Map.of("token", resetToken, "password", "short")));
        expect(
                204,
                anonymous.post("/api/auth/password/reset", Map.of("token", resetToken, "password", PASSWORD + "-new")));
    }

    private void meta() {
        expect(200, anonymous.get("/openapi.json"));
        expect(200, anonymous.get("/.well-known/jwks.json"));
        expect(200, anonymous.get("/api/health"));
        expect(401, anonymous.as("not-a-token").get("/api/health"));
    }

    private void platformAdministrator() {
        expect(400, anonymous.send("POST", "/api/admin/auth/login", Optional.of(""), Map.of()));
        expect(400, anonymous.post("/api/admin/auth/login", "{\"email\": "));
        expect(400, anonymous.post("/api/admin/auth/login", Map.of("email", TestSilo.ADMIN_EMAIL)));
        expect(
                400,
                anonymous.post(
                        "/api/admin/auth/login", Map.of("email", TestSilo.ADMIN_EMAIL, "password", "x", "otp", "1")));
        expect(
                401,
                anonymous.post(
                        "/api/admin/auth/login", Map.of("email", TestSilo.ADMIN_EMAIL, "password", "wrong password")));
        JsonNode tokens = expect(
                        200,
                        anonymous.post(
                                "/api/admin/auth/login",
                                Map.of("email", TestSilo.ADMIN_EMAIL, "password", TestSilo.ADMIN_PASSWORD)))
                .json();
        admin = anonymous.as(tokens.path("accessToken").asString());
        assertThat(expect(200, admin.get("/api/auth/me")).json().path("kind").asString())
                .isEqualTo("admin");
        expect(200, admin.get("/api/health"));
        expect(401, anonymous.get("/api/auth/me"));

        JsonNode renewed = expect(
                        200,
                        anonymous.post(
                                "/api/auth/refresh",
                                Map.of(
                                        "refreshToken",
                                        tokens.path("refreshToken").asString())))
                .json();
        expect(
                401,
                anonymous.post(
                        "/api/auth/refresh",
                        Map.of("refreshToken", tokens.path("refreshToken").asString())));
        // the replay ended that session, the renewed access token included: sign in again
        expect(401, anonymous.as(renewed.path("accessToken").asString()).get("/api/auth/me"));
        admin = anonymous.as(expect(
                        200,
                        anonymous.post(
                                "/api/admin/auth/login",
                                Map.of("email", TestSilo.ADMIN_EMAIL, "password", TestSilo.ADMIN_PASSWORD)))
                .json()
                .path("accessToken")
                .asString());
    }

    private void organizations() {
        Map<String, Object> create = Map.of(
                "name",
                "Tour Company",
                "slug",
                "tour-co",
                "services",
                List.of("billing", "classroom"),
                "quotas",
                Map.of("maxUsers", 10),
                "features",
                List.of("invoicing"),
                "notes",
                "made by the API tour",
                "adminContact",
                Map.of("email", "it@tour.example", "name", "IT"),
                "admin",
                Map.of("email", "boss@tour.example", "name", "Boss", "password", PASSWORD));
        expect(401, anonymous.post("/api/organizations", create));
        SiloClient.Response created = expect(201, admin.post("/api/organizations", create));
        orgId = created.json().path("id").asString();
        slug = created.json().path("slug").asString();
        expect(
                200,
                admin.get("/api/admin/jobs/"
                        + created.json().path("job").path("id").asString()));
        expect(400, admin.get("/api/admin/jobs/not-a-job"));
        expect(200, admin.get("/api/admin/jobs?organization=" + slug + "&state=succeeded&limit=1"));
        expect(400, admin.get("/api/admin/jobs?state=sleeping"));
        expect(200, admin.post("/api/admin/jobs/" + pendingJobId + "/cancel", Map.of()));
        expect(
                409,
                admin.post(
                        "/api/admin/jobs/"
                                + created.json().path("job").path("id").asString() + "/cancel",
                        Map.of()));

        expect(409, admin.post("/api/organizations", create));
        expect(
                422,
                admin.post(
                        "/api/organizations",
                        Map.of(
                                "name",
                                "Nope",
                                "services",
                                List.of("astrology"),
                                "admin",
                                Map.of("email", "a@nope.example", "name", "A", "password", PASSWORD))));
        expect(
                400,
                admin.post(
                        "/api/organizations",
                        Map.of(
                                "name",
                                "Nope",
                                "services",
                                List.of(),
                                "admin",
                                Map.of("email", "a@nope.example", "name", "A", "password", PASSWORD))));

        JsonNode page = expect(200, admin.get("/api/organizations?status=active&limit=1"))
                .json();
        if (!page.path("nextCursor").isNull()) {
            expect(
                    200,
                    admin.get("/api/organizations?limit=1&cursor="
                            + encode(page.path("nextCursor").asString())));
        }
        expect(200, admin.get("/api/organizations?q=tour"));
        expect(200, admin.get("/api/organizations?cluster=primary&service=billing"));
        expect(400, admin.get("/api/organizations?status=sleeping"));
        expect(200, admin.get("/api/organizations/" + slug));
        expect(200, admin.get("/api/organizations/" + orgId));
        expect(404, admin.get("/api/organizations/no-such-organization"));
        expect(
                200,
                admin.patch(
                        "/api/organizations/" + slug,
                        Map.of("notes", "patched", "quotas", Map.of("maxUsers", 3), "license", "pro")));
        expect(400, admin.patch("/api/organizations/" + slug, Map.of("slug", "other")));
        expect(
                200,
                admin.patch(
                        "/api/organizations/" + slug,
                        Map.of("corsOrigins", List.of("https://tour.example", "http://localhost:5173"))));
        expect(400, admin.patch("/api/organizations/" + slug, Map.of("corsOrigins", List.of("https://*.example"))));
        expect(200, admin.patch("/api/organizations/" + slug, Map.of("passwordPolicy", Map.of("minLength", 12))));
        expect(400, admin.patch("/api/organizations/" + slug, Map.of("passwordPolicy", Map.of("minLength", 0))));

        orgAdmin = anonymous.as(expect(
                        200,
                        anonymous.post(
                                "/api/auth/login",
                                Map.of("organization", slug, "email", "boss@tour.example", "password", PASSWORD)))
                .json()
                .path("accessToken")
                .asString());
        expect(403, orgAdmin.get("/api/organizations"));
        expect(403, orgAdmin.post("/api/organizations", create));
        expect(200, orgAdmin.patch("/api/organizations/" + slug, Map.of("passwordPolicy", Map.of("minLength", 12))));
        expect(403, orgAdmin.patch("/api/organizations/" + slug, Map.of("notes", "mine")));
    }

    private void users() {
        Map<String, Object> mia = Map.of(
                "email",
                "mia@tour.example",
                "username",
                "mia",
                "name",
                "Mia",
                "password",
                PASSWORD,
                "services",
                Map.of("billing", "user"),
                "profile",
                Map.of("phone", "+41 44 000 00 00"));
        SiloClient.Response created = expect(201, orgAdmin.post("/api/users", mia));
        memberId = created.json().path("id").asString();
        expect(409, orgAdmin.post("/api/users", mia));
        expect(
                422,
                orgAdmin.post("/api/users", Map.of("email", "weak@tour.example", "name", "Weak", "password", "short")));
        expect(
                422,
                orgAdmin.post(
                        "/api/users",
                        Map.of(
                                "email",
                                "wiz@tour.example",
                                "name",
                                "Wiz",
                                "password",
                                PASSWORD,
                                "services",
                                Map.of("billing", "wizard"))));
        expect(400, orgAdmin.post("/api/users", Map.of("name", "Nobody", "password", PASSWORD)));
        expect(
                201,
                orgAdmin.post(
                        "/api/users",
                        Map.of(
                                "username",
                                "till",
                                "name",
                                "Till",
                                "password",
                                PASSWORD,
                                "services",
                                List.of("billing"))));
        expect(422, orgAdmin.post("/api/users", Map.of("username", "over", "name", "Over", "password", PASSWORD)));

        JsonNode page =
                expect(200, orgAdmin.get("/api/users?limit=1&status=active")).json();
        expect(
                200,
                orgAdmin.get("/api/users?limit=1&cursor="
                        + encode(page.path("nextCursor").asString())));
        expect(200, orgAdmin.get("/api/users?q=mia"));
        expect(400, orgAdmin.get("/api/users?limit=0"));
        expect(200, orgAdmin.get("/api/users/" + memberId));
        expect(404, orgAdmin.get("/api/users/00000000-0000-7000-8000-000000000000"));
        expect(
                200,
                orgAdmin.patch("/api/users/" + memberId, Map.of("name", "Mia Manager", "profile", Map.of("desk", 4))));
        expect(400, orgAdmin.patch("/api/users/" + memberId, Map.of("shoeSize", 42)));
        String self = expect(200, orgAdmin.get("/api/auth/me"))
                .json()
                .path("user")
                .path("id")
                .asString();
        expect(409, orgAdmin.patch("/api/users/" + self, Map.of("status", "disabled")));
        expect(409, orgAdmin.delete("/api/users/" + self));

        JsonNode signedIn = expect(
                        200,
                        anonymous.post("/api/auth/login", Map.of("email", "mia@tour.example", "password", PASSWORD)))
                .json();
        member = anonymous.as(signedIn.path("accessToken").asString());
        memberRefresh = signedIn.path("refreshToken").asString();
        expect(403, member.get("/api/users"));
        expect(200, member.get("/api/auth/me"));
        members();
    }

    /** A platform administrator managing the organization's users, named by its external id. */
    private void platformUserManagement() {
        // one place more for the user made here, given back at the end
        expect(
                200,
                admin.patch(
                        "/api/organizations/" + slug,
                        Map.of("externalId", "org_tour_001", "quotas", Map.of("maxUsers", 4))));
        expect(200, admin.get("/api/organizations/org_tour_001"));
        expect(409, admin.patch("/api/organizations/" + slug, Map.of("externalId", slug)));
        String users = "/api/admin/organizations/org_tour_001/users";
        expect(403, orgAdmin.get(users));
        expect(200, admin.get(users + "?service=billing&limit=2"));
        expect(404, admin.get("/api/admin/organizations/no-such-org/users"));
        Map<String, Object> ada = Map.of(
                "email", "ada@tour.example", "name", "Ada", "password", PASSWORD, "services", List.of("billing"));
        String adaId = expect(201, admin.post(users, ada)).json().path("id").asString();
        expect(200, admin.get(users + "/" + adaId));
        expect(200, admin.patch(users + "/" + adaId, Map.of("services", Map.of("billing", "manager"))));
        expect(
                200,
                admin.post(
                        users + "/_bulk",
                        Map.of(
                                "operations",
                                List.of(
                                        Map.of("op", "update", "id", adaId, "changes", Map.of("name", "Ada L.")),
                                        Map.of("op", "create", "user", ada),
                                        Map.of("op", "delete", "id", "00000000-0000-7000-8000-000000000000")))));
        expect(400, admin.post(users + "/_bulk", Map.of("operations", List.of())));
        expect(204, admin.delete(users + "/" + adaId));
        expect(404, admin.get(users + "/" + adaId));
        expect(404, admin.delete(users + "/" + adaId));
        expect(200, admin.patch("/api/organizations/" + slug, Map.of("quotas", Map.of("maxUsers", 3))));
    }

    /** An administrator closes their own organization; a platform administrator restores it. */
    private void closing() {
        expect(
                201,
                admin.post(
                        "/api/organizations",
                        Map.of(
                                "name",
                                "Closing Co",
                                "slug",
                                "closing-co",
                                "services",
                                List.of("billing"),
                                "admin",
                                Map.of("email", "boss@closing.example", "name", "Boss", "password", PASSWORD))));
        CheckedClient closingAdmin = anonymous.as(expect(
                        200,
                        anonymous.post(
                                "/api/auth/login",
                                Map.of(
                                        "organization",
                                        "closing-co",
                                        "email",
                                        "boss@closing.example",
                                        "password",
                                        PASSWORD)))
                .json()
                .path("accessToken")
                .asString());
        expect(400, closingAdmin.delete("/api/organization?confirm=closing"));
        expect(403, member.delete("/api/organization?confirm=" + slug));
        expect(200, closingAdmin.delete("/api/organization?confirm=closing-co"));
        expect(200, admin.get("/api/organizations/closing-co"));
        expect(200, admin.post("/api/organizations/closing-co/activate", Map.of()));
    }

    /** The member list: the administrator always may; billing's roles may not. */
    private void members() {
        JsonNode page = expect(200, orgAdmin.get("/api/members?limit=1")).json();
        expect(
                200,
                orgAdmin.get("/api/members?limit=1&cursor="
                        + encode(page.path("nextCursor").asString())));
        expect(200, orgAdmin.get("/api/members?q=mia&service=billing&role=user"));
        expect(200, orgAdmin.get("/api/members/" + memberId));
        expect(404, orgAdmin.get("/api/members/00000000-0000-7000-8000-000000000000"));
        expect(400, orgAdmin.get("/api/members/not-an-id"));
        expect(400, orgAdmin.get("/api/members?role=user"));
        expect(404, orgAdmin.get("/api/members?service=crm"));
        expect(422, orgAdmin.get("/api/members?service=billing&role=wizard"));
        expect(403, member.get("/api/members"));
        expect(401, anonymous.get("/api/members"));
    }

    private void sessions() {
        expect(200, anonymous.post("/api/auth/login", Map.of("username", "mia", "password", PASSWORD)));
        expect(400, anonymous.post("/api/auth/login", Map.of("password", PASSWORD)));
        JsonNode byUsername = expect(
                        200,
                        anonymous.post(
                                "/api/auth/login",
                                Map.of("organization", slug, "username", "till", "password", PASSWORD)))
                .json();
        for (int attempt = 0; attempt < 5; attempt++) {
            expect(
                    401,
                    anonymous.post(
                            "/api/auth/login",
                            Map.of("organization", slug, "email", "ghost@tour.example", "password", "nope")));
        }
        expect(
                429,
                anonymous.post(
                        "/api/auth/login",
                        Map.of("organization", slug, "email", "ghost@tour.example", "password", "nope")));

        JsonNode renewed = expect(
                        200,
                        anonymous.post(
                                "/api/auth/refresh",
                                Map.of(
                                        "refreshToken",
                                        byUsername.path("refreshToken").asString())))
                .json();
        expect(
                401,
                anonymous.post(
                        "/api/auth/refresh",
                        Map.of("refreshToken", byUsername.path("refreshToken").asString())));
        expect(
                204,
                anonymous.post(
                        "/api/auth/logout",
                        Map.of("refreshToken", renewed.path("refreshToken").asString())));
        expect(
                401,
                anonymous.post(
                        "/api/auth/refresh",
                        Map.of("refreshToken", renewed.path("refreshToken").asString())));
        expect(400, anonymous.post("/api/auth/logout", Map.of()));
    }

    private void data() {
        Map<String, Object> first = invoice("T-1", "Ada", "draft", 120);
        SiloClient.Response created = expect(201, orgAdmin.post(INVOICES, first));
        String path = INVOICES + "/" + created.json().path("_id").asString();
        expect(201, orgAdmin.post(INVOICES, invoice("T-2", "Bob", "sent", 80)));
        expect(
                201,
                orgAdmin.post(
                        INVOICES,
                        Map.of(
                                "_id",
                                "0190a4c2-7d3e-7b1a-9c4e-2f1d3b5a6c7e",
                                "number",
                                "T-3",
                                "customer",
                                Map.of("name", "Cy"),
                                "status",
                                "paid",
                                "currency",
                                "EUR",
                                "total",
                                35.5,
                                "issueDate",
                                "2026-11-02")));
        expect(409, orgAdmin.post(INVOICES, first));
        Map<String, String> key = Map.of("Idempotency-Key", "tour-" + System.nanoTime());
        Map<String, Object> unnumbered = new java.util.HashMap<>(invoice("-", "Keyed", "draft", 7));
        unnumbered.remove("number");
        expect(201, orgAdmin.send("POST", INVOICES, Optional.of(unnumbered), key));
        expect(201, orgAdmin.send("POST", INVOICES, Optional.of(unnumbered), key));
        expect(422, orgAdmin.send("POST", INVOICES, Optional.of(invoice("T-K", "Keyed", "draft", 8)), key));
        expect(400, orgAdmin.send("POST", INVOICES, Optional.of(unnumbered), Map.of("Idempotency-Key", "")));
        expect(422, orgAdmin.post(INVOICES, Map.of("number", "T-4", "status", "lost")));
        expect(400, orgAdmin.post(INVOICES, Map.of("_version", 3, "number", "T-5")));
        expect(400, orgAdmin.send("POST", INVOICES, Optional.empty(), Map.of()));
        expect(413, orgAdmin.post(INVOICES, "{\"notes\": \"" + "x".repeat(4 * 1024 * 1024 + 1) + "\"}"));
        expect(403, member.post(INVOICES, invoice("T-6", "Mallory", "draft", 1)));

        JsonNode page = expect(
                        200,
                        member.get(INVOICES + "?filter=" + encode("{\"total\":{\"$gte\":50}}") + "&sort=-total&limit=1"
                                + "&fields=number,total"))
                .json();
        expect(
                200,
                member.get(INVOICES + "?filter=" + encode("{\"total\":{\"$gte\":50}}")
                        + "&sort=-total&limit=1&fields=number,total" + "&cursor="
                        + encode(page.path("nextCursor").asString())));
        expect(400, member.get(INVOICES + "?filter=" + encode("{\"total\":{\"$regex\":\"1\"}}")));
        expect(400, member.get(INVOICES + "?limit=5000"));
        expect(200, member.get(INVOICES + "/_count?filter=" + encode("{\"status\":\"draft\"}")));
        expect(200, member.get(INVOICES + "/_group?by=status&metric=total&limit=10"));
        expect(400, member.get(INVOICES + "/_group?metric=total"));
        expect(
                200,
                member.get(INVOICES
                        + "/_group?by=status,issueDate:month&metric=total&tz=Europe/Berlin&order=keys&filter="
                        + encode("{\"issueDate\":{\"$gte\":\"2026-01-01\"}}")));
        expect(400, member.get(INVOICES + "/_group?by=issueDate:hour"));
        expect(400, member.get(INVOICES + "/_group?by=issueDate:day&tz=Mars%2FOlympus"));
        expect(404, member.get("/api/data/billing/ledgers"));
        expect(404, member.get("/api/data/astrology/charts"));
        expect(404, member.get("/api/data/crm/contacts"));
        expect(403, admin.get(INVOICES));

        expect(200, member.get(path));
        expect(400, member.get(INVOICES + "/42"));
        expect(404, member.get(INVOICES + "/00000000-0000-7000-8000-000000000000"));
        expect(200, orgAdmin.send("PATCH", path, Optional.of(Map.of("status", "sent")), Map.of("If-Match", "\"1\"")));
        expect(409, orgAdmin.send("PATCH", path, Optional.of(Map.of("status", "paid")), Map.of("If-Match", "\"1\"")));
        expect(
                200,
                orgAdmin.put(
                        path,
                        Map.of(
                                "_version",
                                2,
                                "number",
                                "T-1",
                                "customer",
                                Map.of("name", "Ada Lovelace"),
                                "status",
                                "paid",
                                "currency",
                                "EUR",
                                "total",
                                120,
                                "issueDate",
                                "2026-11-01")));
        expect(422, orgAdmin.put(path, Map.of("number", "T-1")));
        expect(409, orgAdmin.send("DELETE", path, Optional.empty(), Map.of("If-Match", "\"1\"")));
        Map<String, String> deletion =
                Map.of("If-Match", "\"3\"", "Idempotency-Key", "tour-delete-" + System.nanoTime());
        expect(204, orgAdmin.send("DELETE", path, Optional.empty(), deletion));
        expect(204, orgAdmin.send("DELETE", path, Optional.empty(), deletion));
        expect(404, orgAdmin.delete(path));
    }

    /** Files of documents, on the tests' {@code classroom} template, whose assignments take PDFs. */
    private void files() {
        String assignment = "/api/data/classroom/assignments/"
                + expect(201, orgAdmin.post("/api/data/classroom/assignments", Map.of("title", "Tour essay")))
                        .json()
                        .path("_id")
                        .asString();
        String files = assignment + "/_files";
        String pdf = "%PDF-1.4 a small file of the tour";
        SiloClient.Response stored = expect(
                201,
                orgAdmin.send(
                        "POST",
                        files + "?name=brief.pdf",
                        Optional.of(pdf),
                        Map.of("Content-Type", "application/pdf")));
        String file = stored.header("Location").orElseThrow();
        expect(
                415,
                orgAdmin.send(
                        "POST", files + "?name=page.html", Optional.of("<p>"), Map.of("Content-Type", "text/html")));
        expect(
                400,
                orgAdmin.send(
                        "POST",
                        files + "?name=a%2Fb.pdf",
                        Optional.of(pdf),
                        Map.of("Content-Type", "application/pdf")));
        expect(
                404,
                orgAdmin.send(
                        "POST",
                        "/api/data/classroom/notes/00000000-0000-7000-8000-000000000000/_files?name=a.txt",
                        Optional.of("x"),
                        Map.of("Content-Type", "text/plain")));
        expect(200, orgAdmin.get(files));
        expect(200, orgAdmin.get(file));
        expect(206, orgAdmin.send("GET", file, Optional.empty(), Map.of("Range", "bytes=0-3")));
        expect(416, orgAdmin.send("GET", file, Optional.empty(), Map.of("Range", "bytes=9999-")));
        expect(
                304,
                orgAdmin.send(
                        "GET",
                        file,
                        Optional.empty(),
                        Map.of(
                                "If-None-Match",
                                "\"" + stored.json().path("sha256").asString() + "\"")));
        expect(404, orgAdmin.get(files + "/00000000-0000-7000-8000-000000000000"));
        expect(403, member.get(files));

        String url = expect(201, orgAdmin.post(file + "/_url?ttl=60", Map.of()))
                .json()
                .path("url")
                .asString();
        expect(400, orgAdmin.post(file + "/_url?ttl=0", Map.of()));
        expect(200, anonymous.get(url));
        expect(206, anonymous.send("GET", url, Optional.empty(), Map.of("Range", "bytes=-4")));
        expect(403, anonymous.get(withSignatureAltered(url)));

        expect(204, orgAdmin.delete(file));
        expect(404, orgAdmin.delete(file));
        expect(404, anonymous.get(url));
    }

    /**
     * The URL with the first character of its token's signature changed: every bit of that character
     * counts, unlike the last one's, whose low bits base64url ignores (a change there can leave the
     * signature as it was).
     */
    private static String withSignatureAltered(String url) {
        int at = url.lastIndexOf('.') + 1;
        char altered = url.charAt(at) == 'A' ? 'B' : 'A';
        return url.substring(0, at) + altered + url.substring(at + 1);
    }

    private void batches() {
        String id = expect(201, orgAdmin.post(INVOICES, invoice("B-1", "Dee", "draft", 10)))
                .json()
                .path("_id")
                .asString();
        String gone = expect(201, orgAdmin.post(INVOICES, invoice("B-2", "Eve", "draft", 20)))
                .json()
                .path("_id")
                .asString();
        expect(
                200,
                orgAdmin.post(
                        "/api/data/billing/_batch",
                        Map.of(
                                "operations",
                                List.of(
                                        Map.of(
                                                "op",
                                                "insert",
                                                "collection",
                                                "invoices",
                                                "body",
                                                invoice("B-3", "Fay", "sent", 30)),
                                        Map.of(
                                                "op",
                                                "patch",
                                                "collection",
                                                "invoices",
                                                "id",
                                                id,
                                                "body",
                                                Map.of("status", "sent"),
                                                "version",
                                                1),
                                        Map.of(
                                                "op",
                                                "replace",
                                                "collection",
                                                "invoices",
                                                "id",
                                                id,
                                                "body",
                                                invoice("B-1", "Dee", "paid", 10)),
                                        Map.of("op", "delete", "collection", "invoices", "id", gone)))));
        expect(
                422,
                orgAdmin.post(
                        "/api/data/billing/_batch",
                        Map.of(
                                "operations",
                                List.of(
                                        Map.of(
                                                "op",
                                                "insert",
                                                "collection",
                                                "invoices",
                                                "body",
                                                invoice("B-4", "Gus", "draft", 5)),
                                        Map.of(
                                                "op",
                                                "insert",
                                                "collection",
                                                "payments",
                                                "body",
                                                Map.of("invoiceId", id))))));
        expect(400, orgAdmin.post("/api/data/billing/_batch", Map.of("operations", List.of())));
        expect(
                403,
                member.post(
                        "/api/data/billing/_batch",
                        Map.of("operations", List.of(Map.of("op", "delete", "collection", "invoices", "id", id)))));
    }

    private void activityAndTenantHealth() {
        JsonNode page = expect(200, orgAdmin.get("/api/activity?limit=2")).json();
        expect(
                200,
                orgAdmin.get("/api/activity?limit=2&cursor="
                        + encode(page.path("nextCursor").asString())));
        expect(200, orgAdmin.get("/api/activity?service=billing"));
        expect(404, orgAdmin.get("/api/activity?service=crm"));
        expect(400, orgAdmin.get("/api/activity?cursor=garbage"));
        expect(403, member.get("/api/activity"));

        expect(200, member.get("/api/health/tenant"));
        expect(200, member.get("/api/health/tenant/collections"));
        expect(403, admin.get("/api/health/tenant"));
        expect(401, anonymous.get("/api/health/tenant/collections"));
    }

    private void organizationServices() {
        String services = "/api/organizations/" + slug + "/services";
        expect(403, orgAdmin.post(services, Map.of("service", "crm")));
        expect(422, admin.post(services, Map.of("service", "astrology")));
        expect(400, admin.post(services, Map.of()));
        expect(201, admin.post(services, Map.of("service", "crm")));
        expect(409, admin.post(services, Map.of("service", "crm")));
        expect(400, admin.delete(services + "/crm"));
        expect(409, admin.delete(services + "/core?confirm=" + slug));
        expect(404, admin.delete(services + "/pos?confirm=" + slug));
        expect(200, admin.delete(services + "/crm?confirm=" + slug));
        expect(409, admin.delete(services + "/crm?confirm=" + slug));
        expect(200, admin.post(services + "/crm/restore", Map.of()));
        expect(409, admin.post(services + "/crm/restore", Map.of()));
        expect(404, admin.post(services + "/pos/restore", Map.of()));
    }

    private void suspension() {
        expect(409, admin.post("/api/organizations/" + slug + "/activate", Map.of()));
        expect(200, admin.post("/api/organizations/" + slug + "/suspend", Map.of("reason", "unpaid invoices")));
        expect(409, admin.send("POST", "/api/organizations/" + slug + "/suspend", Optional.empty(), Map.of()));
        expect(403, member.get(INVOICES));
        expect(403, member.get("/api/auth/me"));
        expect(
                403,
                anonymous.post(
                        "/api/auth/login",
                        Map.of("organization", slug, "email", "mia@tour.example", "password", PASSWORD)));
        expect(401, anonymous.post("/api/auth/refresh", Map.of("refreshToken", memberRefresh)));
        expect(200, admin.post("/api/organizations/" + slug + "/activate", Map.of()));
        expect(200, member.get(INVOICES + "/_count"));
        expect(200, admin.post("/api/organizations/" + slug + "/rotate-role-password", Map.of()));
        expect(200, member.get(INVOICES + "/_count"));
        expect(403, member.post("/api/organizations/" + slug + "/rotate-role-password", Map.of()));
        expect(404, admin.post("/api/organizations/nobody/rotate-role-password", Map.of()));

        expect(204, orgAdmin.delete("/api/users/" + memberId));
        expect(404, orgAdmin.delete("/api/users/" + memberId));
        expect(404, admin.post("/api/organizations/nobody/suspend", Map.of()));
    }

    private void signup() {
        Map<String, Object> request = Map.of(
                "organization",
                Map.of("name", "Corner Shop", "slug", "corner-shop", "services", List.of("pos")),
                "admin",
                Map.of("email", "founder@corner.example", "name", "Fran", "password", PASSWORD));
        expect(202, anonymous.post("/api/signup", request));
        expect(
                409,
                anonymous.post(
                        "/api/signup",
                        Map.of(
                                "organization",
                                Map.of("name", "Copy", "slug", slug, "services", List.of("pos")),
                                "admin",
                                Map.of("email", "copy@corner.example", "name", "Copy", "password", PASSWORD))));
        expect(
                422,
                anonymous.post(
                        "/api/signup",
                        Map.of(
                                "organization",
                                Map.of("name", "Core", "services", List.of("core")),
                                "admin",
                                Map.of("email", "core@corner.example", "name", "Core", "password", PASSWORD))));
        expect(
                400,
                anonymous.post(
                        "/api/signup", Map.of("organization", Map.of("name", "Half", "services", List.of("pos")))));
        expect(
                422,
                anonymous.post(
                        "/api/signup",
                        Map.of(
                                "organization",
                                Map.of("name", "Weak", "services", List.of("pos")),
                                "admin",
                                Map.of("email", "weak@corner.example", "name", "Weak", "password", "short"))));
        expect(429, anonymous.post("/api/signup", request));

        JsonNode mailbox = expect(200, admin.get("/api/admin/mail?limit=10")).json();
        String mailId = mailbox.path("items")
                .valueStream()
                .filter(item -> item.path("to").asString().equals("founder@corner.example"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no verification mail in " + mailbox))
                .path("id")
                .asString();
        String text = expect(200, admin.get("/api/admin/mail/" + mailId))
                .json()
                .path("text")
                .asString();
        Matcher token = TOKEN.matcher(text);
        assertThat(token.find()).as("a token in %s", text).isTrue();
        expect(404, admin.get("/api/admin/mail/20000101T000000000Z-nothing"));

        expect(404, anonymous.post("/api/signup/verify", Map.of("token", "not-a-token")));
        expect(400, anonymous.post("/api/signup/verify", Map.of()));
        String shop = expect(201, anonymous.post("/api/signup/verify", Map.of("token", token.group(1))))
                .json()
                .path("organization")
                .path("id")
                .asString();
        expect(410, anonymous.post("/api/signup/verify", Map.of("token", token.group(1))));

        if (expectOneOf(List.of(202, 204), admin.delete("/api/organizations/" + shop))
                        .status()
                == 204) {
            expect(404, admin.delete("/api/organizations/" + shop));
        }
    }

    /** A backup over HTTP: started as a job, listed once it ended, downloaded; refused to an organization's admin. */
    private void backups() {
        String path = "/api/admin/organizations/" + slug + "/backups";
        String job = expect(202, admin.post(path, Map.of("consistent", true)))
                .header("Location")
                .orElseThrow();
        expect(400, admin.post(path, Map.of("consistent", "very")));
        expect(403, orgAdmin.post(path, Map.of()));
        expect(403, orgAdmin.get(path));
        expect(404, admin.get("/api/admin/organizations/no-such-organization/backups"));
        expect(404, admin.get(path + "/..%2F..%2Fsilo.lock"));
        for (int i = 0; i < 300; i++) {
            if (expect(200, admin.get(job)).json().path("state").asString().equals("succeeded")) {
                break;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        String name = expect(200, admin.get(path))
                .json()
                .path("items")
                .get(0)
                .path("name")
                .asString();
        SiloClient.Response archive = expect(200, admin.get(path + "/" + name));
        expect(403, orgAdmin.get(path + "/" + name));
        // the downloaded text is not the archive's bytes (binary as text): it is refused as no archive
        expect(
                422,
                admin.send(
                        "POST",
                        "/api/admin/restores?as=tour-copy",
                        Optional.of(archive.text()),
                        Map.of("Content-Type", "application/octet-stream")));
        byte[] bytes;
        try {
            bytes = java.nio.file.Files.readAllBytes(
                    importsDir.getParent().resolve("backups").resolve(orgId).resolve(name));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        String restore = expect(
                        202,
                        admin.send(
                                "POST",
                                "/api/admin/restores?as=tour-copy",
                                Optional.of(bytes),
                                Map.of("Content-Type", "application/octet-stream")))
                .header("Location")
                .orElseThrow();
        for (int i = 0; i < 300; i++) {
            if (expect(200, admin.get(restore)).json().path("state").asString().equals("succeeded")) {
                break;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        expect(200, admin.get("/api/organizations/tour-copy"));
        // a listed archive restored where it lies, as a second copy; replacing needs the slug typed out
        String listed = expect(202, admin.post(path + "/" + name + "/restore", Map.of("as", "tour-listed")))
                .header("Location")
                .orElseThrow();
        for (int i = 0; i < 300; i++) {
            if (expect(200, admin.get(listed)).json().path("state").asString().equals("succeeded")) {
                break;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        expect(200, admin.get("/api/organizations/tour-listed"));
        expect(400, admin.post(path + "/" + name + "/restore", Map.of("replace", true)));
        expect(400, admin.post(path + "/" + name + "/restore", Map.of("replace", true, "confirm", "tour-copy")));
        expect(400, admin.post(path + "/" + name + "/restore", Map.of("replace", true, "confirm", slug, "as", "x")));
        expect(404, admin.post(path + "/no-such.silo-backup/restore", Map.of("as", "tour-never")));
        expect(403, orgAdmin.post(path + "/" + name + "/restore", Map.of("as", "tour-never")));
        expect(
                400,
                admin.send(
                        "POST",
                        "/api/admin/restores?replace=true",
                        Optional.of("x"),
                        Map.of("Content-Type", "application/octet-stream")));
        expect(
                400,
                admin.send(
                        "POST",
                        "/api/admin/restores?as=Not%20A%20Slug",
                        Optional.of("x"),
                        Map.of("Content-Type", "application/octet-stream")));
        expect(
                403,
                orgAdmin.send(
                        "POST",
                        "/api/admin/restores",
                        Optional.of("x"),
                        Map.of("Content-Type", "application/octet-stream")));
    }

    /**
     * An import over HTTP of an export inside {@code imports.dir}: its one organization has no user, so it
     * is reported and nothing is created; the job's report is read back once it ended.
     */
    private void imports() {
        java.nio.file.Path tenant = importsDir.resolve("tour-export").resolve("tenant_65f0a1b2c3d4e5f601234567");
        try {
            java.nio.file.Files.createDirectories(tenant);
            java.nio.file.Files.writeString(
                    tenant.resolve("products.json"),
                    "{\"_id\": {\"$oid\": \"65f0a1b2c3d4e5f600000002\"}, \"name\": \"Stout\"}\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        String job = expect(
                        202,
                        admin.post(
                                "/api/admin/imports",
                                Map.of("folder", "tour-export", "layout", "per-tenant", "source", "api-tour")))
                .json()
                .path("id")
                .asString();
        expect(400, admin.post("/api/admin/imports", Map.of("folder", "../", "layout", "per-tenant")));
        expect(400, admin.post("/api/admin/imports", Map.of("folder", "tour-export")));
        expect(400, admin.post("/api/admin/imports", Map.of("folder", "tour-export", "layout", "sideways")));
        expect(403, orgAdmin.post("/api/admin/imports", Map.of("folder", "tour-export", "layout", "per-tenant")));
        for (int i = 0; i < 300; i++) {
            JsonNode body = expect(200, admin.get("/api/admin/jobs/" + job)).json();
            if (body.has("import")) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new AssertionError("the tour's import job " + job + " did not end");
    }

    /**
     * A move of an organization made for it to the tour's cluster (the second server), which takes
     * tenants for that moment only; the job is read back once it ended, with what the move kept.
     */
    private void moves() {
        String mover = expect(
                        201,
                        admin.post(
                                "/api/organizations",
                                Map.of(
                                        "name",
                                        "Tour Mover",
                                        "services",
                                        List.of("billing"),
                                        "admin",
                                        Map.of("email", "boss@mover.example", "name", "Boss", "password", PASSWORD))))
                .json()
                .path("slug")
                .asString();
        String path = "/api/admin/organizations/" + mover + "/move";
        expect(409, admin.post(path, Map.of("cluster", "tour"))); // the tour's cluster takes no tenants yet
        expect(422, admin.post(path, Map.of("cluster", "nowhere")));
        expect(400, admin.post(path, Map.of("method", "copy")));
        expect(404, admin.post("/api/admin/organizations/no-such-organization/move", Map.of("cluster", "tour")));
        expect(403, orgAdmin.post(path, Map.of("cluster", "tour")));
        expect(200, admin.patch("/api/admin/clusters/tour", Map.of("acceptingTenants", true)));
        String job = expect(202, admin.post(path, Map.of("cluster", "tour", "method", "copy")))
                .json()
                .path("id")
                .asString();
        expect(200, admin.patch("/api/admin/clusters/tour", Map.of("acceptingTenants", false)));
        for (int i = 0; i < 600; i++) {
            JsonNode body = expect(200, admin.get("/api/admin/jobs/" + job)).json();
            if (body.path("state").asString().matches("succeeded|failed|cancelled")) {
                // the tour's cluster keeps the moved organization: it cannot be removed
                expect(409, admin.delete("/api/admin/clusters/tour"));
                expect(409, admin.delete("/api/admin/clusters/primary"));
                expect(404, admin.delete("/api/admin/clusters/nowhere"));
                expect(403, orgAdmin.delete("/api/admin/clusters/tour"));
                clusterRemoval();
                drain();
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new AssertionError("the tour's move job " + job + " did not end");
    }

    /** The tour's cluster drained: the organization moved there goes back where placement chooses. */
    private void drain() {
        expect(400, admin.post("/api/admin/clusters/tour/drain", Map.of("parallel", 0)));
        expect(404, admin.post("/api/admin/clusters/nowhere/drain", Map.of()));
        expect(403, orgAdmin.post("/api/admin/clusters/tour/drain", Map.of()));
        String job = expect(202, admin.post("/api/admin/clusters/tour/drain", Map.of("parallel", 1)))
                .json()
                .path("id")
                .asString();
        for (int i = 0; i < 600; i++) {
            JsonNode body = expect(200, admin.get("/api/admin/jobs/" + job)).json();
            if (body.path("state").asString().matches("succeeded|failed|cancelled")) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new AssertionError("the tour's drain job " + job + " did not end");
    }

    /** A cluster registered for the tour and removed again, keeping nothing. */
    private void clusterRemoval() {
        io.silo.testing.TestPostgres second = io.silo.testing.TestPostgres.secondary();
        expect(
                201,
                admin.post(
                        "/api/admin/clusters",
                        Map.of(
                                "id",
                                "passing",
                                "url",
                                second.url("postgres").replaceFirst("[?].*", ""),
                                "user",
                                second.user(),
                                "password",
                                second.password(),
                                "acceptingTenants",
                                false)));
        expect(204, admin.delete("/api/admin/clusters/passing"));
    }

    private void administration() {
        expect(200, admin.get("/api/admin/clusters"));
        expect(200, admin.get("/api/admin/clusters/health"));
        // registered draining, so that the tour's later organizations land as before
        io.silo.testing.TestPostgres second = io.silo.testing.TestPostgres.secondary();
        expect(
                201,
                admin.post(
                        "/api/admin/clusters",
                        Map.of(
                                "id",
                                "tour",
                                "url",
                                second.url("postgres").replaceFirst("[?].*", ""),
                                "user",
                                second.user(),
                                "password",
                                second.password(),
                                "labels",
                                Map.of("zone", "tour"),
                                "acceptingTenants",
                                false)));
        expect(
                409,
                admin.post(
                        "/api/admin/clusters",
                        Map.of("id", "tour", "url", second.url("postgres").replaceFirst("[?].*", ""), "user", "x")));
        expect(
                422,
                admin.post(
                        "/api/admin/clusters",
                        Map.of("id", "nowhere", "url", "jdbc:postgresql://127.0.0.1:1/postgres", "user", "postgres")));
        expect(
                400,
                admin.post(
                        "/api/admin/clusters",
                        Map.of("id", "Bad Id", "url", second.url("postgres").replaceFirst("[?].*", ""), "user", "x")));
        expect(403, orgAdmin.post("/api/admin/clusters", Map.of("id", "x", "url", "x", "user", "x")));
        // taken out of placement and back, relabelled and back: the tour's later organizations land as before
        expect(200, admin.patch("/api/admin/clusters/primary", Map.of("acceptingTenants", false)));
        expect(200, admin.patch("/api/admin/clusters/primary", Map.of("acceptingTenants", true, "labels", Map.of())));
        expect(400, admin.patch("/api/admin/clusters/primary", Map.of("acceptingTenants", "no")));
        // a cluster of its own role, so that rotating its password leaves the test server's superuser alone
        second.admin()
                .update("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'silo_tour_admin') THEN"
                        + " CREATE ROLE silo_tour_admin LOGIN CREATEDB CREATEROLE PASSWORD 'tour-admin-password';"
                        + " END IF; END $$");
        second.admin().update("GRANT CONNECT ON DATABASE postgres TO silo_tour_admin");
        expect(
                201,
                admin.post(
                        "/api/admin/clusters",
                        Map.of(
                                "id",
                                "tour-rotating",
                                "url",
                                second.url("postgres").replaceFirst("[?].*", ""),
                                "user",
                                "silo_tour_admin",
                                "password",
                                "tour-admin-password",
                                "acceptingTenants",
                                false)));
        expect(200, admin.post("/api/admin/clusters/tour-rotating/rotate-password", Map.of()));
        expect(409, admin.post("/api/admin/clusters/primary/rotate-password", Map.of()));
        expect(404, admin.post("/api/admin/clusters/nowhere/rotate-password", Map.of()));
        expect(403, orgAdmin.post("/api/admin/clusters/primary/rotate-password", Map.of()));
        expect(400, admin.patch("/api/admin/clusters/primary", Map.of("labels", Map.of("bad key", "x"))));
        expect(200, admin.patch("/api/admin/clusters/tour", Map.of("capacity", 8000, "connectionBudget", 120)));
        expect(400, admin.patch("/api/admin/clusters/tour", Map.of("capacity", 0)));
        expect(200, admin.get("/api/admin/organizations/" + slug + "/connectivity"));
        expect(404, admin.get("/api/admin/organizations/nowhere/connectivity"));
        expect(403, orgAdmin.get("/api/admin/organizations/" + slug + "/connectivity"));
        expect(404, admin.patch("/api/admin/clusters/nowhere", Map.of("acceptingTenants", true)));
        expect(403, orgAdmin.patch("/api/admin/clusters/primary", Map.of("acceptingTenants", false)));
        expect(200, admin.get("/api/admin/pools"));
        expect(403, orgAdmin.get("/api/admin/pools"));
        expect(200, admin.get("/api/admin/metrics/history"));
        expect(403, orgAdmin.get("/api/admin/metrics/history"));
        expect(200, admin.get("/api/admin/storage?limit=5"));
        expect(200, admin.get("/api/admin/storage?organization=" + slug));
        expect(400, admin.get("/api/admin/storage?limit=0"));
        expect(404, admin.get("/api/admin/storage?organization=nowhere"));
        expect(403, orgAdmin.get("/api/admin/storage"));
        expect(
                200,
                admin.post(
                        "/api/admin/auth/test",
                        Map.of("organization", slug, "email", "boss@tour.example", "password", PASSWORD)));
        expect(
                200,
                admin.post(
                        "/api/admin/auth/test",
                        Map.of("organization", slug, "email", "boss@tour.example", "password", "wrong password")));
        expect(400, admin.post("/api/admin/auth/test", Map.of("organization", slug, "password", PASSWORD)));
        expect(
                404,
                admin.post(
                        "/api/admin/auth/test",
                        Map.of("organization", "nowhere", "email", "boss@tour.example", "password", PASSWORD)));
        expect(
                403,
                orgAdmin.post(
                        "/api/admin/auth/test",
                        Map.of("organization", slug, "email", "boss@tour.example", "password", PASSWORD)));
        // every database is at its template's version: nothing to do, as a dry run or for real
        expect(200, admin.post("/api/admin/migrations", Map.of("service", "billing", "dryRun", true)));
        expect(200, admin.post("/api/admin/migrations", Map.of("service", "billing")));
        expect(400, admin.post("/api/admin/migrations", Map.of("service", "billing", "parallel", 0)));
        expect(422, admin.post("/api/admin/migrations", Map.of("service", "nothing-here")));
        expect(403, orgAdmin.post("/api/admin/migrations", Map.of("service", "billing")));
        // the services folder as it was: nothing rises
        expect(200, admin.post("/api/admin/templates/reload", Map.of()));
        expect(403, orgAdmin.post("/api/admin/templates/reload", Map.of()));
        imports();
        moves();
        backups();
        JsonNode audit = expect(200, admin.get("/api/admin/activity?tenant=" + orgId + "&limit=2"))
                .json();
        expect(
                200,
                admin.get("/api/admin/activity?limit=2&cursor="
                        + audit.path("nextCursor").asString()));
        expect(400, admin.get("/api/admin/activity?tenant=tour-co"));
        expect(401, anonymous.get("/metrics"));
        expect(403, orgAdmin.get("/metrics"));
        expect(200, admin.get("/metrics"));
    }

    /** Last of the administrator's steps: from here on, the administrator's sign-in needs the second factor. */
    private void secondFactor() {
        expect(401, anonymous.post("/api/admin/auth/totp", Map.of()));
        expect(403, orgAdmin.post("/api/admin/auth/totp", Map.of()));
        expect(409, admin.post("/api/admin/auth/totp/confirm", Map.of("code", "123456")));
        JsonNode enrollment =
                expect(200, admin.post("/api/admin/auth/totp", Map.of())).json();
        Totp totp = Totp.ofBase32(enrollment.path("secret").asString());
        assertThat(enrollment.path("uri").asString()).startsWith("otpauth://totp/");
        expect(400, admin.post("/api/admin/auth/totp/confirm", Map.of()));
        expect(400, admin.post("/api/admin/auth/totp/confirm", Map.of("code", "not-a-code")));
        String code = totp.code(Totp.step(Instant.now()));
        JsonNode recovery = expect(200, admin.post("/api/admin/auth/totp/confirm", Map.of("code", code)))
                .json();
        expect(409, admin.post("/api/admin/auth/totp", Map.of()));
        Map<String, String> password = Map.of("email", TestSilo.ADMIN_EMAIL, "password", TestSilo.ADMIN_PASSWORD);
        expect(401, anonymous.post("/api/admin/auth/login", password));
        Map<String, String> withRecovery = new java.util.HashMap<>(password);
        withRecovery.put("recoveryCode", recovery.path("recoveryCodes").get(0).asString());
        admin = anonymous.as(expect(200, anonymous.post("/api/admin/auth/login", withRecovery))
                .json()
                .path("accessToken")
                .asString());
        expect(200, admin.get("/api/admin/pools"));
    }

    private void unknownRoutes() {
        expect(404, anonymous.get("/api/nothing-here"));
        expect(405, orgAdmin.put("/api/users", Map.of()));
        expect(405, anonymous.get("/api/auth/login"));
    }

    private static Map<String, Object> invoice(String number, String customer, String status, double total) {
        return Map.of(
                "number",
                number,
                "customer",
                Map.of("name", customer),
                "status",
                status,
                "currency",
                "EUR",
                "total",
                total,
                "issueDate",
                "2026-11-01",
                "items",
                List.of(Map.of("description", "consulting", "quantity", 1, "unitPrice", total)));
    }

    private static SiloClient.Response expect(int status, SiloClient.Response response) {
        return expectOneOf(List.of(status), response);
    }

    private static SiloClient.Response expectOneOf(List<Integer> statuses, SiloClient.Response response) {
        if (!statuses.contains(response.status())) {
            throw new AssertionError("expected " + statuses + " but got " + response + "\n    at "
                    + Arrays.stream(new Throwable().getStackTrace())
                            .skip(1)
                            .filter(frame -> !frame.getMethodName().startsWith("expect"))
                            .findFirst()
                            .map(Object::toString)
                            .orElse("?"));
        }
        return response;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
