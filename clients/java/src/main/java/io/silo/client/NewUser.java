package io.silo.client;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A user to create: an email or a username (or both), a name, a password that meets the
 * organization's policy, roles by service ({@code core} is {@code member} unless asked) and a profile.
 *
 * <p>Immutable: each method answers a new request.
 */
public final class NewUser {
    private final Map<String, Object> body;

    private NewUser(Map<String, Object> body) {
        this.body = Map.copyOf(body);
    }

    public static NewUser withEmail(String email, String name, String password) {
        return new NewUser(Map.of(
                "email", Objects.requireNonNull(email, "email"),
                "name", Objects.requireNonNull(name, "name"),
                "password", Objects.requireNonNull(password, "password")));
    }

    public static NewUser withUsername(String username, String name, String password) {
        return new NewUser(Map.of(
                "username", Objects.requireNonNull(username, "username"),
                "name", Objects.requireNonNull(name, "name"),
                "password", Objects.requireNonNull(password, "password")));
    }

    public NewUser username(String username) {
        return with("username", username);
    }

    /** The role per service, e.g. {@code {"billing": "manager"}}. */
    public NewUser services(Map<String, String> roles) {
        return with("services", Map.copyOf(roles));
    }

    /** Any JSON object up to 16 KiB. */
    public NewUser profile(Map<String, ?> profile) {
        return with("profile", Map.copyOf(profile));
    }

    Map<String, Object> body() {
        return body;
    }

    private NewUser with(String key, Object value) {
        Map<String, Object> next = new LinkedHashMap<>(body);
        next.put(key, Objects.requireNonNull(value, key));
        return new NewUser(next);
    }

    @Override
    public String toString() {
        return "NewUser" + body.keySet(); // never the password
    }
}
