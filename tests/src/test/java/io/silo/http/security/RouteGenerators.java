package io.silo.http.security;

import static io.silo.http.security.RequestMutator.q;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One generator per route, keyed by {@code "METHOD path-template"} exactly as {@code
 * HttpServer.routes()} lists it, with who the route answers ({@link RouteAccess}). The fuzzer fails
 * when the server has a route this table lacks: a new route adds one line here, such as
 *
 * <pre>{@code
 * members("GET /api/things/{id}", fuzz -> fuzz.get("/api/things/" + fuzz.documentId("x", "things")));
 * }</pre>
 *
 * built from what {@link RequestMutator} offers (B's ids, cursors, tokens, altered and forged ones).
 */
final class RouteGenerators {
    /** A route's generator and who it answers. */
    record Generator(RouteAccess access, RouteGenerator generator) {}

    private final Map<String, Generator> routes = new LinkedHashMap<>();

    private RouteGenerators() {}

    /** The table. */
    static Map<String, Generator> all() {
        RouteGenerators table = new RouteGenerators();
        table.open();
        table.platform();
        table.identity();
        table.data();
        table.files();
        return Map.copyOf(table.routes);
    }

    private void open() {
        open("GET /openapi.json", fuzz -> fuzz.get("/openapi.json"));
        open("GET /.well-known/jwks.json", fuzz -> fuzz.get("/.well-known/jwks.json"));
        open("GET /metrics", fuzz -> fuzz.get("/metrics"));
        open("GET /api/health", fuzz -> fuzz.get("/api/health"));
        open("POST /api/auth/login", fuzz -> fuzz.post("/api/auth/login", signIn(fuzz)));
        open(
                "POST /api/auth/refresh",
                fuzz -> fuzz.post("/api/auth/refresh", Map.of("refreshToken", fuzz.refreshToken())));
        open(
                "POST /api/auth/logout",
                fuzz -> fuzz.post("/api/auth/logout", Map.of("refreshToken", fuzz.refreshToken())));
        open("POST /api/signup", fuzz -> fuzz.post("/api/signup", signUp(fuzz)));
        open(
                "POST /api/signup/verify",
                fuzz -> fuzz.post(
                        "/api/signup/verify",
                        Map.of(
                                "token",
                                fuzz.pick(List.of(
                                        fuzz.world().beta().jobId,
                                        fuzz.altered(fuzz.world().beta().id),
                                        "x",
                                        "' OR 1=1 --")))));
        open("GET /api/files/{token}", fuzz -> fuzz.get("/api/files/" + fuzz.fileUrlToken()));
        open(
                "POST /api/auth/password/forgot",
                fuzz -> fuzz.post(
                        "/api/auth/password/forgot",
                        Map.of(
                                "email",
                                fuzz.loginName(),
                                "organization",
                                fuzz.pick(List.of(fuzz.world().beta().slug, "' OR 1=1 --")))));
        open(
                "POST /api/invitations/accept",
                fuzz -> fuzz.post(
                        "/api/invitations/accept",
                        Map.of(
                                "token",
                                fuzz.pick(List.of(fuzz.altered(fuzz.world().beta().id), "x", "' OR 1=1 --")),
                                "name",
                                "Fuzz",
                                "password",
                                "a long enough password")));
        open(
                "POST /api/auth/password/reset",
                fuzz -> fuzz.post(
                        "/api/auth/password/reset",
                        Map.of(
                                "token",
                                fuzz.pick(List.of(fuzz.altered(fuzz.world().beta().id), "x", "' OR 1=1 --")),
                                "password",
                                "a long enough password")));
    }

    private void platform() {
        platform(
                "POST /api/admin/auth/login",
                fuzz -> fuzz.post(
                        "/api/admin/auth/login",
                        Map.of(
                                "email",
                                fuzz.loginName(),
                                "password",
                                fuzz.pick(List.of("test-admin-password", "correct horse battery")))));
        platform("POST /api/admin/auth/totp", fuzz -> fuzz.post("/api/admin/auth/totp", Map.of()));
        platform(
                "POST /api/admin/auth/totp/confirm",
                fuzz -> fuzz.post(
                        "/api/admin/auth/totp/confirm",
                        Map.of(
                                "code",
                                fuzz.pick(List.of(
                                        "123456", fuzz.altered(fuzz.world().beta().id), "' OR 1=1 --", "")))));
        platform(
                "POST /api/organizations",
                fuzz -> fuzz.post(
                        "/api/organizations",
                        Map.of(
                                "name",
                                "Fuzz Org",
                                "slug",
                                fuzz.pick(List.of(fuzz.world().beta().slug, "fuzz-org")),
                                "services",
                                List.of("billing"),
                                "admin",
                                Map.of("email", "x@fuzz.example", "name", "X", "password", "long enough password"),
                                // placements by service: names that reach no SQL, clusters and labels that match none
                                "placement",
                                fuzz.pick(List.of(
                                        Map.of(),
                                        Map.of("billing' OR 1=1 --", Map.of("cluster", "primary")),
                                        Map.of("billing", Map.of("cluster", "'; DROP TABLE tenants; --")),
                                        Map.of("billing", Map.of("labels", Map.of("'; DROP TABLE clusters; --", "x"))),
                                        Map.of("core", Map.of("cluster", "primary", "labels", Map.of("a", "b"))))))));
        platform(
                "GET /api/organizations",
                fuzz -> fuzz.get("/api/organizations?q="
                        + q(fuzz.pick(List.of(fuzz.world().beta().slug, "", "' OR 1=1"))) + "&cluster="
                        + q(fuzz.pick(List.of("", "primary", "' OR 1=1 --"))) + "&service="
                        + q(fuzz.pick(List.of("", fuzz.service(), "billing' OR 1=1 --"))) + "&cursor="
                        + q(fuzz.cursor())));
        platform("GET /api/organizations/{org}", fuzz -> fuzz.get("/api/organizations/" + fuzz.organization()));
        platform(
                "PATCH /api/organizations/{org}",
                fuzz -> fuzz.patch(
                        "/api/organizations/" + fuzz.organization(),
                        Map.of("notes", "changed by fuzz", "corsOrigins", List.of("https://evil.example"))));
        platform("DELETE /api/organizations/{org}", fuzz -> fuzz.delete("/api/organizations/" + fuzz.organization()));
        platform(
                "POST /api/organizations/{org}/suspend",
                fuzz -> fuzz.post("/api/organizations/" + fuzz.organization() + "/suspend", Map.of("reason", "fuzz")));
        platform(
                "POST /api/organizations/{org}/activate",
                fuzz -> fuzz.post("/api/organizations/" + fuzz.organization() + "/activate", Map.of()));
        platform(
                "POST /api/organizations/{org}/rotate-role-password",
                fuzz -> fuzz.post("/api/organizations/" + fuzz.organization() + "/rotate-role-password", Map.of()));
        platform(
                "POST /api/organizations/{org}/services",
                fuzz -> fuzz.post(
                        "/api/organizations/" + fuzz.organization() + "/services", Map.of("service", fuzz.service())));
        platform(
                "DELETE /api/organizations/{org}/services/{service}",
                fuzz -> fuzz.delete("/api/organizations/" + fuzz.organization() + "/services/" + q(fuzz.service())
                        + "?confirm=" + q(fuzz.organization())));
        platform(
                "POST /api/organizations/{org}/services/{service}/restore",
                fuzz -> fuzz.post(
                        "/api/organizations/" + fuzz.organization() + "/services/" + q(fuzz.service()) + "/restore",
                        Map.of()));
        platform(
                "GET /api/admin/organizations/{org}/users",
                fuzz -> fuzz.get("/api/admin/organizations/" + fuzz.organization() + "/users?service="
                        + q(fuzz.service()) + "&q=" + q(search(fuzz)) + "&cursor=" + q(fuzz.cursor())));
        platform(
                "POST /api/admin/organizations/{org}/users",
                fuzz -> fuzz.post("/api/admin/organizations/" + fuzz.organization() + "/users", newUser(fuzz)));
        platform(
                "GET /api/admin/organizations/{org}/users/{id}",
                fuzz -> fuzz.get("/api/admin/organizations/" + fuzz.organization() + "/users/" + fuzz.userId()));
        platform(
                "PATCH /api/admin/organizations/{org}/users/{id}",
                fuzz -> fuzz.patch(
                        "/api/admin/organizations/" + fuzz.organization() + "/users/" + fuzz.userIdToChange(),
                        userChange(fuzz)));
        platform(
                "DELETE /api/admin/organizations/{org}/users/{id}",
                fuzz -> fuzz.delete(
                        "/api/admin/organizations/" + fuzz.organization() + "/users/" + fuzz.userIdToChange()));
        platform(
                "POST /api/admin/organizations/{org}/users/_bulk",
                fuzz -> fuzz.post(
                        "/api/admin/organizations/" + fuzz.organization() + "/users/_bulk",
                        Map.of(
                                "operations",
                                List.of(
                                        Map.of("op", "create", "user", newUser(fuzz)),
                                        Map.of(
                                                "op",
                                                "update",
                                                "id",
                                                fuzz.userIdToChange(),
                                                "changes",
                                                userChange(fuzz)),
                                        Map.of(
                                                "op",
                                                fuzz.pick(List.of("delete", "drop", "' OR 1=1")),
                                                "id",
                                                fuzz.userIdToChange())))));
        platform("GET /api/admin/jobs/{id}", fuzz -> fuzz.get("/api/admin/jobs/" + fuzz.jobId()));
        platform(
                "GET /api/admin/jobs",
                fuzz -> fuzz.get("/api/admin/jobs?organization=" + fuzz.organization() + "&state="
                        + q(fuzz.pick(List.of("running", "succeeded", "' OR 1=1"))) + "&cursor=" + q(fuzz.cursor())));
        platform(
                "POST /api/admin/jobs/{id}/cancel",
                fuzz -> fuzz.post("/api/admin/jobs/" + fuzz.jobId() + "/cancel", Map.of()));
        platform(
                "GET /api/admin/activity",
                fuzz -> fuzz.get("/api/admin/activity?tenant="
                        + q(fuzz.pick(
                                List.of(fuzz.world().beta().id, fuzz.world().alpha().id, "x"))) + "&cursor="
                        + q(fuzz.cursor())));
        // never a real move: to the cluster the organization is on, to none, or by no method; the fuzzer shows
        // who may move an organization and that names reach no SQL, without moving the other generators' data
        platform(
                "POST /api/admin/organizations/{org}/move",
                fuzz -> fuzz.post(
                        "/api/admin/organizations/" + fuzz.organization() + "/move",
                        fuzz.pick(List.of(
                                Map.of("cluster", "primary"),
                                Map.of("cluster", "'; DROP TABLE tenants; --"),
                                Map.of("cluster", "primary", "method", "' OR 1=1"),
                                Map.of("cluster", "primary", "service", "billing' OR 1=1 --")))));
        // never a cluster removed: the only one, or none; who may remove one, and that names reach no SQL
        platform(
                "DELETE /api/admin/clusters/{id}",
                fuzz -> fuzz.delete("/api/admin/clusters/"
                        + q(fuzz.pick(List.of("primary", "nowhere", "'; DROP TABLE clusters; --")))));
        // never a drain that runs: the only cluster (nowhere to go), none, or a bad number of moves at once
        platform(
                "POST /api/admin/clusters/{id}/drain",
                fuzz -> fuzz.post(
                        "/api/admin/clusters/"
                                + q(fuzz.pick(List.of("primary", "nowhere", "'; DROP TABLE clusters; --")))
                                + "/drain",
                        fuzz.pick(List.of(Map.of(), Map.of("parallel", 0), Map.of("parallel", "' OR 1=1")))));
        platform("GET /api/admin/clusters", fuzz -> fuzz.get("/api/admin/clusters"));
        platform("GET /api/admin/clusters/health", fuzz -> fuzz.get("/api/admin/clusters/health"));
        // never a server that answers: the fuzzer shows who may register one and that its fields reach no SQL
        platform(
                "POST /api/admin/clusters",
                fuzz -> fuzz.post(
                        "/api/admin/clusters",
                        Map.of(
                                "id",
                                fuzz.pick(List.of("fuzzed", "primary", "'; DROP TABLE clusters; --")),
                                "url",
                                fuzz.pick(List.of(
                                        "jdbc:postgresql://127.0.0.1:1/postgres",
                                        "jdbc:postgresql://127.0.0.1:1/postgres?socketFactory=x")),
                                "user",
                                "postgres",
                                "acceptingTenants",
                                false)));
        // never a cluster taken out of placement, nor relabelled: the fuzzer shows who may change one and that
        // names and labels reach no SQL, without moving where the other generators' organizations go
        platform(
                "PATCH /api/admin/clusters/{id}",
                fuzz -> fuzz.patch(
                        "/api/admin/clusters/"
                                + q(fuzz.pick(List.of("primary", "nowhere", "'; DROP TABLE clusters; --"))),
                        fuzz.pick(List.of(
                                Map.of("acceptingTenants", true),
                                Map.of("acceptingTenants", "' OR 1=1"),
                                Map.of("labels", Map.of("'; DROP TABLE tenants; --", "x")),
                                Map.of("labels", List.of("zone")),
                                Map.of("capacity", 0),
                                Map.of("connectionBudget", "' OR 1=1")))));
        // only the configuration's cluster and names that are none: never a password changed under the fuzzer
        platform(
                "POST /api/admin/clusters/{id}/rotate-password",
                fuzz -> fuzz.post(
                        "/api/admin/clusters/"
                                + q(fuzz.pick(List.of("primary", "nowhere", "'; DROP TABLE clusters; --")))
                                + "/rotate-password",
                        Map.of()));
        platform("GET /api/admin/pools", fuzz -> fuzz.get("/api/admin/pools"));
        // a check of each database, connecting afresh: who may ask, and that no name reaches SQL
        platform(
                "GET /api/admin/organizations/{org}/connectivity",
                fuzz -> fuzz.get("/api/admin/organizations/" + fuzz.organization() + "/connectivity"));
        // always a dry run: the fuzzer shows who may ask and that names reach no SQL, not a real rollout
        platform(
                "POST /api/admin/migrations",
                fuzz -> fuzz.post(
                        "/api/admin/migrations",
                        Map.of(
                                "service",
                                fuzz.pick(List.of("vault", "billing", "' OR 1=1 --", "silo_schema")),
                                "tenants",
                                List.of(fuzz.pick(List.of(
                                        fuzz.world().beta().slug,
                                        fuzz.altered(fuzz.world().beta().id),
                                        "'; DROP TABLE tenants; --"))),
                                "dryRun",
                                true)));
        // no body: the services folder is the configured one, only a platform administrator may have it read again
        platform("POST /api/admin/templates/reload", fuzz -> fuzz.post("/api/admin/templates/reload", Map.of()));
        // never a folder that is there: the fuzzer shows who may ask and that no path leaves imports.dir
        platform(
                "POST /api/admin/imports",
                fuzz -> fuzz.post(
                        "/api/admin/imports",
                        Map.of(
                                "folder",
                                fuzz.pick(List.of(
                                        "../../etc",
                                        "/etc",
                                        "' OR 1=1 --",
                                        "dumps/../../" + fuzz.world().beta().slug)),
                                "layout",
                                fuzz.pick(List.of("per-tenant", "shared", "'; DROP TABLE jobs; --")),
                                "mapping",
                                fuzz.pick(List.of("../silo.yaml", "mapping.yaml")))));
        platform("GET /api/admin/metrics/history", fuzz -> fuzz.get("/api/admin/metrics/history"));
        platform(
                "GET /api/admin/storage",
                fuzz -> fuzz.get("/api/admin/storage?organization="
                        + q(fuzz.pick(List.of(fuzz.organization(), fuzz.world().beta().slug, "' OR 1=1 --", "")))
                        + "&limit=" + fuzz.pick(List.of("1", "500", "0", "x"))));
        // a platform administrator's test of beta's member: who may ask, and that names reach no SQL
        platform(
                "POST /api/admin/auth/test",
                fuzz -> fuzz.post(
                        "/api/admin/auth/test",
                        Map.of(
                                "organization",
                                fuzz.pick(List.of(fuzz.world().beta().slug, "'; DROP TABLE tenants; --")),
                                "email",
                                fuzz.loginName(),
                                "password",
                                fuzz.pick(List.of("wrong password", "' OR 1=1 --")))));
        // an organization's archives: only a platform administrator starts, lists or reads one, and no name
        // leads outside that organization's folder of backups.dir
        platform(
                "POST /api/admin/organizations/{org}/backups",
                fuzz -> fuzz.post(
                        "/api/admin/organizations/" + fuzz.organization() + "/backups",
                        fuzz.pick(
                                List.of(Map.of(), Map.of("consistent", false), Map.of("consistent", "' OR 1=1 --")))));
        platform(
                "GET /api/admin/organizations/{org}/backups",
                fuzz -> fuzz.get("/api/admin/organizations/" + fuzz.organization() + "/backups"));
        platform(
                "GET /api/admin/organizations/{org}/backups/{name}",
                fuzz -> fuzz.get("/api/admin/organizations/" + fuzz.organization() + "/backups/"
                        + q(fuzz.pick(List.of(
                                "20261207T031500123Z.silo-backup",
                                "../" + fuzz.world().beta().id + "/20261207T031500123Z.silo-backup",
                                "../../backup.key",
                                "' OR 1=1 --")))));
        // never an archive that is there: who may restore one, that no name leaves the organization's folder,
        // and that a replacement needs the slug typed out
        platform(
                "POST /api/admin/organizations/{org}/backups/{name}/restore",
                fuzz -> fuzz.post(
                        "/api/admin/organizations/" + fuzz.organization() + "/backups/"
                                + q(fuzz.pick(List.of(
                                        "20261207T031500123Z.silo-backup",
                                        "../" + fuzz.world().beta().id + "/20261207T031500123Z.silo-backup",
                                        "' OR 1=1 --")))
                                + "/restore",
                        fuzz.pick(List.of(
                                Map.of("as", "fuzz-copy"),
                                Map.of("replace", true),
                                Map.of("replace", true, "confirm", fuzz.world().beta().slug),
                                Map.of("as", "'; DROP TABLE tenants; --")))));
        // never an archive of this deployment's key: who may upload one, and that its slug reaches no SQL
        platform(
                "POST /api/admin/restores",
                fuzz -> fuzz.post(
                        "/api/admin/restores?"
                                + fuzz.pick(List.of(
                                        "as="
                                                + q(fuzz.pick(List.of(
                                                        fuzz.world().beta().slug,
                                                        "fuzz-copy",
                                                        "'; DROP TABLE tenants; --"))),
                                        "replace=true&confirm=" + q(fuzz.world().beta().slug),
                                        "replace=" + q("' OR 1=1"))),
                        Map.of("not", "an archive")));
        platform(
                "GET /api/admin/mail",
                fuzz -> fuzz.get("/api/admin/mail?limit=" + fuzz.pick(List.of("1", "500", "x"))));
        platform(
                "GET /api/admin/mail/{id}",
                fuzz -> fuzz.get("/api/admin/mail/"
                        + fuzz.pick(List.of(
                                "1", "..%2F..%2Fetc%2Fpasswd", fuzz.world().beta().slug, fuzz.jobId()))));
    }

    private void identity() {
        members("GET /api/auth/me", fuzz -> fuzz.get("/api/auth/me"));
        members(
                "POST /api/invitations",
                fuzz -> fuzz.post(
                        "/api/invitations",
                        Map.of("email", fuzz.loginName(), "services", Map.of(fuzz.service(), "user"))));
        members("GET /api/invitations", fuzz -> fuzz.get("/api/invitations"));
        members("DELETE /api/invitations/{id}", fuzz -> fuzz.delete("/api/invitations/" + fuzz.userIdToChange()));
        members(
                "POST /api/auth/password",
                fuzz -> fuzz.post(
                        "/api/auth/password",
                        Map.of(
                                "currentPassword",
                                fuzz.pick(List.of("not the password at all", "' OR 1=1 --")),
                                "newPassword",
                                "a new long enough password")));
        // never A's own slug: closing A would end the world the other routes are fuzzed in
        members(
                "DELETE /api/organization",
                fuzz -> fuzz.delete("/api/organization?confirm="
                        + q(fuzz.pick(List.of(
                                fuzz.world().beta().slug,
                                "' OR 1=1 --",
                                "",
                                fuzz.world().beta().id)))));
        members("POST /api/users", fuzz -> fuzz.post("/api/users", newUser(fuzz)));
        members(
                "GET /api/users",
                fuzz -> fuzz.get("/api/users?q=" + q(search(fuzz)) + "&status="
                        + fuzz.pick(List.of("", "active", "disabled", "x")) + "&cursor="
                        + q(fuzz.chance(50) ? fuzz.cursor() : "")));
        members("GET /api/users/{id}", fuzz -> fuzz.get("/api/users/" + fuzz.userId()));
        members("PATCH /api/users/{id}", fuzz -> fuzz.patch("/api/users/" + fuzz.userIdToChange(), userChange(fuzz)));
        members("DELETE /api/users/{id}", fuzz -> fuzz.delete("/api/users/" + fuzz.userIdToChange()));
        members(
                "GET /api/members",
                fuzz -> fuzz.get("/api/members?q=" + q(search(fuzz)) + "&service="
                        + q(fuzz.pick(List.of("", "", "school", "crm", "vault", "billing' OR 1=1"))) + "&role="
                        + q(fuzz.pick(List.of("", "student", "clerk", "x"))) + "&cursor="
                        + q(fuzz.chance(50) ? fuzz.cursor() : "")));
        members("GET /api/members/{id}", fuzz -> fuzz.get("/api/members/" + fuzz.userId()));
        members(
                "GET /api/activity",
                fuzz -> fuzz.get(
                        "/api/activity?service=" + q(fuzz.pick(List.of("", "", "school", "crm", "core", "x';--")))
                                + "&limit=" + fuzz.pick(List.of("5", "500", "0"))
                                + "&cursor=" + q(fuzz.chance(50) ? fuzz.cursor() : "")));
        members("GET /api/health/tenant", fuzz -> fuzz.get("/api/health/tenant"));
        members("GET /api/health/tenant/collections", fuzz -> fuzz.get("/api/health/tenant/collections"));
    }

    private void data() {
        members("GET /api/data/{service}/{collection}", fuzz -> {
            String path = fuzz.collectionPath();
            return fuzz.get(path + "?" + fuzz.listing(path));
        });
        members("POST /api/data/{service}/{collection}", fuzz -> {
            String path = fuzz.collectionPath();
            return fuzz.post(path, fuzz.document(path));
        });
        members("GET /api/data/{service}/{collection}/_count", fuzz -> {
            String path = fuzz.collectionPath();
            return fuzz.get(path + "/_count?filter=" + q(fuzz.filter(fuzz.spec(path), true)));
        });
        members("GET /api/data/{service}/{collection}/_group", fuzz -> {
            String path = fuzz.collectionPath();
            return fuzz.get(path + "/_group?" + fuzz.grouping(path));
        });
        members("GET /api/data/{service}/{collection}/{id}", fuzz -> fuzz.get(fuzz.documentPath()));
        members("PUT /api/data/{service}/{collection}/{id}", fuzz -> {
            String path = fuzz.documentPath();
            return fuzz.put(path + condition(fuzz, path), fuzz.document(path));
        });
        members("PATCH /api/data/{service}/{collection}/{id}", fuzz -> {
            String path = fuzz.documentPath();
            return fuzz.patch(path + condition(fuzz, path), fuzz.change(path));
        });
        members("DELETE /api/data/{service}/{collection}/{id}", fuzz -> {
            String path = fuzz.documentPath();
            return fuzz.delete(path + condition(fuzz, path));
        });
        members("POST /api/data/{service}/_batch", fuzz -> {
            String service = fuzz.service();
            return fuzz.post("/api/data/" + service + "/_batch", fuzz.batch(service));
        });
    }

    private void files() {
        members(
                "POST /api/data/{service}/{collection}/{id}/_files",
                fuzz -> fuzz.upload(
                        fuzz.filesOfDocument() + "?name="
                                + q(fuzz.pick(List.of(
                                        "scan.pdf",
                                        "x'); DROP TABLE silo_files; --",
                                        "../../etc/passwd",
                                        "a/b",
                                        "",
                                        "n".repeat(300)))),
                        fuzz.pick(List.of("application/pdf", "image/png", "text/plain", "audio/mpeg", "text/html", "")),
                        ("fuzzed file " + fuzz.pick(List.of("a", "b"))).getBytes(StandardCharsets.UTF_8)));
        members("GET /api/data/{service}/{collection}/{id}/_files", fuzz -> fuzz.get(fuzz.filesOfDocument()));
        members("GET /api/data/{service}/{collection}/{id}/_files/{fileId}", fuzz -> {
            FuzzRequest download = fuzz.get(fuzz.filePath());
            return fuzz.chance(30)
                    ? download.header("Range", fuzz.pick(List.of("bytes=0-3", "bytes=-2", "bytes=999-", "bytes=a-b")))
                    : download;
        });
        members(
                "DELETE /api/data/{service}/{collection}/{id}/_files/{fileId}",
                fuzz -> fuzz.delete(deletableFile(fuzz)));
        members(
                "POST /api/data/{service}/{collection}/{id}/_files/{fileId}/_url",
                fuzz -> fuzz.post(
                        fuzz.filePath() + "/_url?ttl=" + fuzz.pick(List.of("60", "1", "0", "-5", "x", "99999999")),
                        Map.of()));
    }

    /** A file path to delete: never one of A's own files, which later requests read. */
    private static String deletableFile(RequestMutator fuzz) {
        String path = fuzz.filePath();
        boolean own = fuzz.world().alpha().files.stream().anyMatch(file -> path.endsWith("/_files/" + file.fileId()));
        return own ? path.substring(0, path.lastIndexOf('/') + 1) + fuzz.fileId() + "0" : path;
    }

    private static String condition(RequestMutator fuzz, String path) {
        return fuzz.chance(30) ? "?if=" + q(fuzz.condition(fuzz.spec(path))) : "";
    }

    private static String search(RequestMutator fuzz) {
        return fuzz.chance(40) ? fuzz.guess() : fuzz.chance(50) ? fuzz.loginName() : "";
    }

    private static Map<String, Object> signIn(RequestMutator fuzz) {
        Map<String, Object> body = new LinkedHashMap<>();
        switch (fuzz.pick(List.of("slug", "id", "own", "none"))) {
            case "slug" -> body.put("organization", fuzz.world().beta().slug);
            case "id" -> body.put("organization", fuzz.world().beta().id);
            case "own" -> body.put("organization", fuzz.world().alpha().slug);
            default -> {}
        }
        body.put(fuzz.chance(70) ? "email" : "username", fuzz.loginName());
        body.put(
                "password",
                fuzz.pick(List.of(
                        "correct horse battery",
                        fuzz.world().alpha().admin().password(),
                        "wrong password 1",
                        "x".repeat(2000))));
        return body;
    }

    private static Map<String, Object> signUp(RequestMutator fuzz) {
        return Map.of(
                "organization",
                        Map.of(
                                "name", "Fuzz Shop",
                                "slug",
                                        fuzz.pick(List.of(
                                                fuzz.world().beta().slug,
                                                fuzz.world().alpha().slug,
                                                "fuzz-shop",
                                                "x';--")),
                                "services", List.of(fuzz.pick(List.of("pos", "vault", "core")))),
                "admin",
                        Map.of(
                                "email",
                                        fuzz.pick(List.of(
                                                fuzz.world().beta().admin().email(), "founder@fuzz.example")),
                                "name", "Founder",
                                "password", "long enough password"));
    }

    private static Map<String, Object> newUser(RequestMutator fuzz) {
        return Map.of(
                "email",
                fuzz.pick(List.of(fuzz.loginName(), "new-" + fuzz.pick(List.of(1, 2, 3)) + "@fuzz.example")),
                "name",
                "Fuzzed Member",
                "password",
                "long enough password",
                "services",
                fuzz.pick(List.of(
                        Map.of("school", "student"),
                        Map.of("crm", "user"),
                        Map.of("core", "admin"),
                        Map.of("vault", "x"),
                        List.of("pos"))));
    }

    private static Map<String, Object> userChange(RequestMutator fuzz) {
        return switch (fuzz.pick(List.of("name", "status", "services", "email", "password"))) {
            case "name" -> Map.of("name", "Renamed");
            case "status" -> Map.of("status", fuzz.pick(List.of("active", "disabled", "x")));
            case "services" -> Map.of("services", Map.of("core", fuzz.pick(List.of("admin", "member")), "crm", "user"));
            case "email" -> Map.of("email", fuzz.loginName());
            default -> Map.of("password", "another long password");
        };
    }

    private void open(String route, RouteGenerator generator) {
        add(route, RouteAccess.OPEN, generator);
    }

    private void members(String route, RouteGenerator generator) {
        add(route, RouteAccess.FOR_MEMBERS, generator);
    }

    private void platform(String route, RouteGenerator generator) {
        add(route, RouteAccess.FOR_PLATFORM_ADMINISTRATORS, generator);
    }

    private void add(String route, RouteAccess access, RouteGenerator generator) {
        if (routes.put(route, new Generator(access, generator)) != null) {
            throw new IllegalStateException("two generators for " + route);
        }
    }
}
