package io.silo.cli;

import static io.silo.testing.TestInvoices.invoice;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.json.Json;
import io.silo.testing.TestSilo;
import io.silo.testing.TestTenants;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code silo move ORG --to CLUSTER} moves an organization of a running instance to the other
 * server, the job run in the command's process: the instance serves the organization from there at
 * once, with its documents; the move is audited with the operator as actor; a second move to the same
 * cluster is refused and changes nothing. {@code silo drain CLUSTER} moves every organization off it.
 */
class MoveCommandTest {

    @Test
    void anOperatorMovesAnOrganizationOfARunningInstanceToTheOtherServer(@TempDir Path dir) throws IOException {
        try (TestSilo silo = TestSilo.start(2, Map.of())) {
            String config = CliConfigs.of(silo.config(), dir).toString();
            TestTenants.TestTenant tenant =
                    TestTenants.create(silo.client(), "Cli Mover", List.of("billing"), Map.of("cluster", "primary"));
            for (int index = 0; index < 5; index++) {
                assertThat(tenant.client()
                                .post("/api/data/billing/invoices", invoice("CLI-" + index))
                                .status())
                        .isEqualTo(201);
            }

            StringWriter out = new StringWriter();
            assertThat(run(out, "move", tenant.slug(), "--to", "secondary", "--json", "--config", config))
                    .as(out.toString())
                    .isZero();
            JsonNode summary = Json.mapper().readTree(out.toString().strip());
            assertThat(summary.path("to").asString()).isEqualTo("secondary");
            assertThat(summary.path("method").asString()).isEqualTo("logical");
            assertThat(summary.path("fenceMs").asLong()).isNotNegative();
            assertThat(summary.path("counts").path("billing").path("invoices").asLong())
                    .isEqualTo(5);

            assertThat(silo.control()
                            .query(
                                    "SELECT DISTINCT cluster_id FROM tenant_databases WHERE tenant_id = ?::uuid",
                                    row -> row.getString(1),
                                    tenant.id()))
                    .containsExactly("secondary");
            assertThat(tenant.client()
                            .get("/api/data/billing/invoices/_count")
                            .json()
                            .path("count")
                            .asLong())
                    .isEqualTo(5);
            assertThat(tenant.client()
                            .post("/api/data/billing/invoices", invoice("CLI-after"))
                            .status())
                    .isEqualTo(201);
            assertThat(silo.control()
                            .query(
                                    "SELECT actor_kind FROM audit_log WHERE action = 'organization.move'",
                                    row -> row.getString(1)))
                    .containsExactly("operator");

            assertThat(run(new StringWriter(), "move", tenant.slug(), "--to", "secondary", "--config", config))
                    .as("on that cluster already")
                    .isEqualTo(1);
        }
    }

    @Test
    void anOperatorPlacesOneServiceApartAndMovesItBackAlone(@TempDir Path dir) throws IOException {
        try (TestSilo silo = TestSilo.start(2, Map.of())) {
            String config = CliConfigs.of(silo.config(), dir).toString();
            Path password = java.nio.file.Files.writeString(dir.resolve("password"), TestTenants.PASSWORD);
            StringWriter created = new StringWriter();
            assertThat(run(
                            created,
                            "tenants",
                            "create",
                            "--config",
                            config,
                            "--name",
                            "Cli Apart",
                            "--services",
                            "billing,crm",
                            "--service-cluster",
                            "billing=secondary",
                            "--service-labels",
                            "crm=zone:b",
                            "--cluster",
                            "primary",
                            "--admin-email",
                            "boss@apart.example",
                            "--admin-password-file",
                            password.toString()))
                    .as(created.toString())
                    .isZero();
            assertThat(clusters(silo, "cli-apart"))
                    .isEqualTo(Map.of("core", "primary", "billing", "secondary", "crm", "secondary"));

            StringWriter out = new StringWriter();
            assertThat(run(
                            out,
                            "move",
                            "cli-apart",
                            "--to",
                            "primary",
                            "--service",
                            "billing",
                            "--json",
                            "--config",
                            config))
                    .as(out.toString())
                    .isZero();
            assertThat(Json.mapper()
                            .readTree(out.toString().strip())
                            .path("services")
                            .toString())
                    .isEqualTo("[\"billing\"]");
            assertThat(clusters(silo, "cli-apart"))
                    .as("only billing moved")
                    .isEqualTo(Map.of("core", "primary", "billing", "primary", "crm", "secondary"));
        }
    }

    private static Map<String, String> clusters(TestSilo silo, String slug) {
        Map<String, String> clusters = new java.util.TreeMap<>();
        silo.control()
                .query(
                        "SELECT d.service, d.cluster_id FROM tenant_databases d JOIN tenants t ON t.id = d.tenant_id"
                                + " WHERE t.slug = ?",
                        row -> clusters.put(row.getString(1), row.getString(2)),
                        slug);
        return clusters;
    }

    @Test
    void anOperatorDrainsAClusterAndTheOrganizationsLandOnTheOther(@TempDir Path dir) throws IOException {
        try (TestSilo silo = TestSilo.start(2, Map.of())) {
            String config = CliConfigs.of(silo.config(), dir).toString();
            TestTenants.TestTenant tenant = TestTenants.create(
                    silo.client(), "Cli Drained", List.of("billing"), Map.of("cluster", "secondary"));

            StringWriter out = new StringWriter();
            assertThat(run(out, "drain", "secondary", "--parallel", "1", "--json", "--config", config))
                    .as(out.toString())
                    .isZero();
            assertThat(Json.mapper()
                            .readTree(out.toString().strip())
                            .path("drained")
                            .asBoolean())
                    .isTrue();
            assertThat(silo.control()
                            .query(
                                    "SELECT DISTINCT cluster_id FROM tenant_databases WHERE tenant_id = ?::uuid",
                                    row -> row.getString(1),
                                    tenant.id()))
                    .containsExactly("primary");
            assertThat(tenant.client().get("/api/data/billing/invoices/_count").status())
                    .isEqualTo(200);
            assertThat(run(new StringWriter(), "drain", "nowhere", "--config", config))
                    .as("an unknown cluster")
                    .isEqualTo(1);
        }
    }

    private static int run(StringWriter out, String... args) {
        StringWriter err = new StringWriter();
        return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }
}
