package io.silo.http.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.testing.Eventually;
import io.silo.testing.SiloClient;
import io.silo.testing.TestPostgres;
import io.silo.testing.TestSilo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/** Organizations and members for identity tests, made through the real HTTP API. */
final class IdentityFixtures {
    static final String PASSWORD = "correct horse battery";

    private IdentityFixtures() {}

    /** Creates an organization whose first administrator is {@code adminEmail} with {@link #PASSWORD}; returns it. */
    static JsonNode create(
            SiloClient platformAdmin,
            String slug,
            List<String> services,
            String adminEmail,
            Map<String, Object> extra) {
        Map<String, Object> body = new HashMap<>(Map.of(
                "name",
                "Org " + slug,
                "slug",
                slug,
                "services",
                services,
                "admin",
                Map.of("email", adminEmail, "name", "Admin of " + slug, "password", PASSWORD)));
        body.putAll(extra);
        SiloClient.Response response = platformAdmin.post("/api/organizations", body);
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        return response.json();
    }

    /** Signs in through {@code POST /api/auth/login}; fails the test unless it answers 200. */
    static JsonNode login(SiloClient client, Map<String, Object> body) {
        SiloClient.Response response = client.post("/api/auth/login", body);
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return response.json();
    }

    /** A client signed in as the member with this organization, email and password. */
    static SiloClient member(SiloClient client, String org, String email, String password) {
        return client.as(login(client, Map.of("organization", org, "email", email, "password", password))
                .path("accessToken")
                .asString());
    }

    /** Creates a user through {@code POST /api/users} as {@code admin}; returns it. */
    static JsonNode user(SiloClient admin, Map<String, Object> body) {
        SiloClient.Response response = admin.post("/api/users", body);
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        return response.json();
    }

    /** The name of an organization's core database, from the control plane. */
    static String coreDatabase(TestSilo silo, String organization) {
        return silo.control()
                .query(
                        "SELECT d.database_name FROM tenant_databases d JOIN tenants t ON t.id = d.tenant_id"
                                + " WHERE t.slug = ? AND d.service = 'core'",
                        row -> row.getString(1),
                        organization)
                .getFirst();
    }

    /**
     * Waits until the account of {@code email} is stored as locked: a wrong password's failure count
     * is written just after the answer.
     */
    static void awaitLocked(TestSilo silo, String organization, String email) {
        String core = coreDatabase(silo, organization);
        Eventually.until(
                email + " locked",
                () -> !TestPostgres.primary()
                        .jdbc(core)
                        .query(
                                "SELECT 1 FROM users WHERE email = ? AND locked_until IS NOT NULL",
                                row -> row.getInt(1),
                                email)
                        .isEmpty());
    }

    /** The mails of the local mailbox addressed to {@code to}, oldest first. */
    static List<Path> mailsTo(TestSilo silo, String to) {
        Path mailbox = silo.config().dataDir().resolve("mail");
        if (!Files.isDirectory(mailbox)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(mailbox)) {
            return files.filter(file -> file.toString().endsWith(".eml"))
                    .filter(file -> read(file).lines().anyMatch(line -> line.startsWith("To: ") && line.contains(to)))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A mail's text. */
    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
