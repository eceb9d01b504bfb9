package io.silo.cli;

import static io.silo.cli.CliRuns.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.cli.CliRuns.Outcome;
import io.silo.json.Json;
import io.silo.testing.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code silo import} from the command line: a {@code mongoexport} of a database per tenant with one
 * bad product, the exit code saying something was left out, the reports written, and a second run
 * that writes nothing.
 */
class ImportCommandTest {
    private static final String TENANT = "65f0a1b2c3d4e5f601234567";

    @TempDir
    Path dir;

    @Test
    void importsAnExportReportsTheBadDocumentAndChangesNothingTheSecondTime() throws IOException {
        TestPostgres postgres = TestPostgres.primary();
        postgres.reset();
        Path config = dir.resolve("silo.yaml");
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
        Path export = Files.createDirectories(dir.resolve("shop-export").resolve("tenant_" + TENANT));
        Files.writeString(export.resolve("users.json"), """
                {"_id": {"$oid": "65f0a1b2c3d4e5f600000001"}, "email": "owner@shop.example", "name": "Owner", \
                "password": "owner-password-1", "role": "org_admin"}
                """);
        Files.writeString(export.resolve("products.jsonl"), """
                {"_id": {"$oid": "65f0a1b2c3d4e5f600000002"}, "name": "Stout", "sku": "ST-1", "price": {"$numberDecimal": "3.50"}}
                {"_id": {"$oid": "65f0a1b2c3d4e5f600000003"}, "name": "No price", "sku": "NP-1"}
                """);
        String folder = dir.resolve("shop-export").toString();

        Outcome first = run("import", folder, "--config", config.toString(), "--layout", "per-tenant");
        assertThat(first.code()).as(first.out() + first.err()).isEqualTo(ImportCommand.INCOMPLETE);
        assertThat(first.out())
                .contains("shop-export: 3 documents read, 2 written")
                .contains(TENANT + " -> " + TENANT + " (created): 2 imported, 0 updated, 0 unchanged, 1 rejected");
        Path reports = dir.resolve("shop-export-import-report");
        assertThat(reports.resolve("import-report.json")).exists();
        assertThat(Files.readString(reports.resolve(TENANT + ".json")))
                .contains("65f0a1b2c3d4e5f600000003", "schema-violation");

        Outcome second = run("import", folder, "--config", config.toString(), "--layout", "per-tenant");
        assertThat(second.code()).as(second.out() + second.err()).isEqualTo(ImportCommand.INCOMPLETE);
        assertThat(second.out())
                .contains("3 documents read, 0 written")
                .contains("(found): 0 imported, 0 updated, 2 unchanged, 1 rejected")
                .contains("nothing new written; 1 left out");
        assertThat(first.out()).doesNotContain("nothing new written");

        // the import's job keeps its report: silo jobs show prints it
        Outcome jobs = run("jobs", "list", "--kind", "organization.import", "--json", "--config", config.toString());
        String job = Json.read(jobs.out()).get(0).path("id").asString();
        Outcome shown = run("jobs", "show", job, "--config", config.toString());
        assertThat(shown.code()).as(shown.err()).isZero();
        assertThat(shown.out())
                .contains(job, "organization.import", "succeeded")
                .contains("3 documents read, 0 written")
                .contains(TENANT + " -> " + TENANT + " (found)");
        Outcome shownAsJson = run("jobs", "show", job, "--json", "--config", config.toString());
        assertThat(Json.read(shownAsJson.out())
                        .path("import")
                        .path("organizations")
                        .has(TENANT))
                .as(shownAsJson.out())
                .isTrue();

        Outcome noLayout = run("import", folder, "--config", config.toString());
        assertThat(noLayout.code()).isEqualTo(1);
        assertThat(noLayout.err()).contains("--layout");
    }
}
