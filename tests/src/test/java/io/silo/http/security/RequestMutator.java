package io.silo.http.security;

import io.silo.json.Json;
import io.silo.template.CollectionSpec;
import io.silo.template.ServiceTemplate;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What route generators build requests from. Every value is drawn at random: most are well formed
 * and tenant A's own, or aimed at tenant B (B's document, user and file ids, its slug, service and
 * database names, its cursors, tokens and signed URLs), altered (a digit changed, a payload
 * swapped), expired, forged, or plain hostile (injection in names, operators that do not exist).
 * Canaries of B are used only as guesses in reads (filters, searches), never written into A's data.
 *
 * <p>The request builders pick the caller: one of A's members, nobody, or a forged credential.
 *
 * <p>Not thread-safe: one per fuzzing run, drawing from one seeded {@link Random}.
 */
final class RequestMutator {
    private static final List<String> HOSTILE_NAMES = List.of(
            "..",
            "%2e%2e",
            "..%2F..%2Fcore",
            "pg_catalog",
            "information_schema",
            "silo",
            "silo_activity",
            "silo_files",
            "silo_file_chunks",
            "silo_idempotency",
            "silo_sequences",
            "silo_schema",
            "users",
            "memberships",
            "outbox",
            "x%27%3B%20DROP%20TABLE%20users%3B--",
            "a%00b",
            "BILLING",
            "%E2%80%AEbilling",
            "x".repeat(300));
    private static final List<String> HOSTILE_IDS = List.of(
            "1%20OR%201%3D1",
            "%27%20OR%20%27%27%3D%27",
            "00000000-0000-0000-0000-000000000000",
            "ffffffff-ffff-ffff-ffff-ffffffffffff",
            "not-a-uuid",
            "..%2F..",
            "%00",
            "0193abcd-0000-7000-8000-00000000000",
            "%7Bid%7D");
    private static final List<String> HOSTILE_FIELDS = List.of(
            "doc->>'number'",
            "number'); DROP TABLE invoices; --",
            "$where",
            "a..b",
            "_secret",
            "__proto__",
            "a.b.c.d.e.f.g.h.i",
            "",
            "pin",
            "appraisal",
            "cost",
            "password_hash",
            "x".repeat(70));
    private static final List<String> OPERATORS = List.of(
            "$eq",
            "$ne",
            "$gt",
            "$gte",
            "$lt",
            "$lte",
            "$in",
            "$nin",
            "$exists",
            "$contains",
            "$not",
            "$regex",
            "$where",
            "$elemMatch",
            "$expr");
    private static final List<String> UPDATE_OPERATORS =
            List.of("$set", "$unset", "$inc", "$push", "$addToSet", "$pull", "$rename", "$min", "$currentDate");

    private final Random random;
    private final FuzzWorld world;
    private final Forgery forgery;
    private String route = "";

    RequestMutator(Random random, FuzzWorld world, Forgery forgery) {
        this.random = random;
        this.world = world;
        this.forgery = forgery;
    }

    /** The route the next request is for; set by the fuzzer before it asks a generator. */
    void route(String key) {
        this.route = key;
    }

    // ---- requests -------------------------------------------------------------------------------

    FuzzRequest get(String path) {
        return request("GET", path, Map.of(), Optional.empty());
    }

    FuzzRequest delete(String path) {
        return request("DELETE", path, writeHeaders(), Optional.empty());
    }

    FuzzRequest post(String path, Object body) {
        return json("POST", path, body);
    }

    FuzzRequest put(String path, Object body) {
        return json("PUT", path, body);
    }

    FuzzRequest patch(String path, Object body) {
        return json("PATCH", path, body);
    }

    /** A raw body of any type: a file to upload, say. */
    FuzzRequest upload(String path, String contentType, byte[] bytes) {
        Map<String, String> headers = new LinkedHashMap<>(writeHeaders());
        headers.put("Content-Type", contentType);
        return request("POST", path, headers, Optional.of(bytes));
    }

    private FuzzRequest json(String method, String path, Object body) {
        Map<String, String> headers = new LinkedHashMap<>(writeHeaders());
        String text = body instanceof String raw ? raw : Json.write(body);
        int roll = random.nextInt(100);
        if (roll < 4) {
            text = text.substring(0, text.length() / 2);
        } else if (roll < 6) {
            text = "{\"a\":1,\"a\":2}";
        }
        headers.put("Content-Type", roll == 7 ? "text/plain" : "application/json");
        return request(method, path, headers, Optional.of(text.getBytes(StandardCharsets.UTF_8)));
    }

    private FuzzRequest request(String method, String path, Map<String, String> headers, Optional<byte[]> body) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        if (random.nextInt(10) == 0) {
            all.put("Origin", pick(List.of(world.beta().corsOrigin, "https://evil.example", "null")));
        }
        return new FuzzRequest(route, method, path, all, body, caller());
    }

    private Map<String, String> writeHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        int roll = random.nextInt(20);
        if (roll < 3) {
            headers.put(
                    "Idempotency-Key",
                    pick(List.of(
                            world.beta().idempotencyKey, world.alpha().idempotencyKey, "k-" + random.nextInt(50))));
        } else if (roll < 5) {
            headers.put("If-Match", pick(List.of("\"1\"", "\"2\"", "*", "\"x\"", "W/\"1\"")));
        }
        return headers;
    }

    /** A caller of A: mostly a member, sometimes nobody or a credential that must not work. */
    Caller caller() {
        int roll = random.nextInt(100);
        List<Caller> callers = world.callers();
        List<Caller> members = callers.stream()
                .filter(caller -> caller.kind() == Caller.Kind.MEMBER)
                .toList();
        if (roll < 70) {
            return pick(members);
        }
        if (roll < 80) {
            return Caller.anonymous();
        }
        return pick(callers.stream()
                .filter(caller -> caller.kind() == Caller.Kind.FORGED)
                .toList());
    }

    // ---- names ----------------------------------------------------------------------------------

    /** A service: mostly A's (core included), else B's only one, B's database or slug, or a hostile name. */
    String service() {
        int roll = random.nextInt(100);
        if (roll < 85) {
            List<String> services = new ArrayList<>(world.alpha().services);
            services.add(ServiceTemplate.CORE);
            return pick(services);
        }
        if (roll < 90) {
            return "crm";
        }
        if (roll < 95) {
            return pick(List.of(
                    pick(List.copyOf(world.beta().databases.values())),
                    world.beta().slug,
                    "core_" + world.beta().slug.replace('-', '_')));
        }
        return pick(HOSTILE_NAMES);
    }

    /** A collection of {@code service} mostly; else another service's, or a hostile name. */
    String collection(String service) {
        Optional<ServiceTemplate> template = world.templates().find(service);
        int roll = random.nextInt(100);
        if (template.isPresent() && roll < 88) {
            return pick(List.copyOf(template.get().collections().keySet()));
        }
        if (roll < 94) {
            ServiceTemplate other = pick(world.templates().all());
            return other.collections().isEmpty()
                    ? "x"
                    : pick(List.copyOf(other.collections().keySet()));
        }
        return pick(HOSTILE_NAMES);
    }

    /** {@code /api/data/{service}/{collection}} */
    String collectionPath() {
        String service = service();
        return "/api/data/" + service + "/" + collection(service);
    }

    /** {@code /api/data/{service}/{collection}/{id}}, the id chosen for that collection. */
    String documentPath() {
        String service = service();
        String collection = collection(service);
        return "/api/data/" + service + "/" + collection + "/" + documentId(service, collection);
    }

    /** The path of a file: A's own, B's, or one side's document with the other's file. */
    String filePath() {
        int roll = random.nextInt(100);
        TenantSide.StoredFile own = pickFile(world.alpha());
        TenantSide.StoredFile theirs = pickFile(world.beta());
        if (roll < 40) {
            return path(own, own.fileId());
        }
        if (roll < 60) {
            return path(theirs, theirs.fileId());
        }
        if (roll < 75) {
            return path(own, theirs.fileId());
        }
        if (roll < 85) {
            return path(theirs, own.fileId());
        }
        return documentPath() + "/_files/" + fileId();
    }

    /** The path of the files of a document: mostly one of A's that take files, or B's. */
    String filesOfDocument() {
        int roll = random.nextInt(100);
        if (roll < 50) {
            TenantSide.StoredFile own = pickFile(world.alpha());
            return "/api/data/" + own.service() + "/" + own.collection() + "/"
                    + (random.nextInt(4) == 0 ? documentId(own.service(), own.collection()) : own.documentId())
                    + "/_files";
        }
        if (roll < 70) {
            TenantSide.StoredFile theirs = pickFile(world.beta());
            return "/api/data/" + theirs.service() + "/" + theirs.collection() + "/" + theirs.documentId() + "/_files";
        }
        return documentPath() + "/_files";
    }

    private static String path(TenantSide.StoredFile document, String fileId) {
        return "/api/data/" + document.service() + "/" + document.collection() + "/" + document.documentId()
                + "/_files/" + fileId;
    }

    private TenantSide.StoredFile pickFile(TenantSide side) {
        return pick(side.files);
    }

    /** A document id for {@code collection}: A's, B's of that or another collection, altered, random or hostile. */
    String documentId(String service, String collection) {
        int roll = random.nextInt(100);
        List<String> own = world.alpha().documents(service, collection);
        List<String> theirs = world.beta().documents(service, collection);
        if (roll < 35 && !own.isEmpty()) {
            return pick(own);
        }
        if (roll < 65 && !theirs.isEmpty()) {
            return pick(theirs);
        }
        if (roll < 75) {
            return anyBetaDocument();
        }
        if (roll < 82) {
            return altered(anyBetaDocument());
        }
        if (roll < 87) {
            return pick(world.beta().members.values().stream()
                    .map(TenantSide.Member::id)
                    .toList());
        }
        if (roll < 92) {
            return UUID.randomUUID().toString();
        }
        return pick(HOSTILE_IDS);
    }

    String anyBetaDocument() {
        return pick(pick(List.copyOf(world.beta().documents.values())));
    }

    /** A file id: A's, B's, random or hostile. */
    String fileId() {
        int roll = random.nextInt(100);
        if (roll < 30) {
            return pickFile(world.alpha()).fileId();
        }
        if (roll < 70) {
            return pickFile(world.beta()).fileId();
        }
        if (roll < 80) {
            return altered(pickFile(world.beta()).fileId());
        }
        if (roll < 90) {
            return UUID.randomUUID().toString();
        }
        return pick(HOSTILE_IDS);
    }

    /** A user id to read: A's members, B's, random or hostile. */
    String userId() {
        int roll = random.nextInt(100);
        if (roll < 35) {
            return pick(world.alpha().members.values().stream()
                    .map(TenantSide.Member::id)
                    .toList());
        }
        return userIdToChange();
    }

    /** A user id to change or delete: never one of A's callers, whose sessions the fuzz needs. */
    String userIdToChange() {
        int roll = random.nextInt(100);
        if (roll < 30) {
            return pick(world.alpha().spareUsers);
        }
        if (roll < 70) {
            return pick(world.beta().members.values().stream()
                    .map(TenantSide.Member::id)
                    .toList());
        }
        if (roll < 80) {
            return pick(world.beta().spareUsers);
        }
        if (roll < 90) {
            return UUID.randomUUID().toString();
        }
        return pick(HOSTILE_IDS);
    }

    /** An organization, as id or slug: B's, A's, or another. */
    String organization() {
        return pick(List.of(
                world.beta().slug,
                world.beta().id,
                world.alpha().slug,
                world.alpha().id,
                altered(world.beta().id),
                "x%27%20OR%201%3D1",
                UUID.randomUUID().toString()));
    }

    /** A job id: B's provisioning job, A's, random or hostile. */
    String jobId() {
        return pick(List.of(
                world.beta().jobId, world.alpha().jobId, UUID.randomUUID().toString(), "1%20OR%201"));
    }

    /** A login name or search text: B's emails and user names, A's, canaries as guesses, hostile text. */
    String loginName() {
        List<String> names = new ArrayList<>();
        world.beta().members.values().forEach(member -> {
            names.add(member.email());
            names.add(member.username());
        });
        world.alpha().members.values().forEach(member -> names.add(member.email()));
        names.addAll(List.of("' OR 1=1 --", "%", "_", "\\", "admin", "a".repeat(300)));
        return pick(names);
    }

    /** A guess at B's content: one of its canaries; use only in reads. */
    String guess() {
        return pick(world.betaCanaries());
    }

    // ---- query parameters -----------------------------------------------------------------------

    /** A cursor: A's, B's, altered, forged or hostile. */
    String cursor() {
        int roll = random.nextInt(100);
        if (roll < 25 && !world.alpha().cursors.isEmpty()) {
            return pick(world.alpha().cursors);
        }
        if (roll < 60 && !world.beta().cursors.isEmpty()) {
            return pick(world.beta().cursors);
        }
        if (roll < 80 && !world.beta().cursors.isEmpty()) {
            return alteredCursor(pick(world.beta().cursors));
        }
        return pick(List.of(
                base64("{\"v\":1,\"k\":[\"" + anyBetaDocument() + "\"]}"),
                base64("2026-01-01T00:00:00Z|" + anyBetaDocument()),
                base64("' OR 1=1 --|x"),
                "!!!",
                ""));
    }

    private String alteredCursor(String cursor) {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            String bent = decoded.replaceFirst("[0-9a-f]{8}-", pick(List.of("00000000-", "' OR '1'='1", "ffffffff-")));
            return base64(bent.equals(decoded) ? decoded + "x" : bent);
        } catch (IllegalArgumentException notBase64) {
            return cursor + "x";
        }
    }

    /** Query parameter value, encoded. */
    static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String base64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Parameters of a listing of documents of {@code path}'s collection. */
    String listing(String path) {
        Optional<CollectionSpec> spec = spec(path);
        List<String> parameters = new ArrayList<>();
        if (random.nextBoolean()) {
            parameters.add("filter=" + q(filter(spec, true)));
        }
        if (random.nextInt(3) == 0) {
            parameters.add("sort=" + q(sort(spec)));
        }
        if (random.nextInt(3) == 0) {
            parameters.add("fields=" + q(field(spec) + (random.nextBoolean() ? "," + field(spec) : "")));
        }
        if (random.nextInt(4) == 0) {
            parameters.add("cursor=" + q(cursor()));
        }
        if (random.nextInt(4) == 0) {
            parameters.add("limit=" + pick(List.of("1", "1000", "0", "-1", "abc", "1001")));
        }
        return String.join("&", parameters);
    }

    /** Parameters of a grouping of {@code path}'s collection. */
    String grouping(String path) {
        Optional<CollectionSpec> spec = spec(path);
        List<String> parameters = new ArrayList<>();
        String by = field(spec) + pick(List.of("", "", ":day", ":week", ":month", ":year", ":hour"));
        if (random.nextBoolean()) {
            by += "," + pick(List.of("_createdAt:day", "_updatedAt:month", field(spec)));
        }
        parameters.add("by=" + q(by));
        if (random.nextBoolean()) {
            parameters.add("metric=" + q(field(spec)));
        }
        if (random.nextInt(3) == 0) {
            parameters.add("tz=" + q(pick(List.of("Europe/Berlin", "UTC", "+02:00", "UTC'; --", "Mars/Olympus"))));
        }
        if (random.nextInt(3) == 0) {
            parameters.add("order=" + pick(List.of("count", "keys", "x")));
        }
        if (random.nextBoolean()) {
            parameters.add("filter=" + q(filter(spec, true)));
        }
        if (random.nextInt(4) == 0) {
            parameters.add("limit=" + pick(List.of("1", "1000", "0", "x")));
        }
        return String.join("&", parameters);
    }

    /** The collection a data path names, when it is a real one. */
    Optional<CollectionSpec> spec(String path) {
        String[] parts = path.split("[/?]");
        if (parts.length < 5) {
            return Optional.empty();
        }
        return world.templates().find(parts[3]).flatMap(template -> template.collection(parts[4]));
    }

    /** A field of the collection, a meta field, a hidden or private one, a nested one, or a hostile name. */
    String field(Optional<CollectionSpec> spec) {
        int roll = random.nextInt(100);
        List<String> declared = spec.flatMap(CollectionSpec::schema)
                .map(schema -> List.copyOf(schema.path("properties").propertyNames()))
                .orElse(List.of());
        if (roll < 70 && !declared.isEmpty()) {
            return pick(declared);
        }
        if (roll < 85) {
            return pick(List.of(
                    "_id",
                    "_createdAt",
                    "_updatedAt",
                    "_version",
                    "_tenant",
                    "contents.summary",
                    "customer.name",
                    "nested.note",
                    "name"));
        }
        return pick(HOSTILE_FIELDS);
    }

    /** A sort: fields with directions, hidden ones, or hostile keys. */
    String sort(Optional<CollectionSpec> spec) {
        int keys = 1 + random.nextInt(3);
        List<String> sort = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
            sort.add(pick(List.of("", "-", "+")) + field(spec));
        }
        return String.join(",", sort);
    }

    /** A filter as text; {@code guesses} allows B's canaries as values (reads only). */
    String filter(Optional<CollectionSpec> spec, boolean guesses) {
        int roll = random.nextInt(100);
        if (roll < 4) {
            return pick(List.of("not json", "[1,2]", "{\"a\":1} OR 1=1", "{", "null", "{\"$and\":[]}"));
        }
        return Json.write(filterNode(spec, guesses, 0));
    }

    /** A write's condition ({@code ?if=}, a batch's {@code if}): a filter without guesses at B's content. */
    String condition(Optional<CollectionSpec> spec) {
        return filter(spec, false);
    }

    private ObjectNode filterNode(Optional<CollectionSpec> spec, boolean guesses, int depth) {
        ObjectNode filter = Json.object();
        int terms = 1 + random.nextInt(2);
        for (int i = 0; i < terms; i++) {
            int roll = random.nextInt(100);
            if (roll < 12 && depth < 3) {
                ArrayNode branches = filter.putArray(pick(List.of("$or", "$and", "$nor", "$xor")));
                branches.add(filterNode(spec, guesses, depth + 1));
                branches.add(filterNode(spec, guesses, depth + 1));
            } else if (roll < 18 && depth < 3) {
                filter.set("$not", filterNode(spec, guesses, depth + 1));
            } else if (roll < 55) {
                filter.set(field(spec), value(guesses));
            } else {
                ObjectNode operators = filter.putObject(field(spec));
                String operator = pick(OPERATORS);
                operators.set(
                        operator,
                        switch (operator) {
                            case "$in", "$nin" ->
                                Json.mapper()
                                        .createArrayNode()
                                        .add(value(guesses))
                                        .add(value(guesses));
                            case "$exists" -> Json.tree(random.nextBoolean());
                            case "$not" -> Json.object().set("$gt", value(guesses));
                            default -> value(guesses);
                        });
            }
        }
        return filter;
    }

    /** A value to compare or write: B's ids, A's values, numbers, odd types; B's canaries only with {@code guesses}. */
    JsonNode value(boolean guesses) {
        int roll = random.nextInt(100);
        if (roll < 15 && guesses) {
            return Json.tree(guess());
        }
        if (roll < 30) {
            return Json.tree(anyBetaDocument());
        }
        if (roll < 40) {
            return Json.tree(pick(world.beta().members.values().stream()
                    .map(TenantSide.Member::id)
                    .toList()));
        }
        if (roll < 50) {
            return Json.tree("alpha-value-" + random.nextInt(40));
        }
        return switch (random.nextInt(8)) {
            case 0 -> Json.tree(random.nextInt(1000) - 10);
            case 1 -> Json.tree(new java.math.BigDecimal("0.1"));
            case 2 -> Json.tree(true);
            case 3 -> Json.mapper().nullNode();
            case 4 -> Json.mapper().createArrayNode().add("a").add(1);
            case 5 -> Json.object().put("$gt", 1);
            case 6 -> Json.tree("2026-12-06T10:00:00Z");
            default -> Json.tree("' OR 1=1 --");
        };
    }

    // ---- bodies ---------------------------------------------------------------------------------

    /** A document for {@code path}'s collection: valid for A, then perhaps bent (B's ids as references, hidden fields). */
    ObjectNode document(String path) {
        Optional<CollectionSpec> spec = spec(path);
        int[] counter = {0};
        Supplier<String> text = () -> "alpha-fuzz-" + random.nextInt(100_000) + "-" + ++counter[0];
        ObjectNode document = spec.flatMap(collection -> new DocumentFactory(
                                text,
                                target -> Optional.of(
                                        random.nextInt(3) == 0
                                                ? anyBetaDocument()
                                                : target.equals(CollectionSpec.USERS)
                                                        ? pick(world.alpha().members.values().stream()
                                                                .map(TenantSide.Member::id)
                                                                .toList())
                                                        : world.alpha()
                                                                .anyDocument(target)
                                                                .orElse(anyBetaDocument())))
                        .document(collection))
                .orElseGet(() -> Json.object().put("name", text.get()));
        int changes = random.nextInt(3);
        for (int i = 0; i < changes; i++) {
            int roll = random.nextInt(100);
            if (roll < 40) {
                document.set(field(spec), value(false));
            } else if (roll < 55) {
                document.put(
                        "_id", pick(List.of(anyBetaDocument(), UUID.randomUUID().toString(), "x")));
            } else if (roll < 65) {
                document.put("_version", random.nextInt(3));
            } else if (roll < 75) {
                document.putObject("nested").put("$where", "1");
            } else if (roll < 85) {
                document.put("a.b", 1);
            } else if (!document.isEmpty()) {
                document.remove(pick(List.copyOf(document.propertyNames())));
            }
        }
        return document;
    }

    /** A change: a merge patch, or update operators, some on hidden or unknown fields. */
    ObjectNode change(String path) {
        Optional<CollectionSpec> spec = spec(path);
        if (random.nextBoolean()) {
            ObjectNode patch = Json.object();
            patch.set(field(spec), value(false));
            if (random.nextInt(4) == 0) {
                patch.put("_version", random.nextInt(4));
            }
            return patch;
        }
        ObjectNode operators = Json.object();
        int count = 1 + random.nextInt(2);
        for (int i = 0; i < count; i++) {
            String operator = pick(UPDATE_OPERATORS);
            ObjectNode fields =
                    operators.has(operator) ? (ObjectNode) operators.get(operator) : operators.putObject(operator);
            JsonNode operand = operator.equals("$inc")
                    ? Json.tree(random.nextInt(5) - 2)
                    : operator.equals("$push") && random.nextBoolean()
                            ? Json.object()
                                    .set(
                                            "$each",
                                            Json.mapper().createArrayNode().add(value(false)))
                            : value(false);
            fields.set(field(spec), operand);
        }
        return operators;
    }

    /** A batch for {@code service}: inserts, changes and deletes, aimed at A's, B's and other collections' ids. */
    ObjectNode batch(String service) {
        ObjectNode batch = Json.object();
        ArrayNode operations = batch.putArray("operations");
        int count = random.nextInt(10) == 0 ? random.nextInt(3) * 60 : 1 + random.nextInt(4);
        for (int i = 0; i < count; i++) {
            String collection = collection(service);
            String path = "/api/data/" + service + "/" + collection;
            String op = pick(List.of("insert", "replace", "patch", "delete", "upsert", "drop"));
            ObjectNode operation = operations.addObject().put("op", op).put("collection", collection);
            if (!op.equals("insert") || random.nextInt(5) == 0) {
                operation.put("id", documentId(service, collection));
            }
            if (!op.equals("delete")) {
                operation.set("body", op.equals("patch") ? change(path) : document(path));
            }
            if (random.nextInt(4) == 0) {
                operation.set("if", filterNode(spec(path), false, 0));
            }
            if (random.nextInt(6) == 0) {
                operation.put("version", random.nextInt(4));
            }
        }
        return batch;
    }

    // ---- credentials ----------------------------------------------------------------------------

    /** A refresh token: B's spent or revoked, A's spent, altered, or nonsense; never a live one of B. */
    String refreshToken() {
        List<String> dead = new ArrayList<>(world.beta().deadRefreshTokens);
        dead.addAll(world.alpha().deadRefreshTokens);
        int roll = random.nextInt(100);
        if (roll < 60) {
            return pick(dead);
        }
        if (roll < 80) {
            return altered(pick(dead));
        }
        return pick(List.of("", "x", pick(world.beta().accessTokens), "' OR 1=1 --", "a".repeat(2000)));
    }

    /** A signed file URL token: A's genuine one, B's altered or expired, or one forged. */
    String fileUrlToken() {
        int roll = random.nextInt(100);
        if (roll < 25 && !world.alpha().fileUrlTokens.isEmpty()) {
            return pick(world.alpha().fileUrlTokens);
        }
        if (roll < 45) {
            return pick(world.beta().fileUrlTokens);
        }
        if (roll < 85) {
            return forgery.bentFileUrl(pick(world.beta().fileUrlTokens), world.alpha(), pickFile(world.alpha()));
        }
        return pick(List.of("x", "a.b.c", pick(world.beta().accessTokens), "..%2F..%2Fapi%2Fusers"));
    }

    /** Changes one character of {@code text}, keeping its shape: an id that names nothing, a token that fails. */
    String altered(String text) {
        if (text.isEmpty()) {
            return "0";
        }
        char[] chars = text.toCharArray();
        int at = random.nextInt(chars.length);
        char old = chars[at];
        chars[at] = Character.isDigit(old) ? (char) ('0' + (old - '0' + 1) % 10) : old == 'a' ? 'b' : 'a';
        return new String(chars).toLowerCase(Locale.ROOT).equals(text.toLowerCase(Locale.ROOT))
                ? text + "0"
                : new String(chars);
    }

    // ---- randomness -----------------------------------------------------------------------------

    <T> T pick(List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }

    boolean chance(int percent) {
        return random.nextInt(100) < percent;
    }

    FuzzWorld world() {
        return world;
    }
}
