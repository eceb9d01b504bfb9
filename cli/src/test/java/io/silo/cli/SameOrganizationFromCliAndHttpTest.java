package io.silo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.postgres.jdbc.Jdbc;
import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
import io.silo.testing.TestPostgres;
import io.silo.testing.TestSilo;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code silo tenants create} and {@code POST /api/organizations} run the same application code: the
 * same organization asked for both ways gives the same registry entry, audit record and databases
 * (tables, first administrator), all but the ids, the name (and the slug and database names made
 * of it) and the actor.
 */
@SiloTest
class SameOrganizationFromCliAndHttpTest {
    private static final String PASSWORD = "correct horse battery";

    @Test
    void theCliAndTheHttpApiProvisionTheSameOrganization(TestSilo silo, SiloClient client, @TempDir Path dir)
            throws IOException {
        SiloClient admin = client.asAdmin();
        SiloClient.Response created = admin.post(
                "/api/organizations",
                Map.of(
                        "name", "Same Http",
                        "businessType", "retail",
                        "license", "pro",
                        "services", List.of("billing", "crm"),
                        "admin", Map.of("email", "boss@same.example", "name", "Boss", "password", PASSWORD)));
        assertThat(created.status()).as(created.text()).isEqualTo(201);

        Path password = dir.resolve("password.txt");
        Files.writeString(password, PASSWORD + "\n");
        String[] args = {
            "tenants", "create",
            "--config", CliConfigs.of(silo.config(), dir).toString(),
            "--name", "Same Cli",
            "--business-type", "retail",
            "--license", "pro",
            "--services", "billing,crm",
            "--admin-email", "boss@same.example",
            "--admin-name", "Boss",
            "--admin-password-file", password.toString()
        };
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertThat(Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args))
                .as(err.toString())
                .isZero();

        Jdbc control = silo.control();
        assertThat(registry(control, "same-cli")).isEqualTo(registry(control, "same-http"));
        assertThat(databases(control, "same-cli")).isEqualTo(databases(control, "same-http"));
        assertThat(audit(control, "same-cli")).isEqualTo(audit(control, "same-http"));
        for (String service : List.of("core", "billing", "crm")) {
            assertThat(tables(service + "_same_cli"))
                    .as(service)
                    .isNotEmpty()
                    .isEqualTo(tables(service + "_same_http"));
        }
        assertThat(firstAdmin("core_same_cli")).isEqualTo(firstAdmin("core_same_http"));
    }

    private static List<String> registry(Jdbc control, String slug) {
        return control.query(
                """
                SELECT replace(name, initcap(replace(slug, '-', ' ')), 'NAME'), business_type, status, license,
                       quotas::text, features::text
                FROM tenants WHERE slug = ?
                """,
                row -> String.join(
                        "|",
                        row.getString(1),
                        row.getString(2),
                        row.getString(3),
                        row.getString(4),
                        row.getString(5),
                        row.getString(6)),
                slug);
    }

    private static List<String> databases(Jdbc control, String slug) {
        return control.query(
                """
                SELECT d.service, d.cluster_id, replace(d.database_name, ?, 'SLUG'), d.template_version,
                       d.schema_version, d.state
                FROM tenant_databases d JOIN tenants t ON t.id = d.tenant_id
                WHERE t.slug = ? ORDER BY d.service
                """,
                row -> String.join(
                        "|",
                        row.getString(1),
                        row.getString(2),
                        row.getString(3),
                        row.getString(4),
                        row.getString(5),
                        row.getString(6)),
                slug.replace('-', '_'),
                slug);
    }

    private static List<String> audit(Jdbc control, String slug) {
        return control.query("""
                SELECT a.action, a.target_kind, replace(a.details::text, t.slug, 'SLUG')
                FROM audit_log a JOIN tenants t ON t.id = a.tenant_id
                WHERE t.slug = ? ORDER BY a.id
                """, row -> String.join("|", row.getString(1), row.getString(2), row.getString(3)), slug);
    }

    private static List<String> tables(String database) {
        return TestPostgres.primary().jdbc(database).query("""
                        SELECT table_schema || '.' || table_name FROM information_schema.tables
                        WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1
                        """, row -> row.getString(1));
    }

    private static List<String> firstAdmin(String database) {
        return TestPostgres.primary()
                .jdbc(database)
                .query(
                        """
                        SELECT u.email, u.name, u.status, string_agg(m.service || ':' || m.role, ',' ORDER BY m.service)
                        FROM users u JOIN memberships m ON m.user_id = u.id GROUP BY u.id
                        """,
                        row -> String.join(
                                "|", row.getString(1), row.getString(2), row.getString(3), row.getString(4)));
    }
}
