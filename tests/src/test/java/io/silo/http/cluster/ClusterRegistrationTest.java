package io.silo.http.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.testing.SiloClient;
import io.silo.testing.TestPostgres;
import io.silo.testing.TestSilo;
import io.silo.testing.TestTenants;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/admin/clusters} registers a server at run time after checking it: a second
 * PostgreSQL server registered on a running one-cluster instance takes an organization that serves
 * data; a server that does not answer, refuses the credentials, or a URL with driver parameters is
 * refused with nothing stored; only platform administrators may register one.
 */
class ClusterRegistrationTest {

    @Test
    void aServerRegisteredAtRunTimeTakesAnOrganizationThatServesData() {
        TestPostgres second = TestPostgres.secondary();
        second.reset();
        try (TestSilo silo = TestSilo.start(1, Map.of())) {
            SiloClient admin = silo.client().asAdmin();
            SiloClient.Response registered = admin.post("/api/admin/clusters", registration(second, "pg2"));
            assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
            assertThat(registered.header("Location")).contains("/api/admin/clusters/pg2");
            assertThat(registered.json().path("labels").path("zone").asString()).isEqualTo("two");
            assertThat(registered.text()).doesNotContain(second.password());
            assertThat(silo.control()
                            .query("SELECT admin_password FROM clusters WHERE id = 'pg2'", row -> row.getString(1))
                            .getFirst())
                    .as("sealed")
                    .isNotEqualTo(second.password());

            TestTenants.TestTenant tenant = TestTenants.create(
                    silo.client(), "On Pg Two", List.of("billing"), Map.of("labels", Map.of("zone", "two")));
            assertThat(tenant.organization()
                            .path("databases")
                            .path(0)
                            .path("cluster")
                            .asString())
                    .isEqualTo("pg2");
            assertThat(tenant.client()
                            .post(
                                    "/api/data/billing/invoices",
                                    Map.of(
                                            "number", "PG2-1",
                                            "customer", Map.of("name", "Acme"),
                                            "status", "draft",
                                            "currency", "EUR",
                                            "total", 10,
                                            "issueDate", "2026-11-01",
                                            "items",
                                                    List.of(Map.of(
                                                            "description", "x", "quantity", 1, "unitPrice", 10))))
                            .status())
                    .isEqualTo(201);

            SiloClient.Response again = admin.post("/api/admin/clusters", registration(second, "pg2"));
            assertThat(again.status()).isEqualTo(409);
            assertThat(again.problemType()).isEqualTo("cluster-exists");
            assertThat(silo.control()
                            .query(
                                    "SELECT details->>'serverVersion' FROM audit_log WHERE action = 'cluster.register'",
                                    row -> row.getString(1)))
                    .hasSize(1);
        }
    }

    @Test
    void anUnfitServerOrBadInputIsRefusedAndNothingIsStored() {
        TestPostgres second = TestPostgres.secondary();
        try (TestSilo silo = TestSilo.start(1, Map.of())) {
            SiloClient anonymous = silo.client();
            SiloClient admin = anonymous.asAdmin();
            TestTenants.TestTenant tenant = TestTenants.create(anonymous, "Not Ops Either", List.of("billing"));

            assertThat(anonymous
                            .post("/api/admin/clusters", registration(second, "pg2"))
                            .status())
                    .isEqualTo(401);
            assertThat(tenant.client()
                            .post("/api/admin/clusters", registration(second, "pg2"))
                            .problemType())
                    .isEqualTo("platform-admin-required");

            Map<String, Object> nobody = new HashMap<>(registration(second, "pg2"));
            nobody.put("url", "jdbc:postgresql://127.0.0.1:1/postgres");
            SiloClient.Response unreachable = admin.post("/api/admin/clusters", nobody);
            assertThat(unreachable.status()).isEqualTo(422);
            assertThat(unreachable.problemType()).isEqualTo("cluster-unusable");

            Map<String, Object> wrongPassword = new HashMap<>(registration(second, "pg2"));
            wrongPassword.put("password", "not-the-password");
            wrongPassword.put("user", "no_such_role");
            assertThat(admin.post("/api/admin/clusters", wrongPassword).problemType())
                    .isEqualTo("cluster-unusable");

            assertThat(problem(admin, second, "url", url(second) + "?socketFactory=java.lang.Object"))
                    .isEqualTo("invalid-cluster");
            assertThat(problem(admin, second, "id", "primary")).isEqualTo("invalid-cluster");
            assertThat(problem(admin, second, "id", "'; DROP TABLE clusters; --"))
                    .isEqualTo("invalid-cluster");
            assertThat(problem(admin, second, "capacity", 0)).isEqualTo("invalid-cluster");
            assertThat(problem(admin, second, "capacity", "many")).isEqualTo("invalid-json");
            assertThat(problem(admin, second, "labels", Map.of("bad key", "x"))).isEqualTo("invalid-labels");
            assertThat(problem(admin, second, "region", "eu")).isEqualTo("unknown-field");
            assertThat(problem(admin, second, "id", "")).isEqualTo("missing-field");

            assertThat(silo.control().query("SELECT id FROM clusters", row -> row.getString(1)))
                    .containsExactly("primary");
            assertThat(silo.control()
                            .query(
                                    "SELECT count(*) FROM audit_log WHERE action = 'cluster.register'",
                                    row -> row.getLong(1)))
                    .containsExactly(0L);
        }
    }

    private static String problem(SiloClient admin, TestPostgres server, String field, Object value) {
        Map<String, Object> body = new HashMap<>(registration(server, "pg2"));
        body.put(field, value);
        SiloClient.Response response = admin.post("/api/admin/clusters", body);
        assertThat(response.status()).as(field + "=" + value + ": " + response).isEqualTo(400);
        return response.problemType();
    }

    private static Map<String, Object> registration(TestPostgres server, String id) {
        return Map.of(
                "id",
                id,
                "url",
                url(server),
                "user",
                server.user(),
                "password",
                server.password(),
                "labels",
                Map.of("zone", "two"));
    }

    /** The server's maintenance database, without the driver parameters a registration refuses. */
    private static String url(TestPostgres server) {
        return server.url("postgres").replaceFirst("[?].*", "");
    }
}
