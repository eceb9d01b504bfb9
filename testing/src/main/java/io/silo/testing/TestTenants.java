package io.silo.testing;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Organizations for tests, made through the public API: create one as the platform
 * administrator, then sign in as its first administrator.
 *
 * <p>Thread-safe.
 */
public final class TestTenants {
    public static final String PASSWORD = "correct horse battery";

    private TestTenants() {}

    /** A created organization and a client signed in as its first administrator. */
    public record TestTenant(String id, String slug, String adminEmail, SiloClient client, JsonNode organization) {
        /** The name of this organization's database of {@code service}. */
        public String database(String service) {
            for (JsonNode database : organization.path("databases")) {
                if (database.path("service").asString().equals(service)) {
                    return database.path("name").asString();
                }
            }
            throw new AssertionError("no " + service + " database in " + organization);
        }
    }

    /** Creates an active organization with these services and signs in as its administrator. */
    public static TestTenant create(SiloClient anyClient, String name, List<String> services) {
        return create(anyClient, name, services, Map.of());
    }

    /** As {@link #create(SiloClient, String, List)}, with more fields for the create request. */
    public static TestTenant create(
            SiloClient anyClient, String name, List<String> services, Map<String, Object> extra) {
        String email = "admin@" + name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "") + ".example";
        Map<String, Object> body = new HashMap<>(Map.of(
                "name",
                name,
                "services",
                services,
                "admin",
                Map.of("email", email, "name", "Admin of " + name, "password", PASSWORD)));
        body.putAll(extra);
        SiloClient.Response created = anyClient.asAdmin().post("/api/organizations", body);
        if (created.status() != 201) {
            throw new AssertionError("creating " + name + " failed: " + created);
        }
        JsonNode organization = created.json();
        String slug = organization.path("slug").asString();
        String token =
                anyClient.login("/api/auth/login", Map.of("organization", slug, "email", email, "password", PASSWORD));
        return new TestTenant(organization.path("id").asString(), slug, email, anyClient.as(token), organization);
    }

    /**
     * Adds a member to the organization, as its first administrator, with {@link #PASSWORD} and
     * these roles by service (e.g. {@code billing=manager}); returns the created user.
     */
    public static JsonNode addMember(TestTenant tenant, String email, Map<String, String> roles) {
        SiloClient.Response created = tenant.client()
                .post(
                        "/api/users",
                        Map.of("email", email, "name", "Member " + email, "password", PASSWORD, "services", roles));
        if (created.status() != 201) {
            throw new AssertionError("adding " + email + " to " + tenant.slug() + " failed: " + created);
        }
        return created.json();
    }

    /** Signs in as another member of an organization. */
    public static SiloClient signIn(SiloClient anyClient, String organization, String email, String password) {
        return anyClient.as(anyClient.login(
                "/api/auth/login", Map.of("organization", organization, "email", email, "password", password)));
    }
}
