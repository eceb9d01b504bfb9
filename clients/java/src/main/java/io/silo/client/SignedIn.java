package io.silo.client;

import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Who signed in: for a member, the user (id, email, username, name, roles), the organization and the
 * services the user may use; for a platform administrator, none of them.
 *
 * <p>Immutable.
 */
public record SignedIn(Optional<JsonNode> user, Optional<JsonNode> organization, List<String> services) {
    public SignedIn {
        services = List.copyOf(services);
    }
}
