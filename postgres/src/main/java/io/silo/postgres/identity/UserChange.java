package io.silo.postgres.identity;

import io.silo.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * What the directory needs to know after a user changed: written to the core database's outbox
 * in the same transaction as the change, applied to the directory afterwards.
 *
 * @param status {@code active}, {@code disabled}, or {@code deleted}
 */
public record UserChange(UUID userId, long version, Optional<String> email, Optional<String> username, String status) {
    static final String KIND = "user";

    String toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("userId", userId.toString());
        out.put("version", version);
        out.put("email", email.orElse(null));
        out.put("username", username.orElse(null));
        out.put("status", status);
        return Json.write(out);
    }

    static UserChange fromJson(JsonNode node) {
        return new UserChange(
                UUID.fromString(node.path("userId").asString()),
                node.path("version").asLong(),
                text(node.path("email")),
                text(node.path("username")),
                node.path("status").asString());
    }

    private static Optional<String> text(JsonNode node) {
        return node.isString() ? Optional.of(node.asString()) : Optional.empty();
    }
}
