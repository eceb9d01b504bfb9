package io.silo.template;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * A place in a parsed template file: its value and its path ({@code collections.invoices.indexes[1]}),
 * so that every problem names where it is. Reading the wrong shape records a problem and yields
 * nothing, so reading goes on and finds the next mistake too.
 */
record Node(JsonNode json, String path, Problems problems) {

    static Node root(JsonNode json, Problems problems) {
        return new Node(json, "", problems);
    }

    Node get(String key) {
        return new Node(json.path(key), path.isEmpty() ? key : path + "." + key, problems);
    }

    boolean isMissing() {
        return json.isMissingNode() || json.isNull();
    }

    void problem(String message) {
        problems.add(path, message);
    }

    /** The path of a place inside this value, given as a JSON pointer (as schema validators report). */
    String pathOf(String pointer) {
        StringBuilder out = new StringBuilder(path);
        JsonNode at = json;
        for (String raw :
                pointer.isEmpty() ? new String[0] : pointer.substring(1).split("/", -1)) {
            String segment = raw.replace("~1", "/").replace("~0", "~");
            out.append(at.isArray() ? "[" + segment + "]" : "." + segment);
            at = at.isArray() ? at.path(Integer.parseInt(segment)) : at.path(segment);
        }
        return out.toString();
    }

    Optional<String> string() {
        if (isMissing()) {
            return Optional.empty();
        }
        if (!json.isString()) {
            problem(shown() + " is not text");
            return Optional.empty();
        }
        return Optional.of(json.stringValue());
    }

    /** The text here; a problem when it is missing. */
    Optional<String> requiredString() {
        if (isMissing()) {
            problem("is required");
        }
        return string();
    }

    Optional<Integer> integer() {
        if (isMissing()) {
            problem("is required");
            return Optional.empty();
        }
        if (!json.isIntegralNumber() || !json.canConvertToInt()) {
            problem(shown() + " is not a whole number");
            return Optional.empty();
        }
        return Optional.of(json.intValue());
    }

    boolean bool(boolean fallback) {
        if (isMissing()) {
            return fallback;
        }
        if (!json.isBoolean()) {
            problem(shown() + " is not true or false");
            return fallback;
        }
        return json.booleanValue();
    }

    /** The items of a list; nothing when missing, a problem when not a list. */
    List<Node> items() {
        if (isMissing()) {
            return List.of();
        }
        if (!json.isArray()) {
            problem(shown() + " is not a list");
            return List.of();
        }
        List<Node> out = new ArrayList<>();
        for (int i = 0; i < json.size(); i++) {
            out.add(new Node(json.get(i), path + "[" + i + "]", problems));
        }
        return out;
    }

    /** The entries of a mapping, in file order; nothing when missing, a problem when not a mapping. */
    Map<String, Node> entries() {
        if (isMissing()) {
            return Map.of();
        }
        if (!json.isObject()) {
            problem(shown() + " is not a mapping");
            return Map.of();
        }
        Map<String, Node> out = new LinkedHashMap<>();
        for (String key : json.propertyNames()) {
            out.put(key, get(key));
        }
        return out;
    }

    /** Records a problem for each key of this mapping not in {@code allowed}: a typo must not pass silently. */
    void allowOnly(String... allowed) {
        if (!json.isObject()) {
            return;
        }
        List<String> known = Arrays.asList(allowed);
        for (String key : json.propertyNames()) {
            if (!known.contains(key)) {
                get(key).problem("unknown key; expected one of " + String.join(", ", allowed));
            }
        }
    }

    /** The value as people wrote it, quoted and shortened, for messages. */
    String shown() {
        String text = json.isString() ? json.stringValue() : json.toString();
        return "'" + (text.length() > 80 ? text.substring(0, 77) + "..." : text) + "'";
    }
}
