package io.silo.http.data;

import static io.silo.http.data.DataPlaneTest.encode;
import static io.silo.http.data.Invoices.invoice;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
import io.silo.testing.TestPostgres;
import io.silo.testing.TestTenants;
import io.silo.testing.TestTenants.TestTenant;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * With organization A's token, every way of reaching organization B's data is refused: ids,
 * slugs, service and collection names, filters, groupings, batch entries, idempotency keys (never
 * another tenant's or another user's answer), forged or altered tokens. And injection attempts in
 * filters (also as a write's condition), sort keys, grouping keys, time zones and names are
 * rejected with 400, never run. The same holds for the files of documents and their signed URLs.
 */
// every test signs the platform administrator in twice to create its organizations: more than the
// per-account password checks a window allows (login.maxPasswordChecksPerAccount, 30) over the class
@SiloTest(servicesDir = "templates/files", env = "SILO_LOGIN_MAX_PASSWORD_CHECKS_PER_ACCOUNT=1000")
class TenantIsolationTest {
    private final TestTenant alpha;
    private final TestTenant beta;
    private final String betaInvoice;

    TenantIsolationTest(SiloClient anonymous) {
        long run = System.nanoTime();
        alpha = TestTenants.create(anonymous, "Alpha Iso " + run, List.of("billing", "classroom"));
        beta = TestTenants.create(anonymous, "Beta Iso " + run, List.of("billing", "crm", "classroom"));
        betaInvoice = beta.client()
                .post("/api/data/billing/invoices", invoice("SECRET-1", "Beta's customer", "paid", 999))
                .json()
                .path("_id")
                .asString();
    }

    @Test
    void anotherTenantsDocumentIdIsNotFound() {
        String path = "/api/data/billing/invoices/" + betaInvoice;
        assertThat(alpha.client().get(path).status()).isEqualTo(404);
        assertThat(alpha.client().patch(path, Map.of("status", "void")).status())
                .isEqualTo(404);
        assertThat(alpha.client().put(path, invoice("SECRET-1", "x", "void", 0)).status())
                .isEqualTo(404);
        assertThat(alpha.client().delete(path).status()).isEqualTo(404);
        assertThat(alpha.client()
                        .patch(path, Map.of("$inc", Map.of("total", 1)))
                        .status())
                .as("update operators")
                .isEqualTo(404);
        assertThat(alpha.client()
                        .delete(path + "?if=" + encode("{\"status\":\"paid\"}"))
                        .status())
                .as("a condition that would hold on the other tenant's document tells nothing")
                .isEqualTo(404);
        assertThat(beta.client().get(path).json().path("status").asString())
                .as("untouched")
                .isEqualTo("paid");
    }

    @Test
    void anotherOrganizationsBackupsAreOutOfReachOfAnOrganizationsAdministrator(SiloClient anonymous) {
        SiloClient admin = anonymous.asAdmin();
        String betaBackups = "/api/admin/organizations/" + beta.slug() + "/backups";
        String job = admin.post(betaBackups, Map.of()).header("Location").orElseThrow();
        assertThat(io.silo.testing.Eventually.get(
                        java.time.Duration.ofSeconds(60),
                        () -> admin.get(job).json().path("state").asString(),
                        state -> !state.equals("pending") && !state.equals("running")))
                .isEqualTo("succeeded");
        String name =
                admin.get(betaBackups).json().path("items").get(0).path("name").asString();

        for (SiloClient.Response refused : List.of(
                alpha.client().get(betaBackups),
                alpha.client().get(betaBackups + "/" + name),
                alpha.client().post(betaBackups, Map.of()),
                alpha.client().get("/api/admin/organizations/" + alpha.slug() + "/backups"),
                alpha.client()
                        .send(
                                "POST",
                                "/api/admin/restores?as=alpha-copy",
                                Optional.of("x"),
                                Map.of("Content-Type", "application/octet-stream")),
                beta.client().get(betaBackups + "/" + name))) {
            assertThat(refused.status()).as(refused.text()).isEqualTo(403);
            assertThat(refused.problemType()).isEqualTo("platform-admin-required");
            assertThat(refused.json().has("items")).isFalse();
        }
        // through another organization's path, or a path that climbs out, the archive is not there
        String alphaBackups = "/api/admin/organizations/" + alpha.slug() + "/backups";
        assertThat(admin.get(alphaBackups + "/" + name).problemType()).isEqualTo("backup-not-found");
        assertThat(admin.get(alphaBackups + "/..%2F" + beta.id() + "%2F" + name).status())
                .isIn(400, 404);
        assertThat(admin.post(betaBackups, Map.of("consistent", "yes")).status())
                .isEqualTo(400);
        assertThat(admin.get(betaBackups + "/" + name).status()).isEqualTo(200);
    }

    @Test
    void filtersNeverSeeAnotherTenantsRows() {
        SiloClient.Response response =
                alpha.client().get("/api/data/billing/invoices?filter=" + encode("{\"number\":\"SECRET-1\"}"));
        assertThat(response.json().path("items")).isEmpty();
        assertThat(alpha.client()
                        .get("/api/data/billing/invoices?filter=" + encode("{\"_id\":\"" + betaInvoice + "\"}"))
                        .json()
                        .path("items"))
                .isEmpty();
    }

    @Test
    void groupingsNeverCountAnotherTenantsRows() {
        String report = "/api/data/billing/invoices/_group?by=number,issueDate:month,_createdAt:day&metric=total"
                + "&tz=Europe/Berlin&order=keys&limit=1000";
        assertThat(alpha.client().get(report).text())
                .as("no group, key or sum of beta's")
                .doesNotContain("SECRET-1")
                .doesNotContain("999");
        SiloClient.Response aimed = alpha.client().get(report + "&filter=" + encode("{\"number\":\"SECRET-1\"}"));
        assertThat(aimed.status()).isEqualTo(200);
        assertThat(aimed.json().path("groups")).isEmpty();
        assertThat(beta.client().get(report).text()).as("beta sees its own").contains("SECRET-1");
        assertThat(alpha.client()
                        .get("/api/data/crm/contacts/_group?by=_createdAt:day")
                        .problemType())
                .isEqualTo("service-not-enabled");
    }

    @Test
    void servicesOfAnotherTenantOrUnknownNamesAreRefused() {
        assertThat(alpha.client().get("/api/data/crm/contacts").problemType()).isEqualTo("service-not-enabled");
        for (String service : List.of(
                beta.database("billing"),
                beta.slug(),
                "core_" + beta.slug(),
                "..",
                "billing%2F..",
                "pg_catalog",
                "billing;DROP TABLE invoices")) {
            SiloClient.Response response = alpha.client().get("/api/data/" + service.replace(" ", "%20") + "/invoices");
            assertThat(response.status()).as(service).isIn(400, 404);
        }
        for (String collection : List.of(
                "users",
                "silo_activity",
                "silo_schema",
                "pg_roles",
                "invoices;select",
                "..%2Finvoices",
                "outbox",
                "memberships")) {
            SiloClient.Response response = alpha.client().get("/api/data/billing/" + collection);
            assertThat(response.status()).as(collection).isIn(400, 404);
        }
        assertThat(alpha.client().get("/api/data/core/users").problemType()).isEqualTo("unknown-collection");
    }

    @Test
    void batchEntriesCannotReachAnotherTenant() {
        SiloClient.Response response = alpha.client()
                .post(
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
                                                invoice("A-1", "Ada", "draft", 1)),
                                        Map.of("op", "delete", "collection", "invoices", "id", betaInvoice))));

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().path("operation").asInt()).isEqualTo(1);
        assertThat(beta.client()
                        .get("/api/data/billing/invoices/" + betaInvoice)
                        .status())
                .isEqualTo(200);
        assertThat(alpha.client()
                        .post(
                                "/api/data/billing/_batch",
                                Map.of(
                                        "operations",
                                        List.of(Map.of(
                                                "op",
                                                "insert",
                                                "collection",
                                                "../crm/contacts",
                                                "body",
                                                Map.of("name", "x")))))
                        .status())
                .isEqualTo(404);
    }

    /**
     * Inside one organization, a role limited by an owner rule reaches another member's document by
     * no route and no query form: every answer is the one a missing document gets, and the document
     * is untouched. (School v2: a student reads only submissions whose studentId is theirs.)
     */
    @Test
    void anotherMembersDocumentIsOutOfReachByEveryRouteAndQueryForm(SiloClient anonymous) {
        String name = "Iso School " + System.nanoTime();
        TestTenant school = TestTenants.create(
                anonymous,
                name,
                List.of("school"),
                Map.of(
                        "admin",
                        Map.of(
                                "email",
                                "admin@"
                                        + name.toLowerCase(java.util.Locale.ROOT)
                                                .replace(" ", "") + ".example",
                                "username",
                                "principal",
                                "name",
                                "Principal",
                                "password",
                                TestTenants.PASSWORD)));
        String adaId = TestTenants.addMember(school, "ada@iso.example", Map.of("school", "student"))
                .path("id")
                .asString();
        String benId = TestTenants.addMember(school, "ben@iso.example", Map.of("school", "student"))
                .path("id")
                .asString();
        SiloClient ada = TestTenants.signIn(anonymous, school.slug(), "ada@iso.example", TestTenants.PASSWORD);
        SiloClient ben = TestTenants.signIn(anonymous, school.slug(), "ben@iso.example", TestTenants.PASSWORD);
        String submissions = "/api/data/school/submissions";
        String classId = school.client()
                .post("/api/data/school/classes", Map.of("name", "1A", "grade", 1))
                .json()
                .path("_id")
                .asString();
        String assignment = school.client()
                .post(
                        "/api/data/school/assignments",
                        Map.of(
                                "title",
                                "Letters",
                                "teacherId",
                                adaId,
                                "classIds",
                                List.of(classId),
                                "dueDate",
                                "2026-10-01T08:00:00Z"))
                .json()
                .path("_id")
                .asString();
        String bens = submissions + "/"
                + ben.post(submissions, Map.of("assignmentId", assignment, "status", "submitted"))
                        .json()
                        .path("_id")
                        .asString();

        assertThat(ada.get(bens).status()).isEqualTo(404);
        // a student may change messages, as their sender: another's is not found by any write
        String messages = "/api/data/school/messages";
        String bensMessage = messages + "/"
                + ben.post(
                                messages,
                                Map.of(
                                        "receiverId", benId,
                                        "messageType", "text",
                                        "message", "secret",
                                        "timestamp", "2026-10-01T08:00:00Z"))
                        .json()
                        .path("_id")
                        .asString();
        assertThat(ada.get(bensMessage).status()).isEqualTo(404);
        assertThat(ada.put(bensMessage, Map.of("receiverId", adaId, "messageType", "text", "message", "x"))
                        .status())
                .isEqualTo(404);
        assertThat(ada.patch(bensMessage, Map.of("message", "x")).status()).isEqualTo(404);
        assertThat(ada.patch(bensMessage, Map.of("$set", Map.of("message", "x")))
                        .status())
                .isEqualTo(404);
        assertThat(ada.patch(bensMessage + "?if=" + encode("{\"message\":\"secret\"}"), Map.of("message", "x"))
                        .status())
                .isEqualTo(404);
        assertThat(ada.delete(bensMessage + "?if=" + encode("{\"message\":\"secret\"}"))
                        .status())
                .isEqualTo(404);
        assertThat(ada.delete(bensMessage).status()).isEqualTo(404);
        assertThat(ben.get(bensMessage).json().path("message").asString()).isEqualTo("secret");
        for (String filter : List.of(
                "{\"_id\":\"" + bens.substring(bens.lastIndexOf('/') + 1) + "\"}",
                "{\"studentId\":\"" + benId + "\"}",
                "{\"$or\":[{\"studentId\":{\"$exists\":true}},{\"status\":\"submitted\"}]}",
                "{}")) {
            assertThat(ada.get(submissions + "?filter=" + encode(filter)).json().path("items"))
                    .as(filter)
                    .isEmpty();
            assertThat(ada.get(submissions + "/_count?filter=" + encode(filter))
                            .json()
                            .path("count")
                            .asLong())
                    .as(filter)
                    .isZero();
            assertThat(ada.get(submissions + "/_group?by=studentId&filter=" + encode(filter))
                            .json()
                            .path("groups"))
                    .as(filter)
                    .isEmpty();
        }
        SiloClient.Response batch = ada.post(
                "/api/data/school/_batch",
                Map.of(
                        "operations",
                        List.of(Map.of(
                                "op",
                                "delete",
                                "collection",
                                "messages",
                                "id",
                                bensMessage.substring(bensMessage.lastIndexOf('/') + 1)))));
        assertThat(batch.status()).isEqualTo(404);
        assertThat(ben.get(bens).json().path("status").asString())
                .as("untouched")
                .isEqualTo("submitted");
    }

    @Test
    void injectionInFiltersSortsAndFieldsIsRejected() {
        String own = "/api/data/billing/invoices/"
                + alpha.client()
                        .post("/api/data/billing/invoices", invoice("OWN-1", "Alpha's customer", "draft", 1))
                        .json()
                        .path("_id")
                        .asString();
        for (String filter : List.of(
                "{\"number'; DROP TABLE invoices; --\":1}",
                "{\"$where\":\"1=1\"}",
                "{\"number\":{\"$regex\":\".*\"}}",
                "{\"doc->>'number'\":\"x\"}",
                "{\"number\":{\"$gt\":{\"$gt\":1}}}",
                "not json",
                "[1,2]",
                "{\"a\":1} OR 1=1")) {
            SiloClient.Response response = alpha.client().get("/api/data/billing/invoices?filter=" + encode(filter));
            assertThat(response.status()).as(filter).isEqualTo(400);
            assertThat(alpha.client()
                            .patch(own + "?if=" + encode(filter), Map.of("$inc", Map.of("total", 1)))
                            .status())
                    .as("as a write's condition: %s", filter)
                    .isEqualTo(400);
        }
        for (String sort : List.of("total; DROP TABLE invoices", "total DESC", "(select 1)", "number--", "'number'")) {
            assertThat(alpha.client()
                            .get("/api/data/billing/invoices?sort=" + encode(sort))
                            .status())
                    .as(sort)
                    .isEqualTo(400);
        }
        for (String grouping : List.of(
                "by=" + encode("number; DROP TABLE invoices"),
                "by=" + encode("issueDate:day'); DROP TABLE invoices; --"),
                "by=" + encode("doc->>'number'"),
                "by=number&metric=" + encode("total) FROM invoices; --"),
                "by=issueDate:day&tz=" + encode("UTC'; DROP TABLE invoices; --"),
                "by=issueDate:day&tz=" + encode("+02:00"),
                "by=number&order=" + encode("n; DROP TABLE invoices"))) {
            assertThat(alpha.client()
                            .get("/api/data/billing/invoices/_group?" + grouping)
                            .status())
                    .as(grouping)
                    .isEqualTo(400);
        }
        for (String fields : List.of("number,pg_sleep(1)", "*", "number;drop")) {
            assertThat(alpha.client()
                            .get("/api/data/billing/invoices?fields=" + encode(fields))
                            .status())
                    .as(fields)
                    .isEqualTo(400);
        }
        assertThat(TestPostgres.primary()
                        .jdbc(beta.database("billing"))
                        .query("SELECT count(*) FROM invoices", row -> row.getLong(1)))
                .as("nothing was dropped")
                .containsExactly(1L);
    }

    @Test
    void theMemberListShowsNoOtherTenantsUsersAndRejectsInjection() {
        String betaAdminId =
                beta.client().get("/api/auth/me").json().path("user").path("id").asString();

        SiloClient.Response other = alpha.client().get("/api/members/" + betaAdminId);
        assertThat(other.status()).isEqualTo(404);
        assertThat(other.problemType()).isEqualTo("user-not-found");
        assertThat(other.text()).doesNotContain(beta.slug(), beta.adminEmail());
        String listed = alpha.client().get("/api/members?limit=500").text();
        assertThat(listed).contains("Admin of Alpha Iso").doesNotContain(betaAdminId, "Beta Iso");
        for (String search : List.of("' OR 1=1 --", "%", "_", "\\", beta.adminEmail())) {
            SiloClient.Response response = alpha.client().get("/api/members?q=" + encode(search));
            assertThat(response.status()).as(search).isEqualTo(200);
            assertThat(response.json().path("items")).as(search).isEmpty();
        }
        for (String id : List.of("1 OR 1=1", "' OR ''='", "..%2F" + betaAdminId)) {
            assertThat(alpha.client().get("/api/members/" + encode(id)).status())
                    .as(id)
                    .isIn(400, 404);
        }
        assertThat(alpha.client()
                        .get("/api/members?cursor=" + encode("' OR 1=1 --"))
                        .status())
                .isEqualTo(400);
        assertThat(alpha.client()
                        .get("/api/members?service=" + encode("billing' OR 1=1 --"))
                        .status())
                .isEqualTo(404);
        assertThat(alpha.client()
                        .get("/api/members?service=billing&role=" + encode("admin' OR 1=1 --"))
                        .status())
                .isEqualTo(422);
    }

    @Test
    void theConsolesFiguresAndTheAuthenticationTesterAreForPlatformAdministratorsOnly(SiloClient anonymous) {
        String betaAdmin = beta.adminEmail();
        Map<String, Object> probe =
                Map.of("organization", beta.slug(), "email", betaAdmin, "password", TestTenants.PASSWORD);
        // an organization's administrator learns nothing of another's storage, traffic or passwords
        for (SiloClient.Response response : List.of(
                alpha.client().get("/api/admin/metrics/history"),
                alpha.client().get("/api/admin/storage?organization=" + beta.slug()),
                alpha.client().post("/api/admin/auth/test", probe))) {
            assertThat(response.status()).as(response.text()).isEqualTo(403);
            assertThat(response.text()).doesNotContain(beta.slug(), beta.id(), betaAdmin);
        }
        assertThat(anonymous.post("/api/admin/auth/test", probe).status()).isEqualTo(401);
        assertThat(anonymous.get("/api/admin/storage").status()).isEqualTo(401);

        SiloClient admin = anonymous.asAdmin();
        assertThat(admin.get("/api/admin/storage?limit=x").status()).isEqualTo(400);
        assertThat(admin.get("/api/admin/storage?organization=" + encode("' OR 1=1 --"))
                        .status())
                .isEqualTo(404);
        assertThat(admin.post("/api/admin/auth/test", Map.of("organization", beta.slug(), "password", "x"))
                        .status())
                .isEqualTo(400);
        assertThat(admin.post(
                                "/api/admin/auth/test",
                                Map.of("organization", "' OR 1=1 --", "email", betaAdmin, "password", "x"))
                        .status())
                .isEqualTo(404);
        // the right password of beta's administrator, tested against alpha, finds nobody
        SiloClient.Response elsewhere = admin.post(
                "/api/admin/auth/test",
                Map.of("organization", alpha.slug(), "email", betaAdmin, "password", TestTenants.PASSWORD));
        assertThat(elsewhere.status()).isEqualTo(200);
        assertThat(elsewhere.json().path("outcome").asString()).isEqualTo("invalid-credentials");
        assertThat(elsewhere.json().path("user").isNull()).isTrue();
    }

    @Test
    void anotherTenantsFilesAreNotFoundAndItsFileUrlsCannotBeBent() throws Exception {
        String betaDocument = beta.client()
                .post("/api/data/classroom/assignments", Map.of("title", "Beta's exam"))
                .json()
                .path("_id")
                .asString();
        String betaFiles = "/api/data/classroom/assignments/" + betaDocument + "/_files";
        String betaFile = upload(beta.client(), betaFiles + "?name=answers.pdf", "SECRET ANSWERS")
                .header("Location")
                .orElseThrow();
        String betaFileId = betaFile.substring(betaFile.lastIndexOf('/') + 1);
        String alphaFiles = "/api/data/classroom/assignments/"
                + alpha.client()
                        .post("/api/data/classroom/assignments", Map.of("title", "Alpha's"))
                        .json()
                        .path("_id")
                        .asString()
                + "/_files";

        assertThat(alpha.client().get(betaFiles).status()).isEqualTo(404);
        assertThat(alpha.client().download(betaFile, Map.of()).status()).isEqualTo(404);
        assertThat(alpha.client().post(betaFile + "/_url", Map.of()).status()).isEqualTo(404);
        assertThat(alpha.client().delete(betaFile).status()).isEqualTo(404);
        assertThat(upload(alpha.client(), betaFiles + "?name=planted.pdf", "x").status())
                .isEqualTo(404);
        SiloClient.Bytes byId = alpha.client().download(alphaFiles + "/" + betaFileId, Map.of());
        assertThat(byId.status())
                .as("a file id of another tenant, on one's own document")
                .isEqualTo(404);
        assertThat(new String(byId.body(), StandardCharsets.UTF_8)).doesNotContain("SECRET");

        String url = beta.client()
                .post(betaFile + "/_url", Map.of())
                .json()
                .path("url")
                .asString();
        String[] parts = url.substring("/api/files/".length()).split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        String bent = parts[0] + "."
                + Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(claims.replace(beta.id(), alpha.id()).getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];
        assertThat(alpha.client().download("/api/files/" + bent, Map.of()).status())
                .isEqualTo(403);
        assertThat(new String(alpha.client().download(url, Map.of()).body(), StandardCharsets.UTF_8))
                .as("the genuine URL reads the one file it names, whoever holds it")
                .isEqualTo("SECRET ANSWERS");
        assertThat(beta.client().get(betaFiles).json().path("items"))
                .as("untouched")
                .hasSize(1);
    }

    @Test
    void aMemberWithoutTheServiceOrWriteRightsCannotTouchFiles() {
        String document = alpha.client()
                .post("/api/data/classroom/assignments", Map.of("title", "Members"))
                .json()
                .path("_id")
                .asString();
        String files = "/api/data/classroom/assignments/" + document + "/_files";
        String file = upload(alpha.client(), files + "?name=a.pdf", "alpha")
                .header("Location")
                .orElseThrow();
        long run = System.nanoTime();
        TestTenants.addMember(alpha, "clerk" + run + "@alpha.example", Map.of("billing", "user"));
        TestTenants.addMember(alpha, "pupil" + run + "@alpha.example", Map.of("classroom", "student"));
        SiloClient clerk = TestTenants.signIn(
                alpha.client(), alpha.slug(), "clerk" + run + "@alpha.example", TestTenants.PASSWORD);
        SiloClient pupil = TestTenants.signIn(
                alpha.client(), alpha.slug(), "pupil" + run + "@alpha.example", TestTenants.PASSWORD);

        assertThat(clerk.get(files).problemType()).isEqualTo("service-not-granted");
        assertThat(clerk.download(file, Map.of()).status()).isEqualTo(403);
        assertThat(clerk.post(file + "/_url", Map.of()).status()).isEqualTo(403);
        assertThat(upload(pupil, files + "?name=b.pdf", "pupil").problemType()).isEqualTo("collection-forbidden");
        assertThat(pupil.delete(file).problemType()).isEqualTo("collection-forbidden");
        assertThat(pupil.download(file, Map.of()).status())
                .as("a student reads assignments")
                .isEqualTo(200);
        assertThat(alpha.client().get(files).json().path("items")).hasSize(1);
    }

    @Test
    void injectionInFileNamesAndPathsIsStoredAsTextOrRejected() {
        String files = "/api/data/classroom/assignments/"
                + alpha.client()
                        .post("/api/data/classroom/assignments", Map.of("title", "Names"))
                        .json()
                        .path("_id")
                        .asString()
                + "/_files";
        String name = "x'); DROP TABLE silo_files; --.pdf";

        SiloClient.Response stored = upload(alpha.client(), files + "?name=" + encode(name), "ok");
        assertThat(stored.status()).isEqualTo(201);
        assertThat(stored.json().path("name").asString()).isEqualTo(name);
        for (String fileId : List.of("1%20OR%201%3D1", "'%3B--", "1-1-1-1-1")) {
            assertThat(alpha.client().download(files + "/" + fileId, Map.of()).status())
                    .as(fileId)
                    .isEqualTo(400);
        }
        assertThat(alpha.client()
                        .download(files + "/..%2F..%2F..%2Fbilling%2Finvoices", Map.of())
                        .status())
                .isIn(400, 404);
        for (String collection : List.of("silo_files", "silo_file_chunks", "assignments%3Bselect")) {
            assertThat(alpha.client()
                            .get("/api/data/classroom/" + collection + "/" + betaInvoice + "/_files")
                            .status())
                    .as(collection)
                    .isIn(400, 404);
        }
        assertThat(TestPostgres.primary()
                        .jdbc(alpha.database("classroom"))
                        .query("SELECT count(*) FROM silo_files WHERE name = ?", row -> row.getLong(1), name))
                .as("stored as text, nothing dropped")
                .containsExactly(1L);
    }

    private static SiloClient.Response upload(SiloClient client, String path, String content) {
        return client.upload(path, "application/pdf", HttpRequest.BodyPublishers.ofString(content), Map.of());
    }

    @Test
    void anIdempotencyKeyNeverAnswersWithAnotherTenantsOrAnotherUsersAnswer() {
        String key = "till-1-sale-" + System.nanoTime();
        Map<String, Object> sale = new java.util.HashMap<>(invoice("-", "Keyed customer", "paid", 5));
        sale.remove("number");
        SiloClient.Response alphas = keyed(alpha.client(), sale, key);
        assertThat(alphas.status()).as(alphas.text()).isEqualTo(201);

        TestTenants.addMember(alpha, "clerk-" + key + "@alpha.example", Map.of("billing", "manager"));
        SiloClient clerk = TestTenants.signIn(
                alpha.client(), alpha.slug(), "clerk-" + key + "@alpha.example", TestTenants.PASSWORD);
        for (SiloClient other : List.of(beta.client(), clerk)) {
            SiloClient.Response own = keyed(other, sale, key);
            assertThat(own.status()).as(own.text()).isEqualTo(201);
            assertThat(own.header("Idempotent-Replayed"))
                    .as("a key is its caller's")
                    .isEmpty();
            assertThat(own.json().path("_id").asString())
                    .isNotEqualTo(alphas.json().path("_id").asString());
        }
        assertThat(beta.client()
                        .get("/api/data/billing/invoices/"
                                + alphas.json().path("_id").asString())
                        .status())
                .isEqualTo(404);
        assertThat(keyed(alpha.client(), sale, key).json().path("_id").asString())
                .as("alpha's own retry still gets alpha's answer")
                .isEqualTo(alphas.json().path("_id").asString());

        for (String injected : List.of(
                "k'); DROP TABLE silo_idempotency; --",
                "' OR user_id IS NOT NULL --",
                "../../" + beta.slug(),
                "%00",
                "${jndi:ldap://x}")) {
            SiloClient.Response answer = keyed(alpha.client(), sale, injected);
            assertThat(answer.status())
                    .as("a printable key is only ever a value: %s", injected)
                    .isEqualTo(201);
            assertThat(answer.header("Idempotent-Replayed")).isEmpty();
        }
        for (String malformed : List.of("", "x".repeat(256))) {
            assertThat(keyed(alpha.client(), sale, malformed).problemType())
                    .as(malformed)
                    .isEqualTo("invalid-idempotency-key");
        }
        assertThat(TestPostgres.primary()
                        .jdbc(beta.database("billing"))
                        .query("SELECT count(*) FROM silo_idempotency", row -> row.getLong(1)))
                .as("nothing was dropped; beta's one key is there")
                .containsExactly(1L);
    }

    private static SiloClient.Response keyed(SiloClient client, Object body, String key) {
        return client.send("POST", "/api/data/billing/invoices", Optional.of(body), Map.of("Idempotency-Key", key));
    }

    @Test
    void forgedOrAlteredTokensAreRefused() throws Exception {
        String token = alpha.client()
                .login(
                        "/api/auth/login",
                        Map.of(
                                "organization",
                                alpha.slug(),
                                "email",
                                alpha.adminEmail(),
                                "password",
                                TestTenants.PASSWORD));
        String[] parts = token.split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);

        String swapped = claims.replace(alpha.id(), beta.id()).replace(alpha.slug(), beta.slug());
        String altered = parts[0] + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(swapped.getBytes(StandardCharsets.UTF_8)) + "."
                + parts[2];
        assertRefused(altered);

        JWTClaimsSet forgedClaims = JWTClaimsSet.parse(swapped);
        ECKey foreignKey = new ECKeyGenerator(Curve.P_256)
                .keyID(SignedJWT.parse(token).getHeader().getKeyID())
                .generate();
        SignedJWT foreign = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.ES256)
                        .keyID(foreignKey.getKeyID())
                        .type(SignedJWT.parse(token).getHeader().getType())
                        .build(),
                forgedClaims);
        foreign.sign(new ECDSASigner(foreignKey));
        assertRefused(foreign.serialize());

        SignedJWT hmac = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), forgedClaims);
        hmac.sign(new MACSigner(new byte[32]));
        assertRefused(hmac.serialize());

        String unsigned = Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8))
                + "." + parts[1] + ".";
        assertRefused(unsigned);
    }

    private void assertRefused(String token) {
        SiloClient.Response response = alpha.client().as(token).get("/api/data/billing/invoices/" + betaInvoice);
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.problemType()).isEqualTo("invalid-token");
    }
}
