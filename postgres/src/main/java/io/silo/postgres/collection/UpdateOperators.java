package io.silo.postgres.collection;

import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Update operators, MongoDB's way, as the other way to change a document than a merge patch:
 * {@code {"$inc": {"stock": -1}, "$set": {"status": "sold"}}}. Each operator maps field paths
 * (dotted for nested fields: {@code "totals.net"}) to values:
 *
 * <ul>
 *   <li>{@code $set}: sets the field, making the objects on its path;
 *   <li>{@code $unset}: removes it (its value is ignored);
 *   <li>{@code $inc}: adds a number, in exact decimal arithmetic (0.1 + 0.2 is 0.3); a missing field
 *       starts at 0;
 *   <li>{@code $push}: appends a value, or each of {@code {"$each": [...]}}, to an array (a missing
 *       field becomes one);
 *   <li>{@code $addToSet}: the same, leaving out values already there;
 *   <li>{@code $pull}: removes every element equal to the value.
 * </ul>
 *
 * The result is what a change is checked against (schema, unique keys, size): an update that would
 * leave {@code stock} below a schema's {@code minimum} is refused whole. Applied to the document as
 * read and written only if nobody changed it meanwhile ({@link DocumentStore}), so concurrent
 * increments all count.
 *
 * <p>Stateless and thread-safe.
 */
final class UpdateOperators {
    private static final Set<String> OPERATORS = Set.of("$set", "$unset", "$inc", "$push", "$addToSet", "$pull");

    private UpdateOperators() {}

    /** Whether {@code body} is an update by operators: a top-level name starting with {@code $}. */
    static boolean isUpdate(JsonNode body) {
        if (!(body instanceof ObjectNode object)) {
            return false;
        }
        for (String name : object.propertyNames()) {
            if (name.startsWith("$")) {
                return true;
            }
        }
        return false;
    }

    /** {@code current} changed by the operators of {@code update}; {@code current} is not modified. */
    static ObjectNode apply(ObjectNode current, ObjectNode update, String collection) {
        ObjectNode doc = current.deepCopy();
        Set<String> touched = new HashSet<>();
        for (Map.Entry<String, JsonNode> operator : update.properties()) {
            String name = operator.getKey();
            if (!OPERATORS.contains(name)) {
                throw invalid(
                        collection,
                        name.startsWith("$")
                                ? "unknown update operator '" + shorten(name) + "'; known: "
                                        + String.join(", ", sorted())
                                : "'" + shorten(name) + "' is a field among update operators: put it under $set");
            }
            if (!(operator.getValue() instanceof ObjectNode fields) || fields.isEmpty()) {
                throw invalid(collection, name + " takes an object of field paths to values");
            }
            for (Map.Entry<String, JsonNode> field : fields.properties()) {
                List<String> path = path(field.getKey(), collection);
                if (!touched.add(field.getKey())) {
                    throw invalid(collection, "'" + shorten(field.getKey()) + "' is changed by two operators");
                }
                applyOne(doc, name, path, field.getKey(), field.getValue(), collection);
            }
        }
        return doc;
    }

    private static void applyOne(
            ObjectNode doc, String operator, List<String> path, String text, JsonNode value, String collection) {
        String last = path.getLast();
        if (operator.equals("$unset")) {
            parent(doc, path, text, collection, false).ifPresent(parent -> parent.remove(last));
            return;
        }
        ObjectNode parent = parent(doc, path, text, collection, true).orElseThrow();
        JsonNode existing = parent.get(last);
        switch (operator) {
            case "$set" -> parent.set(last, value.deepCopy());
            case "$inc" -> parent.set(last, increment(existing, value, text, collection));
            case "$push", "$addToSet" -> {
                ArrayNode array = array(parent, last, existing, text, operator, collection);
                for (JsonNode element : elements(value, operator, collection)) {
                    if (operator.equals("$push") || !contains(array, element)) {
                        array.add(element.deepCopy());
                    }
                }
            }
            case "$pull" -> {
                if (existing == null || existing.isNull()) {
                    return;
                }
                ArrayNode array = array(parent, last, existing, text, operator, collection);
                for (int index = array.size() - 1; index >= 0; index--) {
                    if (array.get(index).equals(value)) {
                        array.remove(index);
                    }
                }
            }
            default -> throw new IllegalStateException(operator);
        }
    }

    private static JsonNode increment(JsonNode existing, JsonNode by, String text, String collection) {
        if (!by.isNumber()) {
            throw invalid(collection, "$inc of '" + shorten(text) + "' takes a number");
        }
        if (existing != null && !existing.isNull() && !existing.isNumber()) {
            throw invalid(collection, "$inc of '" + shorten(text) + "': the field holds no number");
        }
        BigDecimal sum = (existing == null || existing.isNull() ? BigDecimal.ZERO : existing.decimalValue())
                .add(by.decimalValue());
        if (sum.scale() <= 0 || sum.stripTrailingZeros().scale() <= 0) {
            try {
                return JsonNodeFactory.instance.numberNode(sum.longValueExact());
            } catch (ArithmeticException tooLarge) {
                return JsonNodeFactory.instance.numberNode(sum);
            }
        }
        return JsonNodeFactory.instance.numberNode(sum);
    }

    private static ArrayNode array(
            ObjectNode parent, String last, JsonNode existing, String text, String operator, String collection) {
        if (existing == null || existing.isNull()) {
            return parent.putArray(last);
        }
        if (!(existing instanceof ArrayNode array)) {
            throw invalid(collection, operator + " of '" + shorten(text) + "': the field holds no array");
        }
        return array;
    }

    private static List<JsonNode> elements(JsonNode value, String operator, String collection) {
        if (value instanceof ObjectNode object && object.has("$each")) {
            if (object.size() != 1 || !(object.get("$each") instanceof ArrayNode each)) {
                throw invalid(collection, operator + " with $each takes {\"$each\": [values]} and nothing else");
            }
            List<JsonNode> out = new ArrayList<>();
            each.values().forEach(out::add);
            return out;
        }
        return List.of(value);
    }

    private static boolean contains(ArrayNode array, JsonNode element) {
        for (JsonNode present : array.values()) {
            if (present.equals(element)) {
                return true;
            }
        }
        return false;
    }

    /** The object holding the path's last field, made on the way when {@code create}; empty when absent. */
    private static Optional<ObjectNode> parent(
            ObjectNode doc, List<String> path, String text, String collection, boolean create) {
        ObjectNode node = doc;
        for (String segment : path.subList(0, path.size() - 1)) {
            JsonNode next = node.get(segment);
            if (next == null || next.isNull()) {
                if (!create) {
                    return Optional.empty();
                }
                next = node.putObject(segment);
            }
            if (!(next instanceof ObjectNode object)) {
                throw invalid(collection, "'" + shorten(text) + "' goes through '" + segment + "', which is no object");
            }
            node = object;
        }
        return Optional.of(node);
    }

    private static List<String> path(String text, String collection) {
        List<String> segments = List.of(text.split("\\.", -1));
        for (String segment : segments) {
            if (segment.isEmpty() || segment.startsWith("$")) {
                throw invalid(
                        collection,
                        "'" + shorten(text) + "' is no field path: dot-separated names, none empty or starting with $");
            }
        }
        if (segments.getFirst().startsWith("_")) {
            throw ProblemType.RESERVED_FIELD
                    .exception("'" + shorten(text)
                            + "' is reserved: top-level names starting with _ are not stored in '" + collection + "'")
                    .with("field", shorten(segments.getFirst()));
        }
        return segments;
    }

    private static List<String> sorted() {
        return OPERATORS.stream().sorted().toList();
    }

    private static SiloException invalid(String collection, String why) {
        return ProblemType.INVALID_UPDATE.exception("an update of a document in '" + collection + "': " + why);
    }

    private static String shorten(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }
}
