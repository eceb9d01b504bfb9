package io.silo.app.cluster;

import io.silo.error.ProblemType;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * What a platform administrator changes about a cluster at run time; what is empty stays as it is.
 *
 * @param acceptingTenants whether placement may put new organizations there ({@code active}) or not
 *     ({@code draining}); the organizations already there are served either way
 * @param labels the cluster's labels, all of them: they replace the old ones
 * @param capacity the most tenant databases placement puts there, 1 to 1,000,000 (placement counts
 *     against it from the change on; databases beyond it stay)
 * @param connectionBudget the most server connections each instance opens to it, 2 to 100,000
 *     (each instance takes it up at its next connection there, once the change is announced on
 *     {@code silo_clusters}; connections beyond a smaller one close as they are given back)
 */
public record ClusterChange(
        Optional<Boolean> acceptingTenants,
        Optional<Map<String, String>> labels,
        Optional<Integer> capacity,
        Optional<Integer> connectionBudget) {
    private static final Set<String> FIELDS = Set.of("acceptingTenants", "labels", "capacity", "connectionBudget");
    private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9._/-]{1,63}");
    private static final int MAX_LABELS = 32;
    private static final int MAX_VALUE_LENGTH = 200;

    public ClusterChange {
        labels = labels.map(ClusterChange::checkedLabels);
        capacity.filter(n -> n < 1 || n > 1_000_000).ifPresent(n -> {
            throw invalidLimit("capacity", "capacity must be 1 to 1,000,000 databases, not " + n);
        });
        connectionBudget.filter(n -> n < 2 || n > 100_000).ifPresent(n -> {
            throw invalidLimit("connectionBudget", "connectionBudget must be 2 to 100,000, not " + n);
        });
        if (acceptingTenants.isEmpty() && labels.isEmpty() && capacity.isEmpty() && connectionBudget.isEmpty()) {
            throw ProblemType.INVALID_PATCH.exception("a cluster change needs one of " + List.copyOf(FIELDS));
        }
    }

    /** Reads {@code {"acceptingTenants": false, "labels": {...}}}; anything else is a 400 problem. */
    public static ClusterChange fromJson(JsonNode body) {
        if (!body.isObject() || body.isEmpty()) {
            throw ProblemType.INVALID_PATCH.exception(
                    "the body must be a JSON object of the fields to change: " + List.copyOf(FIELDS));
        }
        for (String field : body.propertyNames()) {
            if (!FIELDS.contains(field)) {
                throw ProblemType.UNKNOWN_FIELD
                        .exception("field '" + field + "' cannot be changed here; changeable: " + List.copyOf(FIELDS))
                        .with("field", field);
            }
        }
        return new ClusterChange(
                accepting(body.get("acceptingTenants")),
                labels(body.get("labels")),
                integer(body, "capacity"),
                integer(body, "connectionBudget"));
    }

    /** The status this change sets, if it sets one. */
    public Optional<String> status() {
        return acceptingTenants.map(accepting -> accepting ? "active" : "draining");
    }

    private static Optional<Boolean> accepting(JsonNode node) {
        if (node == null) {
            return Optional.empty();
        }
        if (!node.isBoolean()) {
            throw ProblemType.INVALID_JSON
                    .exception("field 'acceptingTenants' must be true or false")
                    .with("field", "acceptingTenants");
        }
        return Optional.of(node.booleanValue());
    }

    private static Optional<Integer> integer(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null) {
            return Optional.empty();
        }
        if (!node.isInt()) {
            throw ProblemType.INVALID_JSON
                    .exception("field '" + field + "' must be a whole number")
                    .with("field", field);
        }
        return Optional.of(node.intValue());
    }

    static Optional<Map<String, String>> labels(JsonNode node) {
        if (node == null) {
            return Optional.empty();
        }
        if (!node.isObject()) {
            throw invalid("'labels' must be an object of text values; {} removes them all");
        }
        Map<String, String> labels = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> label : node.properties()) {
            if (!label.getValue().isString()) {
                throw invalid("label '" + label.getKey() + "' must have a text value");
            }
            labels.put(label.getKey(), label.getValue().stringValue());
        }
        return Optional.of(labels);
    }

    static Map<String, String> checkedLabels(Map<String, String> labels) {
        if (labels.size() > MAX_LABELS) {
            throw invalid("a cluster has at most " + MAX_LABELS + " labels, not " + labels.size());
        }
        for (Map.Entry<String, String> label : labels.entrySet()) {
            if (!LABEL_KEY.matcher(label.getKey()).matches()) {
                throw invalid(
                        "label key '" + label.getKey() + "' must be 1 to 63 letters, digits, '.', '_', '-' or '/'");
            }
            String value = label.getValue();
            if (value.length() > MAX_VALUE_LENGTH || value.chars().anyMatch(Character::isISOControl)) {
                throw invalid("label '" + label.getKey() + "' must be at most " + MAX_VALUE_LENGTH
                        + " characters without control characters");
            }
        }
        return Map.copyOf(labels);
    }

    private static io.silo.error.SiloException invalidLimit(String field, String message) {
        return ProblemType.INVALID_CLUSTER.exception(message).with("field", field);
    }

    private static io.silo.error.SiloException invalid(String message) {
        return ProblemType.INVALID_LABELS.exception(message).with("field", "labels");
    }
}
