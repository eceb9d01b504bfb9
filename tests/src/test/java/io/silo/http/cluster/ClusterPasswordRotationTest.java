package io.silo.http.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.cluster.Cluster;
import io.silo.testing.SiloClient;
import io.silo.testing.TestPostgres;
import io.silo.testing.TestSilo;
import io.silo.testing.TestTenants;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * A cluster registered at run time gets a new administrative password: the server's role has it,
 * the old one is refused, the control database holds it sealed, and what needs an administrative
 * connection (a service added to an organization there) works on, also after a restart. A
 * cluster of the configuration is refused: its credentials are the configuration's.
 */
class ClusterPasswordRotationTest {
    private static final String ADMIN_ROLE = "silo_rotating_admin";
    private static final String FIRST_PASSWORD = "first-admin-password";

    @Test
    void aRunTimeClusterRotatesItsAdministrativePasswordAndKeepsWorking() {
        TestPostgres second = secondWithAdministrativeRole();
        try (TestSilo silo = TestSilo.start(1, Map.of())) {
            SiloClient admin = silo.client().asAdmin();
            SiloClient.Response registered = register(admin, second);
            assertThat(registered.status()).as(registered.text()).isEqualTo(201);
            TestTenants.TestTenant tenant = TestTenants.create(
                    silo.client(), "Rotating Cluster", List.of("billing"), Map.of("labels", Map.of("zone", "two")));

            SiloClient.Response rotated = admin.post("/api/admin/clusters/pg2/rotate-password", Map.of());

            assertThat(rotated.status()).as(rotated.text()).isEqualTo(200);
            assertThat(rotated.json().path("id").asString()).isEqualTo("pg2");
            Cluster now = silo.silo().application().clusters().find("pg2").orElseThrow();
            assertThat(now.password()).isNotEqualTo(FIRST_PASSWORD);
            assertThat(rotated.text()).doesNotContain(now.password());
            assertThat(loginState(second, FIRST_PASSWORD))
                    .as("the old password")
                    .isEqualTo("28P01");
            assertThat(loginState(second, now.password())).as("the new one").isEqualTo("ok");
            assertThat(silo.silo().application().clusters().passwords("pg2"))
                    .as("nothing left staged")
                    .containsExactly(now.password());
            // an administrative connection on the cluster, opened after the rotation
            assertThat(admin.post("/api/organizations/" + tenant.slug() + "/services", Map.of("service", "crm"))
                            .status())
                    .isIn(201, 202);

            silo.restart();
            admin = silo.client().asAdmin();
            assertThat(admin.post("/api/organizations/" + tenant.slug() + "/rotate-role-password", Map.of())
                            .status())
                    .as("a role password set through the cluster's new administrative password")
                    .isEqualTo(200);
            SiloClient.Response configured = admin.post("/api/admin/clusters/primary/rotate-password", Map.of());
            assertThat(configured.status()).isEqualTo(409);
            assertThat(configured.problemType()).isEqualTo("cluster-configured");
            assertThat(silo.control()
                            .query(
                                    "SELECT count(*) FROM audit_log WHERE action = 'cluster.rotate-password'",
                                    row -> row.getLong(1)))
                    .containsExactly(1L);
        }
    }

    @Test
    void aRotationStoppedAfterTheServerChangedIsFinishedByHousekeeping() {
        TestPostgres second = secondWithAdministrativeRole();
        try (TestSilo silo = TestSilo.start(1, Map.of())) {
            SiloClient admin = silo.client().asAdmin();
            assertThat(register(admin, second).status()).isEqualTo(201);
            // a rotation killed after the server's role got the staged password, before its promotion
            var clusters = silo.silo().application().clusters();
            String staged =
                    clusters.stagePassword("pg2", "staged-admin-password").orElseThrow();
            second.admin().update("ALTER ROLE " + ADMIN_ROLE + " PASSWORD '" + staged + "'");
            assertThat(loginState(second, FIRST_PASSWORD)).isEqualTo("28P01");

            int finished = silo.silo().application().clusterAdmins().finishInterruptedRotations();

            assertThat(finished).isEqualTo(1);
            assertThat(clusters.passwords("pg2")).containsExactly(staged);
            assertThat(silo.silo().application().clusterAdmins().finishInterruptedRotations())
                    .as("nothing left to finish")
                    .isZero();
            TestTenants.TestTenant tenant = TestTenants.create(
                    silo.client(), "Interrupted Rotation", List.of("billing"), Map.of("labels", Map.of("zone", "two")));
            assertThat(tenant.database("billing"))
                    .as("provisioned through the promoted password")
                    .isNotBlank();
        }
    }

    /** The secondary server, reset, with an administrative role that is no superuser. */
    private static TestPostgres secondWithAdministrativeRole() {
        TestPostgres second = TestPostgres.secondary();
        second.reset();
        second.admin()
                .update("CREATE ROLE " + ADMIN_ROLE + " LOGIN CREATEDB CREATEROLE PASSWORD '" + FIRST_PASSWORD + "'");
        // Silo closes a cluster's maintenance databases to PUBLIC; an administrative role that is no superuser is let
        // in
        second.admin().update("GRANT CONNECT ON DATABASE postgres TO " + ADMIN_ROLE);
        return second;
    }

    /** Registers {@code second} at run time as cluster {@code pg2}, labelled {@code zone=two}. */
    private static SiloClient.Response register(SiloClient admin, TestPostgres second) {
        return admin.post(
                "/api/admin/clusters",
                Map.of(
                        "id",
                        "pg2",
                        "url",
                        second.url("postgres").replaceFirst("[?].*", ""),
                        "user",
                        ADMIN_ROLE,
                        "password",
                        FIRST_PASSWORD,
                        "labels",
                        Map.of("zone", "two")));
    }

    /** {@code ok}, or the SQLSTATE with which the server refuses the administrative role's login. */
    private static String loginState(TestPostgres server, String password) {
        Properties props = new Properties();
        props.setProperty("user", ADMIN_ROLE);
        props.setProperty("password", password);
        try (var connection = DriverManager.getConnection(server.url("postgres"), props)) {
            return connection.isValid(1) ? "ok" : "invalid";
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }
}
