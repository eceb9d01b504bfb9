package io.silo.server.data;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.silo.error.SiloException;
import io.silo.postgres.activity.ActivityEntry;
import io.silo.postgres.activity.ActivityLog;
import io.silo.postgres.collection.Document;
import io.silo.postgres.collection.DocumentStore;
import io.silo.postgres.collection.Page;
import io.silo.postgres.collection.query.DocumentQuery;
import io.silo.postgres.collection.query.FilterParser;
import io.silo.postgres.collection.query.GroupQuery;
import io.silo.postgres.collection.query.JsonInput;
import io.silo.postgres.jdbc.DataAccessException;
import io.silo.postgres.jdbc.Handle;
import io.silo.postgres.routing.TenantConnections;
import io.silo.server.auth.Authenticator;
import io.silo.server.auth.Principal;
import io.silo.server.auth.TenantGate;
import io.silo.server.authz.Access;
import io.silo.server.http.Endpoints;
import io.silo.server.http.RequestIds;
import io.silo.template.CollectionSpec;
import io.silo.template.TemplateCatalog;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * The data plane: {@code /api/data/{service}/{collection}} and {@code /{id}}, {@code _count},
 * {@code _group}, and {@code /api/data/{service}/_batch}. The caller's token picks the
 * organization; the service and collection are checked against the templates and the caller's
 * role before any SQL runs; the work runs on that organization's database as its own role, and
 * every write is logged in the same transaction.
 *
 * <p>Thread-safe.
 */
public final class DataEndpoints implements Endpoints {
    static final int MAX_BODY_CHARS = 2 * 1024 * 1024;

    private final Authenticator authenticator;
    private final TenantGate gate;
    private final TemplateCatalog templates;
    private final TenantConnections connections;
    private final DocumentStore documents;
    private final ActivityLog activity;
    private final Access access;

    public DataEndpoints(
            Authenticator authenticator,
            TenantGate gate,
            TemplateCatalog templates,
            TenantConnections connections,
            DocumentStore documents,
            ActivityLog activity,
            Access access) {
        this.authenticator = authenticator;
        this.gate = gate;
        this.templates = templates;
        this.connections = connections;
        this.documents = documents;
        this.activity = activity;
        this.access = access;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/api/data/{service}/_batch", ctx -> new Batch(this, scope(ctx), ctx).run());
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
        CollectionSpec spec = scope.readable(ctx.pathParam("collection"));
        DocumentQuery.Builder builder = DocumentQuery.builder();
        param(ctx, "filter").ifPresent(builder::filter);
        param(ctx, "sort").ifPresent(builder::sort);
        param(ctx, "limit").ifPresent(builder::limit);
        param(ctx, "cursor").ifPresent(builder::cursor);
        param(ctx, "fields").ifPresent(builder::fields);
        DocumentQuery query = builder.build();
        Page page = readPage(scope, handle -> documents.query(handle.connection(), spec, query));
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
        CollectionSpec spec = scope.readable(ctx.pathParam("collection"));
        var filter = param(ctx, "filter").map(FilterParser::parse).orElseGet(() -> FilterParser.parse("{}"));
        long count = read(scope, handle -> documents.count(handle.connection(), spec, filter));
        ctx.json(Map.of("count", count));
    }

    private void group(Context ctx) {
        DataScope scope = scope(ctx);
        CollectionSpec spec = scope.readable(ctx.pathParam("collection"));
        GroupQuery.Builder builder = GroupQuery.by(param(ctx, "by")
                .orElseThrow(
                        () -> SiloException.invalid("missing-field", "query parameter 'by' names the field to group by")
                                .with("field", "by")));
        param(ctx, "filter").ifPresent(builder::filter);
        param(ctx, "metric").ifPresent(builder::metric);
        param(ctx, "limit").ifPresent(builder::limit);
        GroupQuery query = builder.build();
        ctx.json(read(scope, handle -> documents.group(handle.connection(), spec, query))
                .toJson());
    }

    private void read(Context ctx) {
        DataScope scope = scope(ctx);
        CollectionSpec spec = scope.readable(ctx.pathParam("collection"));
        UUID id = Document.parseId(ctx.pathParam("id"));
        Document document = read(scope, handle -> documents.get(handle.connection(), spec, id));
        respond(ctx, 200, document);
    }

    private void insert(Context ctx) {
        DataScope scope = scope(ctx);
        CollectionSpec spec = scope.writable(ctx.pathParam("collection"));
        JsonNode body = body(ctx);
        Document document = write(scope, handle -> {
            Document inserted = documents.insert(handle.connection(), spec, body);
            log(handle, scope, ctx, "document.insert", spec, inserted);
            return inserted;
        });
        ctx.header("Location", ctx.path() + "/" + document.id());
        respond(ctx, 201, document);
    }

    private void replace(Context ctx) {
        change(
                ctx,
                "document.replace",
                (connection, spec, id, body) -> documents.replace(connection, spec, id, body, ifMatch(ctx)));
    }

    private void patch(Context ctx) {
        change(
                ctx,
                "document.patch",
                (connection, spec, id, body) -> documents.patch(connection, spec, id, body, ifMatch(ctx)));
    }

    /** A write to one existing document, logged in its transaction. */
    @FunctionalInterface
    private interface Change {
        Document apply(java.sql.Connection connection, CollectionSpec spec, UUID id, JsonNode body);
    }

    private void change(Context ctx, String action, Change change) {
        DataScope scope = scope(ctx);
        CollectionSpec spec = scope.writable(ctx.pathParam("collection"));
        UUID id = Document.parseId(ctx.pathParam("id"));
        JsonNode body = body(ctx);
        Document document = write(scope, handle -> {
            Document changed = change.apply(handle.connection(), spec, id, body);
            log(handle, scope, ctx, action, spec, changed);
            return changed;
        });
        respond(ctx, 200, document);
    }

    private void delete(Context ctx) {
        DataScope scope = scope(ctx);
        CollectionSpec spec = scope.writable(ctx.pathParam("collection"));
        UUID id = Document.parseId(ctx.pathParam("id"));
        write(scope, handle -> {
            documents.delete(handle.connection(), spec, id, ifMatch(ctx));
            activityRecord(handle, scope, ctx, "document.delete", spec.name(), id);
            return null;
        });
        ctx.status(204);
    }

    DataScope scope(Context ctx) {
        Principal.Member member = authenticator.member(ctx);
        return DataScope.of(member, gate.admit(member), templates, access, ctx.pathParam("service"));
    }

    /**
     * A read of one row (a document, a count, a grouping): a single statement, in auto-commit with a
     * snapshot of its own, at one round trip to the database.
     */
    <T> T read(DataScope scope, io.silo.postgres.jdbc.Jdbc.HandleFunction<T> work) {
        return connections.inOneStatement(scope.member().tenantId(), scope.service(), work);
    }

    /**
     * A page of documents, in a read-only transaction: only there does the driver fetch rows in
     * batches, so that the page budget stops a page of large documents before it is all in memory
     * (in auto-commit the whole {@code LIMIT} would be read first). Marking the connection read-only
     * makes the driver open it with {@code BEGIN READ ONLY} in the round trip of the query; the pool
     * clears the mark when the connection comes back.
     */
    <T> T readPage(DataScope scope, io.silo.postgres.jdbc.Jdbc.HandleFunction<T> work) {
        return connections.inTransaction(scope.member().tenantId(), scope.service(), handle -> {
            try {
                handle.connection().setReadOnly(true);
            } catch (SQLException e) {
                throw new DataAccessException("(read-only transaction)", e);
            }
            return work.apply(handle);
        });
    }

    <T> T write(DataScope scope, io.silo.postgres.jdbc.Jdbc.HandleFunction<T> work) {
        return connections.inTransaction(scope.member().tenantId(), scope.service(), work);
    }

    void log(Handle handle, DataScope scope, Context ctx, String action, CollectionSpec spec, Document document) {
        activityRecord(handle, scope, ctx, action, spec.name(), document.id());
    }

    void activityRecord(Handle handle, DataScope scope, Context ctx, String action, String collection, UUID id) {
        activity.record(handle, entry(scope, ctx, action, collection, id));
    }

    ActivityEntry entry(DataScope scope, Context ctx, String action, String collection, UUID id) {
        String agent = ctx.userAgent() == null ? "" : ctx.userAgent();
        return new ActivityEntry(
                Optional.empty(),
                Optional.empty(),
                Optional.of(scope.member().id()),
                Optional.empty(),
                Optional.of(scope.role().name()),
                action,
                scope.service(),
                collection,
                id.toString(),
                Optional.empty(),
                Map.of(),
                ctx.ip(),
                agent.length() > 512 ? agent.substring(0, 512) : agent,
                RequestIds.current(ctx));
    }

    DocumentStore documents() {
        return documents;
    }

    private static void respond(Context ctx, int status, Document document) {
        ctx.header("ETag", "\"" + document.version() + "\"");
        ctx.status(status).json(document.toJson());
    }

    static JsonNode body(Context ctx) {
        String text = ctx.body();
        if (text.isBlank()) {
            throw SiloException.invalid("missing-body", "request body is required (a JSON document)");
        }
        return JsonInput.read(text, MAX_BODY_CHARS, "invalid-json", "request body");
    }

    /** {@code If-Match: "3"} (or {@code W/"3"}) as the version a write expects. */
    static OptionalLong ifMatch(Context ctx) {
        String header = ctx.header("If-Match");
        if (header == null || header.isBlank() || header.trim().equals("*")) {
            return OptionalLong.empty();
        }
        String value = header.trim().replaceFirst("^W/", "").replace("\"", "");
        try {
            return OptionalLong.of(Long.parseLong(value));
        } catch (NumberFormatException e) {
            throw SiloException.invalid("invalid-version", "If-Match must be a document version such as \"3\"")
                    .with("field", "If-Match");
        }
    }

    private static Optional<String> param(Context ctx, String name) {
        String value = ctx.queryParam(name);
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }
}
