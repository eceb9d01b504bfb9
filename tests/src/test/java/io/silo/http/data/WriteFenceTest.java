package io.silo.http.data;

import static io.silo.http.data.Invoices.invoice;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.testing.Eventually;
import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
import io.silo.testing.TestSilo;
import io.silo.testing.TestTenants;
import io.silo.testing.TestTenants.TestTenant;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A write-fenced database (a migration step or a move, set here by hand in the control database):
 * reads go on, writes get 503 with Retry-After, a refresh goes on and never ends the session, and
 * lifting the fence lets writes through again; every instance follows through LISTEN/NOTIFY.
 */
@SiloTest
class WriteFenceTest {
    @Test
    void readsGoOnWritesWaitAndSessionsSurvive(TestSilo silo, SiloClient anonymous) {
        TestTenant acme = TestTenants.create(anonymous, "Fenced Co", List.of("billing"));
        SiloClient member = acme.client();
        String invoices = "/api/data/billing/invoices";
        assertThat(member.post(invoices, invoice("F-1", "Ada", "draft", 10)).status())
                .isEqualTo(201);
        JsonNode session = anonymous
                .post(
                        "/api/auth/login",
                        Map.of(
                                "organization",
                                acme.slug(),
                                "email",
                                acme.adminEmail(),
                                "password",
                                TestTenants.PASSWORD))
                .json();

        fence(silo, acme, "billing", "write-fenced");
        SiloClient.Response refused = Eventually.get(
                Duration.ofSeconds(5),
                () -> member.post(invoices, invoice("F-2", "Bob", "draft", 20)),
                response -> response.status() == 503);

        assertThat(refused.problemType()).isEqualTo("database-fenced");
        assertThat(refused.header("Retry-After")).contains("2");
        assertThat(member.get(invoices).status()).as("reads go on").isEqualTo(200);
        assertThat(member.post(
                                "/api/data/billing/_batch",
                                Map.of(
                                        "operations",
                                        List.of(Map.of(
                                                "op",
                                                "insert",
                                                "collection",
                                                "invoices",
                                                "body",
                                                invoice("F-3", "Cy", "draft", 30)))))
                        .problemType())
                .isEqualTo("database-fenced");
        SiloClient.Response refreshed = anonymous.post(
                "/api/auth/refresh",
                Map.of("refreshToken", session.path("refreshToken").asString()));
        assertThat(refreshed.status())
                .as("a refresh during a fence keeps the session")
                .isEqualTo(200);

        fence(silo, acme, "core", "write-fenced");
        SiloClient.Response userChange = Eventually.get(
                Duration.ofSeconds(5),
                () -> member.post(
                        "/api/users",
                        Map.of("email", "new@fenced.example", "name", "N", "password", TestTenants.PASSWORD)),
                response -> response.status() == 503);
        assertThat(userChange.problemType()).isEqualTo("database-fenced");
        assertThat(member.get("/api/users").status()).isEqualTo(200);
        SiloClient.Response refreshedAgain = anonymous.post(
                "/api/auth/refresh",
                Map.of("refreshToken", refreshed.json().path("refreshToken").asString()));
        assertThat(refreshedAgain.status())
                .as("a fenced core database does not end sessions")
                .isEqualTo(200);
        SiloClient.Response signIn = anonymous.post(
                "/api/auth/login",
                Map.of("organization", acme.slug(), "email", acme.adminEmail(), "password", TestTenants.PASSWORD));
        assertThat(signIn.problemType())
                .as("a sign-in records itself in the core database")
                .isEqualTo("database-fenced");
        assertThat(anonymous
                        .post(
                                "/api/auth/login",
                                Map.of(
                                        "organization",
                                        acme.slug(),
                                        "email",
                                        acme.adminEmail(),
                                        "password",
                                        "a wrong password!"))
                        .problemType())
                .as("a wrong password is still just wrong")
                .isEqualTo("invalid-credentials");

        fence(silo, acme, "billing", "ready");
        fence(silo, acme, "core", "ready");
        Eventually.get(
                Duration.ofSeconds(5),
                () -> member.post(invoices, invoice("F-4", "Dee", "draft", 40)).status(),
                status -> status == 201);
        assertThat(member.post(
                                "/api/users",
                                Map.of("email", "new@fenced.example", "name", "N", "password", TestTenants.PASSWORD))
                        .status())
                .isEqualTo(201);
    }

    /**
     * A rolling upgrade half done: a newer release brought the database beyond the newest version
     * of the template this instance knows. It would check writes against older rules and schemas,
     * so it refuses them; reads go on.
     */
    @Test
    void aDatabaseNewerThanThisInstanceKnowsTakesNoWritesFromIt(TestSilo silo, SiloClient anonymous) {
        TestTenant acme = TestTenants.create(anonymous, "Newer Co", List.of("billing"));
        SiloClient member = acme.client();
        String invoices = "/api/data/billing/invoices";
        assertThat(member.post(invoices, invoice("N-1", "Ada", "draft", 10)).status())
                .isEqualTo(201);

        silo.control()
                .update(
                        "UPDATE tenant_databases SET schema_version = schema_version + 1"
                                + " WHERE tenant_id = ?::uuid AND service = 'billing'",
                        acme.id());
        SiloClient.Response refused = Eventually.get(
                Duration.ofSeconds(5),
                () -> member.post(invoices, invoice("N-2", "Bob", "draft", 20)),
                response -> response.status() == 503);

        assertThat(refused.problemType()).isEqualTo("database-version-unknown");
        assertThat(refused.header("Retry-After")).contains("2");
        assertThat(member.get(invoices).status()).as("reads go on").isEqualTo(200);
    }

    private static void fence(TestSilo silo, TestTenant tenant, String service, String state) {
        silo.control()
                .update(
                        "UPDATE tenant_databases SET state = ? WHERE tenant_id = ?::uuid AND service = ?",
                        state,
                        tenant.id(),
                        service);
    }
}
