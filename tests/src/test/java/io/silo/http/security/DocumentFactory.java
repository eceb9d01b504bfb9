package io.silo.http.security;

import io.silo.json.Json;
import io.silo.template.CollectionSpec;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Documents that satisfy a collection's JSON Schema, read from the template, so that the fuzzer fills
 * every collection of every service without a hand-written sample per collection. Every string it
 * makes comes from {@code text}: for tenant B a fresh canary each time, so that every string field,
 * nested or in an array, holds one. Fields that a sequence numbers are left out (the insert numbers
 * them); reference fields get what {@code reference} answers for their target.
 *
 * <p>Not thread-safe: the suppliers it calls are not.
 */
final class DocumentFactory {
    private final Supplier<String> text;
    private final Function<String, Optional<String>> reference;

    /**
     * @param text the next string value
     * @param reference a target (a collection name, or {@code users}) to an id that exists, if any
     */
    DocumentFactory(Supplier<String> text, Function<String, Optional<String>> reference) {
        this.text = text;
        this.reference = reference;
    }

    /** A document for {@code collection}; empty when a required reference has nothing to name yet. */
    Optional<ObjectNode> document(CollectionSpec collection) {
        ObjectNode document = Json.object();
        JsonNode schema = collection.schema().orElse(null);
        if (schema == null) {
            document.put("name", text.get());
            document.putObject("nested").put("note", text.get());
            document.putArray("list").add(text.get()).add(text.get());
            return Optional.of(document);
        }
        JsonNode properties = schema.path("properties");
        for (String field : properties.propertyNames()) {
            if (collection.sequences().containsKey(field)) {
                continue;
            }
            String target = collection.references().get(field);
            if (target != null) {
                Optional<String> id = reference.apply(target);
                if (id.isEmpty()) {
                    if (required(schema, field)) {
                        return Optional.empty();
                    }
                    continue;
                }
                JsonNode declared = properties.path(field);
                if (declared.path("type").asString().equals("array")) {
                    document.putArray(field).add(id.get());
                } else {
                    document.put(field, id.get());
                }
                continue;
            }
            value(properties.path(field), schema).ifPresent(value -> document.set(field, value));
        }
        return Optional.of(document);
    }

    private static boolean required(JsonNode schema, String field) {
        for (JsonNode name : schema.path("required")) {
            if (name.asString().equals(field)) {
                return true;
            }
        }
        return false;
    }

    /** A value that satisfies {@code property}; empty for what this small generator cannot satisfy. */
    private Optional<JsonNode> value(JsonNode property, JsonNode root) {
        if (property.has("$ref")) {
            String pointer = property.path("$ref").asString().substring(1);
            return value(root.at(pointer), root);
        }
        if (property.has("enum")) {
            return Optional.of(property.path("enum").get(0));
        }
        if (property.has("const")) {
            return Optional.of(property.path("const"));
        }
        String type = property.path("type").asString();
        return switch (type) {
            case "string" -> string(property).map(Json::tree);
            case "integer" ->
                Optional.of(Json.tree(Math.max(1, property.path("minimum").asInt(1))));
            case "number" -> Optional.of(Json.tree(new java.math.BigDecimal("12.5")));
            case "boolean" -> Optional.of(Json.tree(true));
            case "array" -> Optional.of(array(property, root));
            case "object" -> Optional.of(object(property, root));
            default -> Optional.of(Json.tree(text.get()));
        };
    }

    private ArrayNode array(JsonNode property, JsonNode root) {
        ArrayNode array = Json.mapper().createArrayNode();
        for (int i = 0; i < 2; i++) {
            value(property.path("items"), root).ifPresent(array::add);
        }
        return array;
    }

    private ObjectNode object(JsonNode property, JsonNode root) {
        ObjectNode object = Json.object();
        JsonNode properties = property.path("properties");
        if (properties.isEmpty()) {
            object.put("note", text.get());
        }
        for (String field : properties.propertyNames()) {
            value(properties.path(field), root).ifPresent(value -> object.set(field, value));
        }
        return object;
    }

    private Optional<String> string(JsonNode property) {
        String format = property.path("format").asString();
        switch (format) {
            case "date-time":
                return Optional.of("2026-12-06T10:00:00Z");
            case "date":
                return Optional.of("2026-12-06");
            case "email":
                return Optional.of(text.get().toLowerCase(java.util.Locale.ROOT) + "@mail.example");
            default:
                break;
        }
        String pattern = property.path("pattern").asString();
        if (pattern.isEmpty()) {
            return Optional.of(text.get());
        }
        return Optional.ofNullable(PATTERNS.get(pattern))
                .map(sample -> sample.isEmpty() ? text.get().toLowerCase(java.util.Locale.ROOT) : sample);
    }

    /** Values for the patterns of the shipped templates; empty: the generated text in lower case fits. */
    private static final Map<String, String> PATTERNS = Map.of(
            "^[A-Z]{3}$", "CHF",
            "^[0-9]{1,2}:[0-9]{2}-[0-9]{1,2}:[0-9]{2}$", "8:00-8:45",
            "^[a-z][a-zA-Z0-9_.-]{0,99}$", "");
}
