package io.silo.identity;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * A user of one organization, as kept in its core database. Never carries the password hash.
 *
 * @param email lower case; unique in the organization when present
 * @param username unique in the organization when present (school-style sign-in)
 * @param status {@code active} or {@code disabled}
 * @param roles the user's role in each service, e.g. {@code billing -> manager}; {@code core -> admin} makes an organization admin
 * @param profile free-form details: phone, address, date of birth …
 * @param version increases with every change; orders directory updates
 */
public record User(
        UUID id,
        Optional<String> email,
        Optional<String> username,
        String name,
        String status,
        Map<String, String> roles,
        JsonNode profile,
        Optional<Instant> lastLoginAt,
        long version,
        Instant createdAt,
        Instant updatedAt) {

    public User {
        roles = Map.copyOf(roles);
    }

    public boolean active() {
        return "active".equals(status);
    }
}
