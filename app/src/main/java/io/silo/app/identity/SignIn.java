package io.silo.app.identity;

import java.util.Objects;
import java.util.Optional;

/**
 * A member's sign-in, as any client sends it: an organization (id or slug) when needed, an email or
 * a username, and the password exactly as typed. Values arrive unchecked; {@link MemberLogin} checks
 * them.
 */
public record SignIn(
        Optional<String> organization, Optional<String> email, Optional<String> username, String password) {
    public SignIn {
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
    }

    @Override
    public String toString() {
        return "SignIn[" + organization.orElse("") + " " + email.orElse("") + " " + username.orElse("") + "]";
    }
}
