package io.silo.http.data;

import io.silo.app.document.DataScope;
import io.silo.app.document.Write;
import io.silo.crypto.Ids;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.postgres.collection.query.Filter;
import io.silo.postgres.collection.query.FilterParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The body of {@code POST /api/data/{service}/_batch}, read into writes; a mistake names the
 * operation by its index.
 *
 * <pre>{"operations": [
 *   {"op": "insert",  "collection": "invoices", "body": {…}},
 *   {"op": "replace", "collection": "invoices", "id": "…", "body": {…}, "version": 3},
 *   {"op": "patch",   "collection": "invoices", "id": "…", "body": {…}},
 *   {"op": "delete",  "collection": "payments", "id": "…", "version": 1}]}</pre>
 */
final class BatchBody {
    static final int MAX_OPERATIONS = 100;
    private static final Set<String> FIELDS = Set.of("op", "collection", "id", "body", "version", "if");

    private BatchBody() {}

    static List<Write> parse(JsonNode body, DataScope scope) {
        JsonNode list = body.path("operations");
        if (!body.isObject() || !list.isArray() || list.isEmpty()) {
            throw ProblemType.INVALID_BATCH.exception(
                    "the body must be {\"operations\": [ … ]} with at least one operation");
        }
        if (list.size() > MAX_OPERATIONS) {
            throw ProblemType.INVALID_BATCH.exception(
                    "a batch holds at most " + MAX_OPERATIONS + " operations, not " + list.size());
        }
        List<Write> writes = new ArrayList<>();
        for (int index = 0; index < list.size(); index++) {
            try {
                writes.add(write(list.get(index), scope));
            } catch (SiloException e) {
                throw e.with("operation", index);
            }
        }
        return writes;
    }

    /** One operation; its collection is checked before its id or body is read, as for a single write. */
    private static Write write(JsonNode node, DataScope scope) {
        String op = text(node, "op");
        String collection = text(node, "collection");
        for (String field : node.propertyNames()) {
            if (!FIELDS.contains(field)) {
                throw ProblemType.UNKNOWN_FIELD
                        .exception("operation field '" + field + "' is unknown")
                        .with("field", field);
            }
        }
        if (!List.of("insert", "replace", "patch", "delete").contains(op)) {
            throw ProblemType.INVALID_BATCH.exception("op must be insert, replace, patch or delete, not '" + op + "'");
        }
        scope.writable(collection);
        return switch (op) {
            case "insert" -> new Write.Insert(collection, required(node, "body"));
            case "replace" ->
                new Write.Replace(
                        collection,
                        Ids.parse(text(node, "id"), "id"),
                        required(node, "body"),
                        version(node),
                        condition(node));
            case "patch" ->
                new Write.Patch(
                        collection,
                        Ids.parse(text(node, "id"), "id"),
                        required(node, "body"),
                        version(node),
                        condition(node));
            case "delete" ->
                new Write.Delete(collection, Ids.parse(text(node, "id"), "id"), version(node), condition(node));
            default ->
                throw ProblemType.INVALID_BATCH.exception(
                        "op must be insert, replace, patch or delete, not '" + op + "'");
        };
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        if (!value.isString() || value.asString().isEmpty()) {
            throw ProblemType.INVALID_BATCH
                    .exception("each operation needs a string '" + field + "'")
                    .with("field", field);
        }
        return value.asString();
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw ProblemType.INVALID_BATCH
                    .exception("this operation needs '" + field + "'")
                    .with("field", field);
        }
        return value;
    }

    /** The operation's {@code if}: a filter its document must match, or the whole batch is undone. */
    private static Optional<Filter> condition(JsonNode node) {
        JsonNode value = node.get("if");
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        return Optional.of(FilterParser.parse(value));
    }

    private static OptionalLong version(JsonNode node) {
        JsonNode value = node.get("version");
        if (value == null || value.isNull()) {
            return OptionalLong.empty();
        }
        if (!value.canConvertToLong() || !value.isIntegralNumber()) {
            throw ProblemType.INVALID_VERSION
                    .exception("version must be a whole number")
                    .with("field", "version");
        }
        return OptionalLong.of(value.asLong());
    }
}
