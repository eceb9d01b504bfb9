package io.silo.http.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.testing.SiloClient;
import io.silo.testing.TestPostgres;
import io.silo.testing.TestSilo;
import io.silo.testing.TestTenants;
import io.silo.testing.TestTenants.TestTenant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /api/admin/organizations/{org}/connectivity} (issue 19, the console's tenant page):
 * each database of an organization checked now, with its server's version; a cluster that is down
 * is reported on its databases' rows, never as a 500. Its own Silo: the test points a cluster of
 * the registry at a port where nothing listens.
 */
class OrganizationConnectivityTest {
    private static TestSilo silo;
    private static SiloClient admin;
    private static TestTenant tenant;

    @BeforeAll
    static void start() {
        silo = TestSilo.start(2, Map.of());
        admin = silo.client().asAdmin();
        tenant =
                TestTenants.create(silo.client(), "Connected Shop", List.of("billing"), Map.of("cluster", "secondary"));
    }

    @AfterAll
    static void stop() {
        silo.close();
    }

    @Test
    void eachDatabaseAnswersWithItsServersVersion() {
        SiloClient.Response response = admin.get("/api/admin/organizations/" + tenant.slug() + "/connectivity");

        assertThat(response.status()).as(response.text()).isEqualTo(200);
        JsonNode databases = response.json().path("databases");
        assertThat(databases.findValuesAsString("service")).containsExactlyInAnyOrder("core", "billing");
        String version = TestPostgres.secondary()
                .admin()
                .query("SHOW server_version", row -> row.getString(1))
                .getFirst();
        for (JsonNode database : databases) {
            assertThat(database.path("cluster").asString()).isEqualTo("secondary");
            assertThat(database.path("state").asString()).isEqualTo("ready");
            assertThat(database.path("reachable").asBoolean())
                    .as(database.toString())
                    .isTrue();
            assertThat(database.path("version").asString()).isEqualTo(version);
            assertThat(database.path("latencyMs").asLong()).isNotNegative();
        }
        assertThat(databases.findValuesAsString("name"))
                .containsExactlyInAnyOrderElementsOf(
                        tenant.organization().path("databases").findValuesAsString("name"));
    }

    @Test
    void aClusterThatIsDownIsReportedOnItsDatabasesAndTheAnswerIsStill200() {
        String url = silo.control()
                .queryOne("SELECT jdbc_url FROM clusters WHERE id = 'secondary'", row -> row.getString(1))
                .orElseThrow();
        silo.control()
                .update(
                        "UPDATE clusters SET jdbc_url = 'jdbc:postgresql://127.0.0.1:1/postgres' WHERE id = 'secondary'");
        try {
            SiloClient.Response response = admin.get("/api/admin/organizations/" + tenant.slug() + "/connectivity");

            assertThat(response.status()).as(response.text()).isEqualTo(200);
            for (JsonNode database : response.json().path("databases")) {
                assertThat(database.path("reachable").asBoolean()).isFalse();
                assertThat(database.path("error").asString())
                        .startsWith("cannot reach jdbc:postgresql://127.0.0.1:1/"
                                + database.path("name").asString());
                assertThat(database.has("version")).isFalse();
            }
            String password = TestPostgres.secondary().password();
            if (!password.isEmpty()) {
                assertThat(response.text()).doesNotContain(password);
            }
        } finally {
            silo.control().update("UPDATE clusters SET jdbc_url = ? WHERE id = 'secondary'", url);
        }
    }

    @Test
    void onlyAPlatformAdministratorAsksAndAnUnknownOrganizationIs404() {
        String path = "/api/admin/organizations/" + tenant.slug() + "/connectivity";
        assertThat(silo.client().get(path).status()).isEqualTo(401);
        SiloClient.Response member = tenant.client().get(path);
        assertThat(member.status()).isEqualTo(403);
        assertThat(member.problemType()).isEqualTo("platform-admin-required");
        SiloClient.Response unknown = admin.get("/api/admin/organizations/nowhere/connectivity");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.problemType()).isEqualTo("organization-not-found");
    }
}
