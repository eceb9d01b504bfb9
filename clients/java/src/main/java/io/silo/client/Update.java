package io.silo.client;

import java.util.Collection;
import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A change by update operators (docs/query-language.md#update-operators), applied by the server to the
 * document as it is when the write commits, so that concurrent changes all count:
 *
 * <pre>{@code
 * Update.inc("stock", -2).set("lastSaleAt", "2026-12-06T10:00:00Z").push("history", entry)
 * }</pre>
 *
 * <p>Immutable: each method answers a new update.
 */
public final class Update {
    private final ObjectNode json;

    private Update(ObjectNode json) {
        this.json = json;
    }

    public static Update set(String field, Object value) {
        return new Update(JsonValues.object()).and("$set", field, JsonValues.of(value));
    }

    public static Update unset(String field) {
        return new Update(JsonValues.object()).and("$unset", field, JsonValues.of(""));
    }

    /** Adds a number, in exact decimal arithmetic; a missing field starts at 0. */
    public static Update inc(String field, Number by) {
        return new Update(JsonValues.object()).and("$inc", field, JsonValues.of(by));
    }

    public static Update push(String field, Object value) {
        return new Update(JsonValues.object()).and("$push", field, JsonValues.of(value));
    }

    public static Update pushEach(String field, Collection<?> values) {
        return new Update(JsonValues.object()).and("$push", field, each(values));
    }

    public static Update addToSet(String field, Object value) {
        return new Update(JsonValues.object()).and("$addToSet", field, JsonValues.of(value));
    }

    public static Update pull(String field, Object value) {
        return new Update(JsonValues.object()).and("$pull", field, JsonValues.of(value));
    }

    public Update andSet(String field, Object value) {
        return and("$set", field, JsonValues.of(value));
    }

    public Update andUnset(String field) {
        return and("$unset", field, JsonValues.of(""));
    }

    public Update andInc(String field, Number by) {
        return and("$inc", field, JsonValues.of(by));
    }

    public Update andPush(String field, Object value) {
        return and("$push", field, JsonValues.of(value));
    }

    public Update andPushEach(String field, Collection<?> values) {
        return and("$push", field, each(values));
    }

    public Update andAddToSet(String field, Object value) {
        return and("$addToSet", field, JsonValues.of(value));
    }

    public Update andPull(String field, Object value) {
        return and("$pull", field, JsonValues.of(value));
    }

    /** The update as the PATCH body carries it. */
    public JsonNode toJson() {
        return json.deepCopy();
    }

    private Update and(String operator, String field, JsonNode value) {
        Objects.requireNonNull(field, "field");
        ObjectNode next = json.deepCopy();
        ObjectNode fields = next.has(operator) ? (ObjectNode) next.get(operator) : next.putObject(operator);
        if (fields.has(field)) {
            throw new IllegalArgumentException(operator + " names " + field + " twice");
        }
        fields.set(field, value);
        return new Update(next);
    }

    private static JsonNode each(Collection<?> values) {
        ArrayNode array = JsonValues.object().arrayNode();
        values.forEach(value -> array.add(JsonValues.of(value)));
        ObjectNode each = JsonValues.object();
        each.set("$each", array);
        return each;
    }

    @Override
    public String toString() {
        return json.toString();
    }
}
