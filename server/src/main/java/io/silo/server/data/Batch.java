package io.silo.server.data;

import io.javalin.http.Context;
import io.silo.error.SiloException;
import io.silo.postgres.collection.Document;
import io.silo.template.CollectionSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /api/data/{service}/_batch}: several writes in one transaction, all or nothing.
 * Every operation is checked before any runs; a failure names the operation by its index.
 *
 * <pre>{"operations": [
 *   {"op": "insert",  "collection": "invoices", "body": {…}},
 *   {"op": "replace", "collection": "invoices", "id": "…", "body": {…}, "version": 3},
 *   {"op": "patch",   "collection": "invoices", "id": "…", "body": {…}},
 *   {"op": "delete",  "collection": "payments", "id": "…", "version": 1}]}</pre>
 */
final class Batch {
    static final int MAX_OPERATIONS = 100;

    private final DataEndpoints data;
    private final DataScope scope;
    private final Context ctx;

    Batch(DataEndpoints data, DataScope scope, Context ctx) {
        this.data = data;
        this.scope = scope;
        this.ctx = ctx;
    }

    private record Operation(int index, String op, CollectionSpec spec, UUID id, JsonNode body, OptionalLong version) {}

    void run() {
        List<Operation> operations = parse(DataEndpoints.body(ctx));
        List<Map<String, Object>> results = data.write(scope, handle -> {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Operation operation : operations) {
                try {
                    out.add(apply(handle, operation));
                } catch (SiloException e) {
                    throw e.with("operation", operation.index());
                }
            }
            return out;
        });
        ctx.json(Map.of("results", results));
    }

    private Map<String, Object> apply(io.silo.postgres.jdbc.Handle handle, Operation operation) {
        var connection = handle.connection();
        var store = data.documents();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("op", operation.op());
        switch (operation.op()) {
            case "insert" ->
                result.put(
                        "document",
                        logged(
                                handle,
                                "document.insert",
                                operation,
                                store.insert(connection, operation.spec(), operation.body())));
            case "replace" ->
                result.put(
                        "document",
                        logged(
                                handle,
                                "document.replace",
                                operation,
                                store.replace(
                                        connection,
                                        operation.spec(),
                                        operation.id(),
                                        operation.body(),
                                        operation.version())));
            case "patch" ->
                result.put(
                        "document",
                        logged(
                                handle,
                                "document.patch",
                                operation,
                                store.patch(
                                        connection,
                                        operation.spec(),
                                        operation.id(),
                                        operation.body(),
                                        operation.version())));
            default -> {
                store.delete(connection, operation.spec(), operation.id(), operation.version());
                data.activityRecord(
                        handle, scope, ctx, "document.delete", operation.spec().name(), operation.id());
                result.put("id", operation.id().toString());
            }
        }
        return result;
    }

    private JsonNode logged(
            io.silo.postgres.jdbc.Handle handle, String action, Operation operation, Document document) {
        data.log(handle, scope, ctx, action, operation.spec(), document);
        return document.toJson();
    }

    private List<Operation> parse(JsonNode body) {
        JsonNode list = body.path("operations");
        if (!body.isObject() || !list.isArray() || list.isEmpty()) {
            throw SiloException.invalid(
                    "invalid-batch", "the body must be {\"operations\": [ … ]} with at least one operation");
        }
        if (list.size() > MAX_OPERATIONS) {
            throw SiloException.invalid(
                    "invalid-batch", "a batch holds at most " + MAX_OPERATIONS + " operations, not " + list.size());
        }
        List<Operation> operations = new ArrayList<>();
        for (int index = 0; index < list.size(); index++) {
            operations.add(operation(index, list.get(index)));
        }
        return operations;
    }

    private Operation operation(int index, JsonNode node) {
        try {
            String op = text(node, "op");
            String collection = text(node, "collection");
            for (String field : node.propertyNames()) {
                if (!List.of("op", "collection", "id", "body", "version").contains(field)) {
                    throw SiloException.invalid("unknown-field", "operation field '" + field + "' is unknown")
                            .with("field", field);
                }
            }
            return switch (op) {
                case "insert" ->
                    new Operation(
                            index, op, scope.writable(collection), null, required(node, "body"), OptionalLong.empty());
                case "replace", "patch" ->
                    new Operation(
                            index,
                            op,
                            scope.writable(collection),
                            Document.parseId(text(node, "id")),
                            required(node, "body"),
                            version(node));
                case "delete" ->
                    new Operation(
                            index,
                            op,
                            scope.writable(collection),
                            Document.parseId(text(node, "id")),
                            null,
                            version(node));
                default ->
                    throw SiloException.invalid(
                            "invalid-batch", "op must be insert, replace, patch or delete, not '" + op + "'");
            };
        } catch (SiloException e) {
            throw e.with("operation", index);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        if (!value.isString() || value.asString().isEmpty()) {
            throw SiloException.invalid("invalid-batch", "each operation needs a string '" + field + "'")
                    .with("field", field);
        }
        return value.asString();
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw SiloException.invalid("invalid-batch", "this operation needs '" + field + "'")
                    .with("field", field);
        }
        return value;
    }

    private static OptionalLong version(JsonNode node) {
        JsonNode value = node.get("version");
        if (value == null || value.isNull()) {
            return OptionalLong.empty();
        }
        if (!value.canConvertToLong() || !value.isIntegralNumber()) {
            throw SiloException.invalid("invalid-version", "version must be a whole number")
                    .with("field", "version");
        }
        return OptionalLong.of(value.asLong());
    }
}
