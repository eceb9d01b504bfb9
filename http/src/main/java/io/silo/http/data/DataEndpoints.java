package io.silo.http.data;

import io.silo.app.document.Answered;
import io.silo.app.document.DataScope;
import io.silo.app.document.Documents;
import io.silo.app.document.Write;
import io.silo.audit.AuditEntry;
import io.silo.crypto.Ids;
import io.silo.error.ProblemType;
import io.silo.http.auth.Authenticator;
import io.silo.http.server.Actors;
import io.silo.http.server.Endpoints;
import io.silo.http.server.Exchange;
import io.silo.http.server.Routes;
import io.silo.json.Json;
import io.silo.postgres.collection.Document;
import io.silo.postgres.collection.Page;
import io.silo.postgres.collection.query.DocumentQuery;
import io.silo.postgres.collection.query.Filter;
import io.silo.postgres.collection.query.FilterParser;
import io.silo.postgres.collection.query.GroupQuery;
import io.silo.postgres.collection.query.JsonInput;
import io.silo.postgres.idempotency.Answer;
import io.silo.postgres.idempotency.IdempotentRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * The data plane over HTTP: {@code /api/data/{service}/{collection}} and {@code /{id}},
 * {@code _count}, {@code _group}, and {@code /api/data/{service}/_batch}. The caller's token picks
 * the organization; {@link Documents} does the rest. This class only reads requests and writes
 * answers. Every write takes an {@code Idempotency-Key}: then {@link Documents} keeps its answer
 * in the write's transaction, and a retry gets that answer again ({@code docs/api.md}).
 *
 * <p>Thread-safe.
 */
public final class DataEndpoints implements Endpoints {
    static final int MAX_BODY_CHARS = 2 * 1024 * 1024;

    /** Set on an answer given again to a retry with the same {@code Idempotency-Key}, as Stripe does. */
    static final String REPLAYED = "Idempotent-Replayed";

    private final Authenticator authenticator;
    private final Documents documents;

    public DataEndpoints(Authenticator authenticator, Documents documents) {
        this.authenticator = authenticator;
        this.documents = documents;
    }

    @Override
    public void register(Routes routes) {
        routes.post("/api/data/{service}/_batch", this::batch);
        routes.get("/api/data/{service}/{collection}", this::query);
        routes.post("/api/data/{service}/{collection}", this::insert);
        routes.get("/api/data/{service}/{collection}/_count", this::count);
        routes.get("/api/data/{service}/{collection}/_group", this::group);
        routes.get("/api/data/{service}/{collection}/{id}", this::read);
        routes.put("/api/data/{service}/{collection}/{id}", this::replace);
        routes.patch("/api/data/{service}/{collection}/{id}", this::patch);
        routes.delete("/api/data/{service}/{collection}/{id}", this::delete);
    }

    private void query(Exchange exchange) {
        DataScope scope = scope(exchange);
        String collection = readable(exchange, scope);
        DocumentQuery.Builder builder = DocumentQuery.builder();
        exchange.query("filter").ifPresent(builder::filter);
        exchange.query("sort").ifPresent(builder::sort);
        exchange.query("limit").ifPresent(builder::limit);
        exchange.query("cursor").ifPresent(builder::cursor);
        exchange.query("fields").ifPresent(builder::fields);
        DocumentQuery query = builder.build();
        Page page = documents.query(scope, collection, query);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(
                "items",
                page.items().stream()
                        .map(document -> document.toJson(query.fields()))
                        .toList());
        body.put("nextCursor", page.nextCursor().orElse(null));
        exchange.json(body);
    }

    private void count(Exchange exchange) {
        DataScope scope = scope(exchange);
        String collection = readable(exchange, scope);
        var filter = FilterParser.parse(exchange.query("filter").orElse("{}"));
        exchange.json(Map.of("count", documents.count(scope, collection, filter)));
    }

    private void group(Exchange exchange) {
        DataScope scope = scope(exchange);
        String collection = readable(exchange, scope);
        GroupQuery.Builder builder = GroupQuery.by(exchange.query("by")
                .filter(by -> !by.isBlank())
                .orElseThrow(() -> ProblemType.MISSING_FIELD
                        .exception("query parameter 'by' names the fields to group by, such as cashierId,soldAt:day")
                        .with("field", "by")));
        exchange.query("filter").ifPresent(builder::filter);
        exchange.query("metric").ifPresent(builder::metric);
        exchange.query("tz").ifPresent(builder::timeZone);
        exchange.query("order").ifPresent(builder::order);
        exchange.query("limit").ifPresent(builder::limit);
        exchange.json(documents.group(scope, collection, builder.build()).toJson());
    }

    private void read(Exchange exchange) {
        DataScope scope = scope(exchange);
        String collection = readable(exchange, scope);
        UUID id = Ids.parse(exchange.pathParam("id"), "id");
        respond(exchange, 200, documents.get(scope, collection, id));
    }

    private void insert(Exchange exchange) {
        DataScope scope = scope(exchange);
        String collection = writable(exchange, scope);
        String location = exchange.path();
        writeAndAnswer(exchange, scope, new Write.Insert(collection, body(exchange)), result -> {
            Document document = result.document().orElseThrow();
            return documentAnswer(201, document, Map.of("Location", location + "/" + document.id()));
        });
    }

    private void replace(Exchange exchange) {
        change(exchange, Write.Replace::new);
    }

    private void patch(Exchange exchange) {
        change(exchange, Write.Patch::new);
    }

    /** A replace or a patch: the same route shape, answered with the document as changed. */
    private void change(Exchange exchange, Change change) {
        DataScope scope = scope(exchange);
        String collection = writable(exchange, scope);
        UUID id = Ids.parse(exchange.pathParam("id"), "id");
        writeAndAnswer(
                exchange,
                scope,
                change.of(collection, id, body(exchange), ifMatch(exchange), condition(exchange)),
                result -> documentAnswer(200, result.document().orElseThrow(), Map.of()));
    }

    /** Makes the write of a replace or a patch. */
    @FunctionalInterface
    private interface Change {
        Write of(String collection, UUID id, JsonNode body, OptionalLong expectedVersion, Optional<Filter> condition);
    }

    /** The {@code if} parameter: a filter the document must match for the write to happen. */
    private static Optional<Filter> condition(Exchange exchange) {
        return exchange.query("if").map(FilterParser::parse);
    }

    private void delete(Exchange exchange) {
        DataScope scope = scope(exchange);
        String collection = writable(exchange, scope);
        UUID id = Ids.parse(exchange.pathParam("id"), "id");
        writeAndAnswer(
                exchange,
                scope,
                new Write.Delete(collection, id, ifMatch(exchange), condition(exchange)),
                result -> new Answer(204, Map.of(), Optional.empty()));
    }

    private void batch(Exchange exchange) {
        DataScope scope = scope(exchange);
        List<Write> writes = BatchBody.parse(body(exchange), scope);
        Function<List<Write.Result>, Answer> render = results -> new Answer(
                200,
                Map.of(),
                Optional.of(Json.write(Map.of(
                        "results", results.stream().map(DataEndpoints::result).toList()))));
        Optional<IdempotentRequest> keyed = idempotent(exchange);
        send(
                exchange,
                keyed.isPresent()
                        ? documents.batch(scope, writes, actor(exchange, scope), keyed.get(), render)
                        : new Answered(render.apply(documents.batch(scope, writes, actor(exchange, scope))), false));
    }

    /**
     * Makes a single write and answers it as {@code render} says; with an {@code Idempotency-Key},
     * once: a retry gets the first answer again.
     */
    private void writeAndAnswer(
            Exchange exchange, DataScope scope, Write write, Function<Write.Result, Answer> render) {
        Optional<IdempotentRequest> keyed = idempotent(exchange);
        AuditEntry.Actor actor = actor(exchange, scope);
        send(
                exchange,
                keyed.isPresent()
                        ? documents.write(scope, write, actor, keyed.get(), render)
                        : new Answered(render.apply(documents.write(scope, write, actor)), false));
    }

    /**
     * The request's idempotency key, with what makes the request this one: method, path, condition,
     * expected version and body, exactly as sent. Absent: no key, and the write runs as it always did.
     */
    private static Optional<IdempotentRequest> idempotent(Exchange exchange) {
        String key = exchange.header(IdempotentRequest.HEADER);
        if (key == null) {
            return Optional.empty();
        }
        return Optional.of(IdempotentRequest.of(
                key,
                List.of(
                        exchange.method(),
                        exchange.path(),
                        exchange.query("if").orElse(""),
                        Objects.requireNonNullElse(exchange.header("If-Match"), ""),
                        exchange.body())));
    }

    private static void send(Exchange exchange, Answered answered) {
        Answer answer = answered.answer();
        answer.headers().forEach(exchange::header);
        if (answered.replayed()) {
            exchange.header(REPLAYED, "true");
        }
        exchange.status(answer.status());
        answer.body().ifPresent(exchange::jsonText);
    }

    /** A document as a write answers it: its version as the {@code ETag}, its JSON as the body. */
    private static Answer documentAnswer(int status, Document document, Map<String, String> headers) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("ETag", "\"" + document.version() + "\"");
        return new Answer(status, all, Optional.of(document.json()));
    }

    private static Map<String, Object> result(Write.Result result) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("op", result.write().op());
        result.document()
                .ifPresentOrElse(
                        document -> out.put("document", document.toJson()),
                        () -> out.put("id", result.id().toString()));
        return out;
    }

    /** The path's collection, checked before anything else of the request is read. */
    private static String readable(Exchange exchange, DataScope scope) {
        String collection = exchange.pathParam("collection");
        scope.readable(collection);
        return collection;
    }

    private static String writable(Exchange exchange, DataScope scope) {
        String collection = exchange.pathParam("collection");
        scope.writable(collection);
        return collection;
    }

    private DataScope scope(Exchange exchange) {
        return documents.scope(authenticator.member(exchange), exchange.pathParam("service"));
    }

    private static AuditEntry.Actor actor(Exchange exchange, DataScope scope) {
        return Actors.of(exchange, scope.member());
    }

    private static void respond(Exchange exchange, int status, Document document) {
        exchange.header("ETag", "\"" + document.version() + "\"");
        exchange.status(status).jsonText(document.json());
    }

    private static JsonNode body(Exchange exchange) {
        String text = exchange.body();
        if (text.isBlank()) {
            throw ProblemType.MISSING_BODY.exception("request body is required (a JSON document)");
        }
        return JsonInput.read(text, MAX_BODY_CHARS, ProblemType.INVALID_JSON, "request body");
    }

    /** {@code If-Match: "3"} (or {@code W/"3"}) as the version a write expects. */
    private static OptionalLong ifMatch(Exchange exchange) {
        String header = exchange.header("If-Match");
        if (header == null || header.isBlank() || header.trim().equals("*")) {
            return OptionalLong.empty();
        }
        String value = header.trim().replaceFirst("^W/", "").replace("\"", "");
        try {
            return OptionalLong.of(Long.parseLong(value));
        } catch (NumberFormatException e) {
            throw ProblemType.INVALID_VERSION
                    .exception("If-Match must be a document version such as \"3\"")
                    .with("field", "If-Match");
        }
    }
}
