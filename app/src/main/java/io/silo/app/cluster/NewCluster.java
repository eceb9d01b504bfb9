package io.silo.app.cluster;

import io.silo.cluster.Cluster;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * A cluster a platform administrator registers at run time, checked as the configuration file's
 * clusters are: an id of lower-case letters, digits and {@code -} ({@code primary} is taken), a JDBC
 * URL of a host, an optional port and a database, and nothing else: pgjdbc reads URL parameters as
 * driver settings, some of which name classes to load or files to write, so none are accepted.
 *
 * @param password the administrative role's password; sealed before it is stored, never printed
 */
public record NewCluster(
        String id,
        String url,
        String user,
        String password,
        Map<String, String> labels,
        int capacity,
        int connectionBudget,
        boolean acceptingTenants) {
    private static final Set<String> FIELDS =
            Set.of("id", "url", "user", "password", "labels", "capacity", "connectionBudget", "acceptingTenants");
    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9-]{0,30}");
    private static final Pattern URL =
            Pattern.compile("jdbc:postgresql://[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?/[A-Za-z0-9_-]{1,63}");

    public NewCluster {
        if (!ID.matcher(id).matches() || "primary".equals(id)) {
            throw invalid(
                    "id",
                    "a cluster id is a lower-case letter then up to 30 letters, digits or '-'," + " and not 'primary'");
        }
        if (!URL.matcher(url).matches()) {
            throw invalid("url", "the url must be jdbc:postgresql://host[:port]/database, without parameters");
        }
        if (user.isBlank() || user.length() > 63) {
            throw invalid("user", "the user must be a role name of 1 to 63 characters");
        }
        labels = ClusterChange.checkedLabels(labels);
        if (capacity < 1 || capacity > 1_000_000) {
            throw invalid("capacity", "capacity must be 1 to 1,000,000 databases, not " + capacity);
        }
        if (connectionBudget < 2 || connectionBudget > 100_000) {
            throw invalid("connectionBudget", "connectionBudget must be 2 to 100,000, not " + connectionBudget);
        }
    }

    /** Reads the body of {@code POST /api/admin/clusters}; a mistake is a 400 problem naming the field. */
    public static NewCluster fromJson(JsonNode body, int defaultBudget) {
        if (!body.isObject()) {
            throw ProblemType.INVALID_JSON.exception("the body must be a JSON object with " + List.copyOf(FIELDS));
        }
        for (String field : body.propertyNames()) {
            if (!FIELDS.contains(field)) {
                throw ProblemType.UNKNOWN_FIELD
                        .exception("field '" + field + "' is not one of " + List.copyOf(FIELDS))
                        .with("field", field);
            }
        }
        return new NewCluster(
                required(body, "id"),
                required(body, "url"),
                required(body, "user"),
                text(body, "password").orElse(""),
                ClusterChange.labels(body.get("labels")).orElse(Map.of()),
                integer(body, "capacity").orElse(5000),
                integer(body, "connectionBudget").orElse(defaultBudget),
                bool(body, "acceptingTenants").orElse(true));
    }

    /** The cluster to store: {@code active}, or {@code draining} when it is to take no tenants yet. */
    public Cluster cluster() {
        return new Cluster(
                id,
                url,
                user,
                password,
                labels,
                capacity,
                connectionBudget,
                false,
                acceptingTenants ? "active" : "draining");
    }

    @Override
    public String toString() {
        return "NewCluster[" + id + " " + url + " as " + user + ", labels=" + labels + "]";
    }

    private static String required(JsonNode body, String field) {
        return text(body, field)
                .filter(value -> !value.isBlank())
                .orElseThrow(() -> ProblemType.MISSING_FIELD
                        .exception("field '" + field + "' is required")
                        .with("field", field));
    }

    private static Optional<String> text(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null) {
            return Optional.empty();
        }
        if (!node.isString()) {
            throw wrongType(field, "a string");
        }
        return Optional.of(node.stringValue());
    }

    private static Optional<Integer> integer(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null) {
            return Optional.empty();
        }
        if (!node.isInt()) {
            throw wrongType(field, "a whole number");
        }
        return Optional.of(node.intValue());
    }

    private static Optional<Boolean> bool(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null) {
            return Optional.empty();
        }
        if (!node.isBoolean()) {
            throw wrongType(field, "true or false");
        }
        return Optional.of(node.booleanValue());
    }

    private static SiloException wrongType(String field, String expected) {
        return ProblemType.INVALID_JSON
                .exception("field '" + field + "' must be " + expected)
                .with("field", field);
    }

    private static SiloException invalid(String field, String message) {
        return ProblemType.INVALID_CLUSTER.exception(message).with("field", field);
    }
}
