package io.silo.http.security;

import io.silo.json.Json;
import io.silo.template.CollectionSpec;
import io.silo.template.FileRules;
import io.silo.template.ServiceTemplate;
import io.silo.template.TemplateCatalog;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Makes the two organizations of the fuzzer through the public API and fills them: members of every
 * role, a document in every collection of every service (as every member whose role may write it, so
 * that owner rules have documents of several owners), a file on documents of every collection that
 * takes files, cursors of every kind of listing, and the tokens the fuzzer will alter. For tenant B
 * every string it writes is a canary: the organization's name, notes and contacts, its members' names
 * and profiles, every string field of every document (nested and in arrays, settings too), file names
 * and contents, and the User-Agent its requests leave in its activity log.
 *
 * <p>Not thread-safe.
 */
final class CanaryPlanter {
    /** The services both organizations use: together, every feature of the data plane. */
    static final List<String> SERVICES = List.of("school", "pos", "billing", "erp", "vault");
    /** Members besides the administrator, by label: their role in each service. */
    private static final Map<String, Map<String, String>> ROLES = Map.of(
            "low",
                    Map.of(
                            "school", "student", "pos", "cashier", "billing", "user", "erp", "staff", "vault", "clerk",
                            "crm", "user"),
            "low2",
                    Map.of(
                            "school", "student", "pos", "cashier", "billing", "user", "erp", "staff", "vault", "clerk",
                            "crm", "user"),
            "mid",
                    Map.of(
                            "school", "teacher", "pos", "manager", "billing", "manager", "erp", "staff", "vault",
                            "keeper", "crm", "manager"));

    private final FuzzHttp http;
    private final TemplateCatalog templates;
    private final Canaries canaries;
    private final String run;

    CanaryPlanter(FuzzHttp http, TemplateCatalog templates, Canaries canaries, String run) {
        this.http = http;
        this.templates = templates;
        this.canaries = canaries;
        this.run = run;
    }

    /** Tenant B, every string of it a canary; it also uses {@code crm}, which A does not. */
    TenantSide beta(String adminToken) {
        List<String> services = new ArrayList<>(SERVICES);
        services.add("crm");
        Map<String, Object> extra = Map.of(
                "notes", canaries.next(),
                "license", canaries.next(),
                "adminContact",
                        Map.of("email", canaries.next().toLowerCase() + "@contact.example", "name", canaries.next()),
                "billingContact", Map.of("email", canaries.next().toLowerCase() + "@contact.example"),
                "corsOrigins", List.of("https://beta-" + run + ".example"));
        String password = "beta secret " + run + " " + canaries.next();
        TenantSide beta =
                organization(adminToken, canaries.next(), "beta-" + run, services, password, extra, canaries::next);
        beta.corsOrigin = "https://beta-" + run + ".example";
        fill(beta, canaries::next, password);
        return beta;
    }

    /** Tenant A: plain values, and one record of the vault with a private and a hidden value. */
    TenantSide alpha(String adminToken, String password) {
        int[] counter = {0};
        Supplier<String> plain = () -> "alpha-value-" + ++counter[0];
        TenantSide alpha =
                organization(adminToken, "Alpha Fuzz " + run, "alpha-" + run, SERVICES, password, Map.of(), plain);
        fill(alpha, plain, password);
        return alpha;
    }

    /** A's record of the vault owned by its clerk, holding a private PIN and an appraisal hidden from clerks. */
    void plantSecretsOfA(TenantSide alpha, String privateValue, String hiddenValue) {
        ObjectNode box = Json.object()
                .put("label", "alpha-secret-box-" + run)
                .put("shelf", "alpha-shelf")
                .put("ownerId", alpha.members.get("low").id())
                .put("pin", privateValue)
                .put("appraisal", hiddenValue);
        JsonNode created = http.expect(
                201, "POST", "/api/data/vault/boxes", Optional.of(alpha.admin().accessToken()), Optional.of(box));
        alpha.addDocument("vault", "boxes", created.path("_id").asString());
    }

    private TenantSide organization(
            String adminToken,
            String name,
            String slug,
            List<String> services,
            String password,
            Map<String, Object> extra,
            Supplier<String> text) {
        Map<String, Object> body = new LinkedHashMap<>(extra);
        String email = slug + "-admin@fuzz.example";
        body.putAll(Map.of(
                "name", name,
                "slug", slug,
                "businessType", "retail",
                "services", services,
                "admin",
                        Map.of(
                                "email",
                                email,
                                "username",
                                slug.replace("-", ""),
                                "name",
                                text.get(),
                                "password",
                                password)));
        JsonNode created = http.expect(201, "POST", "/api/organizations", Optional.of(adminToken), Optional.of(body));
        TenantSide side = new TenantSide(created.path("id").asString(), slug, name, services);
        created.path("databases")
                .forEach(database -> side.databases.put(
                        database.path("service").asString(),
                        database.path("name").asString()));
        side.jobId = created.path("job").path("id").asString();
        side.members.put("admin", signIn(side, "admin", email, slug.replace("-", ""), password, text));
        return side;
    }

    private void fill(TenantSide side, Supplier<String> text, String password) {
        for (String label : List.of("mid", "low", "low2")) {
            addMember(side, label, text, password);
        }
        side.spareUsers.add(createUser(side, "spare", Map.of(), text, password));
        for (int pass = 0; pass < 3; pass++) {
            for (String service : allServices(side)) {
                for (CollectionSpec collection :
                        templates.require(service).collections().values()) {
                    if (side.documents(service, collection.name()).isEmpty()) {
                        insertAsEveryone(side, service, collection, text);
                    }
                }
            }
        }
        for (String service : allServices(side)) {
            for (CollectionSpec collection :
                    templates.require(service).collections().values()) {
                collection.files().ifPresent(rules -> attachFiles(side, service, collection.name(), rules, text));
            }
        }
        collectCursors(side);
        keepTokens(side, password, text);
    }

    private List<String> allServices(TenantSide side) {
        List<String> all = new ArrayList<>(side.services);
        all.add(ServiceTemplate.CORE);
        return all;
    }

    private void addMember(TenantSide side, String label, Supplier<String> text, String password) {
        Map<String, String> roles = new LinkedHashMap<>();
        ROLES.get(label).forEach((service, role) -> {
            if (side.services.contains(service)) {
                roles.put(service, role);
            }
        });
        String email = side.slug + "-" + label + "@fuzz.example";
        createUser(side, label, roles, text, password);
        side.members.put(label, signIn(side, label, email, side.slug.replace("-", "") + label, password, text));
    }

    private String createUser(
            TenantSide side, String label, Map<String, String> roles, Supplier<String> text, String password) {
        Map<String, Object> body = Map.of(
                "email",
                side.slug + "-" + label + "@fuzz.example",
                "username",
                side.slug.replace("-", "") + label,
                "name",
                text.get(),
                "password",
                password,
                "services",
                roles,
                "profile",
                Map.of(
                        "phone",
                        text.get(),
                        "address",
                        Map.of("city", text.get()),
                        "tags",
                        List.of(text.get(), text.get())));
        return http.expect(
                        201,
                        "POST",
                        "/api/users",
                        Optional.of(side.admin().accessToken()),
                        Optional.of(body),
                        agent(text))
                .path("id")
                .asString();
    }

    private TenantSide.Member signIn(
            TenantSide side, String label, String email, String username, String password, Supplier<String> text) {
        JsonNode session = http.expect(
                200,
                "POST",
                "/api/auth/login",
                Optional.empty(),
                Optional.of(Map.of("organization", side.slug, "email", email, "password", password)),
                agent(text));
        return new TenantSide.Member(
                label,
                session.path("user").path("id").asString(),
                email,
                username,
                password,
                session.path("accessToken").asString(),
                session.path("refreshToken").asString());
    }

    /** A User-Agent for a request of B's, so its activity log holds canaries too. */
    private static Map<String, String> agent(Supplier<String> text) {
        return Map.of("User-Agent", text.get());
    }

    private void insertAsEveryone(TenantSide side, String service, CollectionSpec collection, Supplier<String> text) {
        for (TenantSide.Member member : side.members.values()) {
            DocumentFactory factory = new DocumentFactory(
                    text,
                    target -> target.equals(CollectionSpec.USERS)
                            ? Optional.of(member.id())
                            : side.documents(service, target).stream().findFirst());
            Optional<ObjectNode> document = factory.document(collection);
            if (document.isEmpty()) {
                return;
            }
            Map<String, String> headers = new LinkedHashMap<>(agent(text));
            if (side.idempotencyKey.isEmpty()) {
                side.idempotencyKey = "key-" + side.slug + "-" + run;
                headers.put("Idempotency-Key", side.idempotencyKey);
            }
            FuzzResponse response = http.attempt(
                    "POST",
                    "/api/data/" + service + "/" + collection.name(),
                    Optional.of(member.accessToken()),
                    document.get(),
                    headers);
            if (response.status() == 201) {
                side.addDocument(
                        service,
                        collection.name(),
                        Json.read(new String(response.body(), StandardCharsets.UTF_8))
                                .path("_id")
                                .asString());
            }
        }
    }

    private void attachFiles(
            TenantSide side, String service, String collection, FileRules rules, Supplier<String> text) {
        String type = rules.contentTypes().getFirst().replace("/*", "/mpeg");
        for (String document :
                side.documents(service, collection).stream().limit(2).toList()) {
            for (TenantSide.Member member : side.members.values()) {
                String name = text.get() + ".bin";
                FuzzResponse response = http.attempt(
                        "POST",
                        "/api/data/" + service + "/" + collection + "/" + document + "/_files?name="
                                + URLEncoder.encode(name, StandardCharsets.UTF_8),
                        Optional.of(member.accessToken()),
                        ("file of " + text.get() + "\n").getBytes(StandardCharsets.UTF_8),
                        Map.of("Content-Type", type));
                if (response.status() == 201) {
                    side.files.add(new TenantSide.StoredFile(
                            service,
                            collection,
                            document,
                            Json.read(new String(response.body(), StandardCharsets.UTF_8))
                                    .path("id")
                                    .asString()));
                    break;
                }
            }
        }
    }

    private void collectCursors(TenantSide side) {
        Optional<String> admin = Optional.of(side.admin().accessToken());
        List<String> listings = new ArrayList<>(List.of(
                "/api/users?limit=1", "/api/members?limit=1", "/api/activity?limit=1", "/api/activity?limit=2"));
        side.documents.forEach((key, ids) -> {
            if (ids.size() > 1) {
                listings.add("/api/data/" + key + "?limit=1");
                listings.add("/api/data/" + key + "?limit=1&sort=-_createdAt");
            }
        });
        for (String listing : listings) {
            JsonNode page = http.expect(200, "GET", listing, admin, Optional.empty());
            String cursor = page.path("nextCursor").asString("");
            if (!cursor.isEmpty()) {
                side.cursors.add(cursor);
            }
        }
    }

    /** A spent refresh token, a revoked session's tokens, and signed URLs of files (genuine ones to alter). */
    private void keepTokens(TenantSide side, String password, Supplier<String> text) {
        TenantSide.Member low = side.members.get("low");
        TenantSide.Member spent = signIn(side, "low", low.email(), low.username(), password, text);
        http.expect(
                200,
                "POST",
                "/api/auth/refresh",
                Optional.empty(),
                Optional.of(Map.of("refreshToken", spent.refreshToken())));
        side.deadRefreshTokens.add(spent.refreshToken());
        TenantSide.Member revoked = signIn(side, "low", low.email(), low.username(), password, text);
        http.expect(
                204,
                "POST",
                "/api/auth/logout",
                Optional.empty(),
                Optional.of(Map.of("refreshToken", revoked.refreshToken())));
        side.deadRefreshTokens.add(revoked.refreshToken());
        side.accessTokens.add(revoked.accessToken());
        side.accessTokens.add(side.admin().accessToken());
        for (TenantSide.StoredFile file : side.files.stream().limit(3).toList()) {
            JsonNode url = http.expect(
                    201,
                    "POST",
                    "/api/data/" + file.service() + "/" + file.collection() + "/" + file.documentId() + "/_files/"
                            + file.fileId() + "/_url?ttl=60",
                    Optional.of(side.admin().accessToken()),
                    Optional.of(Map.of()));
            side.fileUrlTokens.add(url.path("url").asString().substring("/api/files/".length()));
        }
    }
}
