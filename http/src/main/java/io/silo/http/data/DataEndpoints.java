package io.silo.http.data;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.silo.app.document.DataScope;
import io.silo.app.document.Documents;
import io.silo.app.document.Write;
import io.silo.crypto.Ids;
import io.silo.error.ProblemType;
import io.silo.http.auth.Authenticator;
import io.silo.http.server.Actors;
import io.silo.http.server.Endpoints;
import io.silo.postgres.collection.Document;
import io.silo.postgres.collection.Page;
import io.silo.postgres.collection.query.DocumentQuery;
import io.silo.postgres.collection.query.FilterParser;
import io.silo.postgres.collection.query.GroupQuery;
import io.silo.postgres.collection.query.JsonInput;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * The data plane over HTTP: {@code /api/data/{service}/{collection}} and {@code /{id}},
 * {@code _count}, {@code _group}, and {@code /api/data/{service}/_batch}. The caller's token picks
 * the organization; {@link Documents} does the rest. This class only reads requests and writes
 * answers.
 *
 * <p>Thread-safe.
 */
public final class DataEndpoints implements Endpoints {
    static final int MAX_BODY_CHARS = 2 * 1024 * 1024;

    private final Authenticator authenticator;
    private final Documents documents;

    public DataEndpoints(Authenticator authenticator, Documents documents) {
        this.authenticator = authenticator;
        this.documents = documents;
    }

    @Override
    public void register(RoutesConfig routes) {
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

    private void query(Context ctx) {
        DataScope scope = scope(ctx);
        String collection = readable(ctx, scope);
        DocumentQuery.Builder builder = DocumentQuery.builder();
        param(ctx, "filter").ifPresent(builder::filter);
        param(ctx, "sort").ifPresent(builder::sort);
        param(ctx, "limit").ifPresent(builder::limit);
        param(ctx, "cursor").ifPresent(builder::cursor);
        param(ctx, "fields").ifPresent(builder::fields);
        DocumentQuery query = builder.build();
        Page page = documents.query(scope, collection, query);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(
                "items",
                page.items().stream()
                        .map(document -> document.toJson(query.fields()))
                        .toList());
        body.put("nextCursor", page.nextCursor().orElse(null));
        ctx.json(body);
    }

    private void count(Context ctx) {
        DataScope scope = scope(ctx);
        String collection = readable(ctx, scope);
        var filter = FilterParser.parse(param(ctx, "filter").orElse("{}"));
        ctx.json(Map.of("count", documents.count(scope, collection, filter)));
    }

    private void group(Context ctx) {
        DataScope scope = scope(ctx);
        String collection = readable(ctx, scope);
        GroupQuery.Builder builder = GroupQuery.by(param(ctx, "by")
                .orElseThrow(() -> ProblemType.MISSING_FIELD
                        .exception("query parameter 'by' names the field to group by")
                        .with("field", "by")));
        param(ctx, "filter").ifPresent(builder::filter);
        param(ctx, "metric").ifPresent(builder::metric);
        param(ctx, "limit").ifPresent(builder::limit);
        ctx.json(documents.group(scope, collection, builder.build()).toJson());
    }

    private void read(Context ctx) {
        DataScope scope = scope(ctx);
        String collection = readable(ctx, scope);
        UUID id = Ids.parse(ctx.pathParam("id"), "id");
        respond(ctx, 200, documents.get(scope, collection, id));
    }

    private void insert(Context ctx) {
        DataScope scope = scope(ctx);
        String collection = writable(ctx, scope);
        Document document = written(ctx, scope, new Write.Insert(collection, body(ctx)));
        ctx.header("Location", ctx.path() + "/" + document.id());
        respond(ctx, 201, document);
    }

    private void replace(Context ctx) {
        DataScope scope = scope(ctx);
        String collection = writable(ctx, scope);
        UUID id = Ids.parse(ctx.pathParam("id"), "id");
        respond(ctx, 200, written(ctx, scope, new Write.Replace(collection, id, body(ctx), ifMatch(ctx))));
    }

    private void patch(Context ctx) {
        DataScope scope = scope(ctx);
        String collection = writable(ctx, scope);
        UUID id = Ids.parse(ctx.pathParam("id"), "id");
        respond(ctx, 200, written(ctx, scope, new Write.Patch(collection, id, body(ctx), ifMatch(ctx))));
    }

    private void delete(Context ctx) {
        DataScope scope = scope(ctx);
        String collection = writable(ctx, scope);
        UUID id = Ids.parse(ctx.pathParam("id"), "id");
        documents.write(scope, new Write.Delete(collection, id, ifMatch(ctx)), actor(ctx, scope));
        ctx.status(204);
    }

    private void batch(Context ctx) {
        DataScope scope = scope(ctx);
        List<Write> writes = BatchBody.parse(body(ctx), scope);
        List<Map<String, Object>> results = documents.batch(scope, writes, actor(ctx, scope)).stream()
                .map(DataEndpoints::result)
                .toList();
        ctx.json(Map.of("results", results));
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

    private Document written(Context ctx, DataScope scope, Write write) {
        return documents.write(scope, write, actor(ctx, scope)).document().orElseThrow();
    }

    /** The path's collection, checked before anything else of the request is read. */
    private static String readable(Context ctx, DataScope scope) {
        String collection = ctx.pathParam("collection");
        scope.readable(collection);
        return collection;
    }

    private static String writable(Context ctx, DataScope scope) {
        String collection = ctx.pathParam("collection");
        scope.writable(collection);
        return collection;
    }

    private DataScope scope(Context ctx) {
        return documents.scope(authenticator.member(ctx), ctx.pathParam("service"));
    }

    private static io.silo.audit.AuditEntry.Actor actor(Context ctx, DataScope scope) {
        return Actors.of(ctx, scope.member());
    }

    private static void respond(Context ctx, int status, Document document) {
        ctx.header("ETag", "\"" + document.version() + "\"");
        ctx.status(status).json(document.toJson());
    }

    private static JsonNode body(Context ctx) {
        String text = ctx.body();
        if (text.isBlank()) {
            throw ProblemType.MISSING_BODY.exception("request body is required (a JSON document)");
        }
        return JsonInput.read(text, MAX_BODY_CHARS, ProblemType.INVALID_JSON, "request body");
    }

    /** {@code If-Match: "3"} (or {@code W/"3"}) as the version a write expects. */
    private static OptionalLong ifMatch(Context ctx) {
        String header = ctx.header("If-Match");
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

    private static Optional<String> param(Context ctx, String name) {
        String value = ctx.queryParam(name);
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }
}
