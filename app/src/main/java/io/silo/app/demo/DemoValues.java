package io.silo.app.demo;

import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * The placeholders of the demo's files, replaced as a document is written: ids are known only once
 * their documents and users exist, and dates are relative so that the demo's month of sales is always
 * the last one.
 *
 * <ul>
 *   <li>{@code $key: name} (a field) names the document; it is not stored</li>
 *   <li>{@code "$ref:name"} is the id of the user or document named {@code name}</li>
 *   <li>{@code "$date:-3"} is the date three days before today (UTC)</li>
 *   <li>{@code "$at:-3"} and {@code "$at:-3T14:30"} are that day at 09:00 or 14:30 UTC, as date-times</li>
 * </ul>
 *
 * <p>Not thread-safe: one per organization being loaded.
 */
final class DemoValues {
    static final String KEY = "$key";

    private final Map<String, UUID> ids = new HashMap<>();
    private final Map<String, JsonNode> documents = new HashMap<>();
    private final LocalDate today;

    DemoValues(Clock clock) {
        this.today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
    }

    void name(String key, UUID id) {
        if (ids.putIfAbsent(key, id) != null) {
            throw new IllegalStateException("demo key '" + key + "' is used twice");
        }
    }

    void name(String key, UUID id, JsonNode document) {
        name(key, id);
        documents.put(key, document);
    }

    /** The document named {@code key} as it was written. */
    JsonNode document(String key) {
        JsonNode document = documents.get(key);
        if (document == null) {
            throw new IllegalStateException("demo key '" + key + "' names no document written before");
        }
        return document;
    }

    UUID id(String key) {
        UUID id = ids.get(key);
        if (id == null) {
            throw new IllegalStateException("demo key '" + key + "' names no user or document written before");
        }
        return id;
    }

    /** The document's own key, if it has one. */
    static Optional<String> keyOf(JsonNode document) {
        return document.hasNonNull(KEY) ? Optional.of(document.path(KEY).asString()) : Optional.empty();
    }

    /** A copy of {@code node} with every placeholder replaced and {@code $key} left out. */
    JsonNode resolve(JsonNode node) {
        if (node instanceof ObjectNode object) {
            ObjectNode copy = object.objectNode();
            object.properties().forEach(entry -> {
                if (!entry.getKey().equals(KEY)) {
                    copy.set(entry.getKey(), resolve(entry.getValue()));
                }
            });
            return copy;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode copy = array.arrayNode();
            array.forEach(item -> copy.add(resolve(item)));
            return copy;
        }
        if (node.isString()) {
            return StringNode.valueOf(text(node.asString()));
        }
        return node;
    }

    private String text(String value) {
        if (value.startsWith("$ref:")) {
            return id(value.substring(5)).toString();
        }
        if (value.startsWith("$date:")) {
            return today.plusDays(Long.parseLong(value.substring(6))).toString();
        }
        if (value.startsWith("$at:")) {
            String[] parts = value.substring(4).split("T", 2);
            return at(Long.parseLong(parts[0]), parts.length == 2 ? LocalTime.parse(parts[1]) : LocalTime.of(9, 0));
        }
        return value;
    }

    /** The instant {@code days} from today at {@code time} UTC, as ISO-8601. */
    String at(long days, LocalTime time) {
        return today.plusDays(days).atTime(time).toInstant(ZoneOffset.UTC).toString();
    }
}
