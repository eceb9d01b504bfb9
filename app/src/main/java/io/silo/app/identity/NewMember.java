package io.silo.app.identity;

import java.util.Objects;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * A new user of an organization, as its administrator asks for it. Values arrive unchecked;
 * {@link Users#create} checks them.
 *
 * @param services the roles asked for, by service, as JSON: an object of service to role (a null role
 *     is the service's default) or an array of services, each with its default role; read by {@link
 *     Users#create} after it has checked the caller, as every other field is
 * @param profile any JSON object, at most 16 KiB
 */
public record NewMember(
        Optional<String> email,
        Optional<String> username,
        String name,
        String password,
        JsonNode services,
        JsonNode profile) {
    public NewMember {
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(services, "services");
        Objects.requireNonNull(profile, "profile");
    }

    @Override
    public String toString() {
        return "NewMember[" + email.orElse("") + " " + username.orElse("") + "]";
    }
}
