package io.silo.client;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Credentials for {@link SiloApi#signIn}: a member of an organization (by organization and email or
 * username, or a login alone when it belongs to one organization only), or a platform administrator.
 *
 * <p>Immutable. {@link #toString()} never shows the password.
 */
public final class SignIn {
    private final String path;
    private final Map<String, Object> body;

    private SignIn(String path, Map<String, Object> body) {
        this.path = path;
        this.body = Map.copyOf(body);
    }

    /** A member by organization (id, slug or external id) and email. */
    public static SignIn member(String organization, String email, String password) {
        return member("organization", organization, "email", email, password);
    }

    /** A member by organization and username (the school's way). */
    public static SignIn memberByUsername(String organization, String username, String password) {
        return member("organization", organization, "username", username, password);
    }

    /** A member by email alone: signs in when the email belongs to exactly one organization. */
    public static SignIn email(String email, String password) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("email", Objects.requireNonNull(email, "email"));
        body.put("password", Objects.requireNonNull(password, "password"));
        return new SignIn("/api/auth/login", body);
    }

    /** A member by username alone: signs in when the username belongs to exactly one organization. */
    public static SignIn username(String username, String password) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("username", Objects.requireNonNull(username, "username"));
        body.put("password", Objects.requireNonNull(password, "password"));
        return new SignIn("/api/auth/login", body);
    }

    /** A platform administrator without a second factor. */
    public static SignIn admin(String email, String password) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("email", Objects.requireNonNull(email, "email"));
        body.put("password", Objects.requireNonNull(password, "password"));
        return new SignIn("/api/admin/auth/login", body);
    }

    /** A platform administrator with the current code of their authenticator app. */
    public static SignIn admin(String email, String password, String totp) {
        Map<String, Object> body = new LinkedHashMap<>(admin(email, password).body);
        body.put("totp", Objects.requireNonNull(totp, "totp"));
        return new SignIn("/api/admin/auth/login", body);
    }

    private static SignIn member(String orgKey, String organization, String loginKey, String login, String password) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(orgKey, Objects.requireNonNull(organization, "organization"));
        body.put(loginKey, Objects.requireNonNull(login, loginKey));
        body.put("password", Objects.requireNonNull(password, "password"));
        return new SignIn("/api/auth/login", body);
    }

    String path() {
        return path;
    }

    Map<String, Object> body() {
        return body;
    }

    @Override
    public String toString() {
        return "SignIn[" + path + " " + body.keySet() + "]";
    }
}
