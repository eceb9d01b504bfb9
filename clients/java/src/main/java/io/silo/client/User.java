package io.silo.client;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * A user of an organization as its administrators see it; {@code services} is the role per service.
 *
 * <p>Immutable.
 */
public record User(
        String id,
        Optional<String> email,
        Optional<String> username,
        String name,
        String status,
        Map<String, String> services,
        JsonNode profile,
        Optional<Instant> lastLoginAt,
        long version,
        Instant createdAt,
        Instant updatedAt) {}
