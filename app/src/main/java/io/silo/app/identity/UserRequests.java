package io.silo.app.identity;

import io.silo.app.input.Fields;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/** The reading of the less regular fields of user requests (roles by service, profiles, statuses). Stateless. */
public final class UserRequests {
    /** The fields {@code PATCH /api/users/{id}} knows; anything else is a 400 {@code unknown-field}. */
    static final Set<String> PATCHABLE =
            Set.of("name", "email", "username", "status", "services", "password", "profile");

    private UserRequests() {}

    /**
     * Roles asked for, by service: an object of service to role (null or absent role: the default),
     * or an array of services, each with its default role.
     */
    static Map<String, Optional<String>> services(JsonNode node) {
        Map<String, Optional<String>> out = new LinkedHashMap<>();
        if (node == null || node.isMissingNode() || node.isNull()) {
            return out;
        }
        if (node.isArray()) {
            for (JsonNode service : node) {
                if (!service.isString()) {
                    throw badServices();
                }
                out.put(service.asString(), Optional.empty());
            }
            return out;
        }
        if (!node.isObject()) {
            throw badServices();
        }
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            JsonNode role = entry.getValue();
            if (!role.isNull() && !role.isString()) {
                throw badServices();
            }
            out.put(
                    entry.getKey(),
                    role.isNull()
                            ? Optional.empty()
                            : Optional.of(role.asString().trim()));
        }
        return out;
    }

    /** The roles a patch changes, by service: a role, or empty where it takes the service's role back (null). */
    static Map<String, Optional<String>> roleChanges(JsonNode node) {
        Map<String, Optional<String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            JsonNode role = entry.getValue();
            out.put(
                    entry.getKey(),
                    role.isString() ? Optional.of(role.asString().trim()) : Optional.empty());
        }
        return out;
    }

    /** A profile: any JSON object, at most 16 KiB; absent is an empty one. */
    static JsonNode profile(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return io.silo.json.Json.object();
        }
        if (!node.isObject()) {
            throw ProblemType.INVALID_JSON
                    .exception("profile must be a JSON object")
                    .with("field", "profile");
        }
        if (io.silo.json.Json.write(node).length() > 16 * 1024) {
            throw ProblemType.FIELD_TOO_LONG
                    .exception("profile must be at most 16 KiB as JSON")
                    .with("field", "profile");
        }
        return node;
    }

    static Optional<String> email(JsonNode node, String field) {
        return text(node, field).map(value -> Fields.email(value, field));
    }

    static Optional<String> username(JsonNode node, String field) {
        return text(node, field).map(value -> Fields.username(value, field));
    }

    static String name(String value) {
        return Fields.text(value, "name", 200);
    }

    static String status(JsonNode node) {
        String status = node.isString() ? node.asString() : "";
        if (!status.equals("active") && !status.equals("disabled")) {
            throw ProblemType.INVALID_STATUS
                    .exception("status must be active or disabled")
                    .with("field", "status");
        }
        return status;
    }

    private static Optional<String> text(JsonNode node, String field) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isString()) {
            throw ProblemType.INVALID_JSON
                    .exception(field + " must be a string")
                    .with("field", field);
        }
        return node.asString().isBlank() ? Optional.empty() : Optional.of(node.asString());
    }

    private static SiloException badServices() {
        return ProblemType.INVALID_JSON
                .exception("services must be an object of service to role, e.g. {\"billing\": \"manager\"},"
                        + " or an array of services")
                .with("field", "services");
    }
}
