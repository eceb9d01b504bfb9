package io.silo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.json.Json;
import io.silo.testing.TestPostgres;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code silo tenants …} drives the same lifecycle as the HTTP API, in-process. */
class TenantsCommandTest {
    @TempDir
    static Path dir;

    static Path config;
    static Path password;

    @BeforeAll
    static void configure() throws IOException {
        TestPostgres postgres = TestPostgres.primary();
        postgres.reset();
        config = dir.resolve("silo.yaml");
        Files.writeString(config, """
                data: {dir: %s}
                master: {key: "%s"}
                database: {url: "%s", user: %s, password: "%s"}
                passwords: {memoryKib: 4096, iterations: 1}
                """.formatted(
                        dir.resolve("data"),
                        Base64.getEncoder().encodeToString(new byte[32]),
                        postgres.url("silo"),
                        postgres.user(),
                        postgres.password()));
        password = dir.resolve("password.txt");
        Files.writeString(password, "correct horse battery\n");
    }

    @Test
    void createNamesADatabaseAndAnExternalIdThatNamesTheOrganizationToo() {
        Outcome created = run(
                "tenants",
                "create",
                "--config",
                config.toString(),
                "--name",
                "Mobile Shop",
                "--slug",
                "mobile",
                "--business-type",
                "mobile",
                "--services",
                "erp",
                "--database",
                "erp=mobile_shop_db",
                "--external-id",
                "656f1c2a9b1e8a0012345678",
                "--admin-email",
                "owner@mobile.example",
                "--admin-password-file",
                password.toString());
        assertThat(created.code()).as(created.err()).isEqualTo(0);
        assertThat(created.out()).contains("mobile_shop_db");

        Outcome shown = run("tenants", "show", "656f1c2a9b1e8a0012345678", "--config", config.toString(), "--json");
        assertThat(shown.code()).as(shown.err()).isEqualTo(0);
        assertThat(Json.read(shown.out()).path("slug").asString()).isEqualTo("mobile");
    }

    @Test
    void createListShowSuspendActivateDelete() {
        Outcome created = run(
                "tenants",
                "create",
                "--config",
                config.toString(),
                "--name",
                "Cli Corp",
                "--services",
                "billing,crm",
                "--admin-email",
                "boss@cli.example",
                "--admin-password-file",
                password.toString());
        assertThat(created.code()).as(created.err()).isEqualTo(0);
        assertThat(created.out()).contains("cli-corp", "active", "billing_cli_corp", "crm_cli_corp");

        Outcome listed = run("tenants", "list", "--config", config.toString(), "--json");
        JsonNode tenants = Json.read(listed.out());
        assertThat(tenants.findValuesAsString("slug")).contains("cli-corp");

        assertThat(run("tenants", "suspend", "cli-corp", "--reason", "audit", "--config", config.toString())
                        .out())
                .contains("suspended: audit");
        assertThat(run("tenants", "activate", "cli-corp", "--config", config.toString())
                        .out())
                .contains("active");
        assertThat(run("tenants", "show", "cli-corp", "--config", config.toString(), "--json")
                        .out())
                .contains("\"status\":\"active\"");
        Outcome rotated = run("tenants", "rotate-password", "cli-corp", "--config", config.toString());
        assertThat(rotated.code()).as(rotated.err()).isEqualTo(0);
        assertThat(rotated.out()).contains("cli-corp: succeeded");
        Outcome everyOne = run("tenants", "rotate-password", "--all", "--config", config.toString());
        assertThat(everyOne.code()).as(everyOne.err()).isEqualTo(0);
        assertThat(everyOne.out()).contains("cli-corp: succeeded");
        Outcome neither = run("tenants", "rotate-password", "--config", config.toString());
        assertThat(neither.code()).isNotZero();
        assertThat(neither.err()).contains("name one organization, or pass --all");

        Outcome refused = run("tenants", "delete", "cli-corp", "--config", config.toString());
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("pass --yes");

        Outcome deleted = run("tenants", "delete", "cli-corp", "--yes", "--config", config.toString());
        assertThat(deleted.out()).contains("deleted cli-corp");
        assertThat(TestPostgres.primary()
                        .admin()
                        .query(
                                "SELECT datname FROM pg_database WHERE datname LIKE '%cli_corp%'",
                                row -> row.getString(1)))
                .isEmpty();
    }

    @Test
    void addRemoveAndRestoreAServiceOfAnOrganization() {
        Outcome created = run(
                "tenants",
                "create",
                "--config",
                config.toString(),
                "--name",
                "Cli Services",
                "--services",
                "crm",
                "--admin-email",
                "boss@cliservices.example",
                "--admin-password-file",
                password.toString());
        assertThat(created.code()).as(created.err()).isEqualTo(0);

        Outcome added = run("tenants", "add-service", "cli-services", "billing", "--config", config.toString());
        assertThat(added.code()).as(added.err()).isEqualTo(0);
        assertThat(added.out()).contains("billing_cli_services ready");

        Outcome refused = run("tenants", "remove-service", "cli-services", "billing", "--config", config.toString());
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("pass --yes");

        Outcome removed =
                run("tenants", "remove-service", "cli-services", "billing", "--yes", "--config", config.toString());
        assertThat(removed.code()).as(removed.err()).isEqualTo(0);
        assertThat(removed.out()).contains("billing_cli_services detached, dropped after");

        Outcome restored =
                run("tenants", "restore-service", "cli-services", "billing", "--json", "--config", config.toString());
        assertThat(restored.code()).as(restored.err()).isEqualTo(0);
        assertThat(Json.read(restored.out()).path("database").path("state").asString())
                .isEqualTo("ready");

        Outcome core = run("tenants", "remove-service", "cli-services", "core", "--yes", "--config", config.toString());
        assertThat(core.code()).isEqualTo(1);
        assertThat(core.err()).contains("cannot be removed");
    }

    @Test
    void unknownOrganizationIsOneLine() {
        Outcome outcome = run("tenants", "show", "nobody-here", "--config", config.toString());

        assertThat(outcome.code()).isEqualTo(1);
        assertThat(outcome.err().strip()).isEqualTo("silo: no organization 'nobody-here'");
    }

    private record Outcome(int code, String out, String err) {}

    private static Outcome run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Outcome(code, out.toString(), err.toString());
    }
}
