package io.silo.http.identity;

import io.silo.identity.MemberProfile;
import io.silo.identity.User;
import io.silo.tenant.Tenant;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** How users and a member's organization look in JSON. Never a password hash: {@link User} has none. Stateless. */
public final class UserJson {
    private UserJson() {}

    /** A user as the user routes show it; {@code services} has the same shape the routes accept. */
    public static Map<String, Object> of(User user) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", user.id().toString());
        body.put("email", user.email().orElse(null));
        body.put("username", user.username().orElse(null));
        body.put("name", user.name());
        body.put("status", user.status());
        body.put("services", new TreeMap<>(user.roles()));
        body.put("profile", user.profile());
        body.put("lastLoginAt", user.lastLoginAt().map(Instant::toString).orElse(null));
        body.put("version", user.version());
        body.put("createdAt", user.createdAt().toString());
        body.put("updatedAt", user.updatedAt().toString());
        return body;
    }

    /** A member as other members see them: the public profile, {@code services} shaped as in {@link #of}. */
    public static Map<String, Object> member(MemberProfile member) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", member.id().toString());
        body.put("username", member.username().orElse(null));
        body.put("name", member.name());
        body.put("services", new TreeMap<>(member.roles()));
        return body;
    }

    /** The signed-in user, as sign-in and who-am-I show it. */
    public static Map<String, Object> self(User user) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", user.id().toString());
        body.put("email", user.email().orElse(null));
        body.put("username", user.username().orElse(null));
        body.put("name", user.name());
        body.put("roles", new TreeMap<>(user.roles()));
        return body;
    }

    /** The organization as its members see it. */
    public static Map<String, Object> organization(Tenant tenant) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", tenant.id().toString());
        body.put("slug", tenant.slug());
        body.put("name", tenant.name());
        body.put("businessType", tenant.businessType().orElse(null));
        return body;
    }

    /** The answer to a sign-in: the tokens, the user, the organization and the services the user may use. */
    public static Map<String, Object> signedIn(
            Map<String, Object> tokens, User user, Tenant tenant, List<String> services) {
        Map<String, Object> body = new LinkedHashMap<>(tokens);
        body.put("user", self(user));
        body.put("organization", organization(tenant));
        body.put("services", services);
        return body;
    }
}
