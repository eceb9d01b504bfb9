package io.silo.app.signup;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A self-service sign-up, as a client sends it: the organization asked for and its first
 * administrator. Values arrive unchecked; {@link Signups#start} checks them, after its throttles.
 */
public record SignUp(Optional<Organization> organization, Optional<Admin> admin) {
    public SignUp {
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(admin, "admin");
    }

    /** The organization of a sign-up: less than a platform administrator may set. */
    public record Organization(
            String name, Optional<String> slug, Optional<String> businessType, List<String> services) {
        public Organization {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(slug, "slug");
            Objects.requireNonNull(businessType, "businessType");
            services = Collections.unmodifiableList(new ArrayList<>(Objects.requireNonNull(services, "services")));
        }
    }

    /**
     * The first administrator; the password as typed. The email is required (the verification mail
     * goes there); a username too is for organizations whose naming pattern uses it
     * ({@code {adminUsername}}, the school's) or whose members sign in by username.
     */
    public record Admin(String email, Optional<String> username, String name, String password) {
        public Admin {
            Objects.requireNonNull(email, "email");
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(password, "password");
        }

        @Override
        public String toString() {
            return "Admin[" + email + " " + username.orElse("") + "]";
        }
    }
}
