package io.silo.postgres.collection;

import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.postgres.collection.query.DocumentField;
import io.silo.postgres.collection.query.JsonInput;
import io.silo.postgres.collection.query.MetaField;
import io.silo.postgres.collection.query.SortKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The position after the last document of a page: that document's value of every sort key,
 * as base64url of {@code {"v":1,"s":"status,-total,_id","k":[["paid"],[12.5],["0190…"]]}}. A key
 * whose field the document lacks is {@code []}. Cursors carry no secret and need none: decoding
 * checks the shape, that the sort is the query's, and each value's type; the values are then
 * bound as parameters. A forged cursor can therefore only fail with {@code invalid-cursor}, or
 * start a page at another position among the documents the filter already allows.
 *
 * <p>Stateless and thread-safe.
 */
final class Cursor {
    private static final int FORMAT = 1;

    private Cursor() {}

    /** The cursor after {@code last}, whose body must be complete (not projected) for the values to be right. */
    static String after(Document last, List<SortKey> keys) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("v", FORMAT);
        json.put("s", describe(keys));
        ArrayNode values = json.putArray("k");
        for (SortKey key : keys) {
            ArrayNode slot = values.addArray();
            valueOf(last, key.field()).ifPresent(slot::add);
        }
        byte[] bytes = io.silo.json.Json.write(json).getBytes(StandardCharsets.UTF_8);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The sort values in {@code cursor}, one per key; empty where the document lacked the field. */
    static List<Optional<JsonNode>> decode(String cursor, List<SortKey> keys) {
        JsonNode json = JsonInput.read(text(cursor), Integer.MAX_VALUE, ProblemType.INVALID_CURSOR, "the cursor");
        if (!json.isObject() || json.path("v").asInt(0) != FORMAT || json.size() != 3) {
            throw invalid("it is not a cursor of this version");
        }
        if (!describe(keys).equals(json.path("s").asString(""))) {
            throw invalid("it belongs to another sort order; keep the sort of the query that returned it");
        }
        JsonNode values = json.path("k");
        if (!values.isArray() || values.size() != keys.size()) {
            throw invalid("it does not hold one value per sort key");
        }
        List<Optional<JsonNode>> out = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            out.add(value(values.get(i), keys.get(i).field()));
        }
        return out;
    }

    private static Optional<JsonNode> value(JsonNode slot, DocumentField field) {
        if (!slot.isArray() || slot.size() > 1) {
            throw invalid("a sort value is malformed");
        }
        if (field instanceof MetaField meta
                && (slot.isEmpty() || meta.parseValue(slot.get(0)).isEmpty())) {
            throw invalid("the value of " + meta.text() + " is not " + meta.expected());
        }
        return slot.isEmpty() ? Optional.empty() : Optional.of(slot.get(0));
    }

    /** The value a sort key has in a document, as SQL sees it: through objects only. */
    static Optional<JsonNode> valueOf(Document document, DocumentField field) {
        return switch (field) {
            case MetaField meta ->
                Optional.of(
                        switch (meta) {
                            case ID ->
                                JsonNodeFactory.instance.stringNode(
                                        document.id().toString());
                            case VERSION -> JsonNodeFactory.instance.numberNode(document.version());
                            case CREATED_AT ->
                                JsonNodeFactory.instance.stringNode(
                                        document.createdAt().toString());
                            case UPDATED_AT ->
                                JsonNodeFactory.instance.stringNode(
                                        document.updatedAt().toString());
                        });
            case DocumentField.Path path -> Stored.valueAt(document.body(), path.path());
        };
    }

    private static String describe(List<SortKey> keys) {
        return String.join(",", keys.stream().map(SortKey::toString).toList());
    }

    private static String text(String cursor) {
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalid("it is not base64url");
        }
    }

    private static SiloException invalid(String why) {
        return ProblemType.INVALID_CURSOR.exception("the cursor is not valid: " + why
                + "; pass nextCursor of the previous page unchanged, with the same sort");
    }
}
