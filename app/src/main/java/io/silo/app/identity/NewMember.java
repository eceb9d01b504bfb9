package io.silo.app.identity;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * A new user of an organization, as its administrator asks for it. Values arrive unchecked;
 * {@link Users#create} checks them.
 *
 * @param services the roles asked for, by service; an empty role is the service's default role
 * @param profile any JSON object, at most 16 KiB
 */
public record NewMember(
        Optional<String> email,
        Optional<String> username,
        String name,
        String password,
        Map<String, Optional<String>> services,
        JsonNode profile) {
    public NewMember {
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(password, "password");
        services = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(services, "services")));
        Objects.requireNonNull(profile, "profile");
    }

    @Override
    public String toString() {
        return "NewMember[" + email.orElse("") + " " + username.orElse("") + "]";
    }
}
