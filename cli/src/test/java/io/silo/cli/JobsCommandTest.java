package io.silo.cli;

import static io.silo.cli.CliRuns.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.cli.CliRuns.Outcome;
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

/** {@code silo jobs …} lists, shows and cancels the jobs the HTTP API shows; long commands show their progress. */
class JobsCommandTest {
    @TempDir
    static Path dir;

    static Path config;
    static Path password;

    @BeforeAll
    static void configure() throws IOException {
        TestPostgres postgres = TestPostgres.primary();
        // a control database of its own master key: another class may have left one sealed under another
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
    void aProvisioningShowsItsStepsAndItsJobIsListedShownAndNotCancelledOnceFinished() {
        Outcome created = run(
                "tenants",
                "create",
                "--config",
                config.toString(),
                "--name",
                "Jobs Cli " + System.nanoTime(),
                "--slug",
                "jobs-cli",
                "--services",
                "billing",
                "--admin-email",
                "boss@jobs-cli.example",
                "--admin-password-file",
                password.toString());
        assertThat(created.code()).as(created.err()).isEqualTo(0);
        assertThat(created.out().lines().filter(line -> line.matches("\\d+/\\d+ .*")))
                .as("plain progress lines when the output is no terminal")
                .isNotEmpty();

        Outcome listed = run("jobs", "list", "--org", "jobs-cli", "--json", "--config", config.toString());
        assertThat(listed.code()).as(listed.err()).isEqualTo(0);
        JsonNode jobs = Json.read(listed.out());
        assertThat(jobs.findValuesAsString("kind")).contains("tenant.provision");
        String id = jobs.get(0).path("id").asString();

        Outcome shown = run("jobs", "show", id, "--config", config.toString());
        assertThat(shown.code()).as(shown.err()).isEqualTo(0);
        assertThat(shown.out()).contains(id, "succeeded");

        Outcome cancelled = run("jobs", "cancel", id, "--config", config.toString());
        assertThat(cancelled.code()).isEqualTo(1);
        assertThat(cancelled.err()).contains("silo:");
        assertThat(run("jobs", "show", "not-a-uuid", "--config", config.toString())
                        .code())
                .isEqualTo(1);

        assertThat(run("tenants", "delete", "jobs-cli", "--yes", "--config", config.toString())
                        .code())
                .isEqualTo(0);
    }

    @Test
    void onATerminalTheBarIsRedrawnInPlaceAndEndedOnce() {
        StringWriter text = new StringWriter();
        ProgressLine line = new ProgressLine(new PrintWriter(text), true);
        line.show(1, 4, "database:billing");
        line.show(4, 4, "done");
        line.finish();

        String shown = text.toString();
        assertThat(shown).startsWith("\r").endsWith(System.lineSeparator());
        assertThat(shown.indexOf('\n'))
                .as("one line, redrawn in place, ended once")
                .isEqualTo(shown.length()
                        - System.lineSeparator().length()
                        + System.lineSeparator().indexOf('\n'));
        String lastDraw = shown.substring(shown.lastIndexOf('\r') + 1);
        assertThat(lastDraw).contains("100%", "4/4", "done");
    }

    @Test
    void elsewhereEachChangeIsAPlainLine() {
        StringWriter text = new StringWriter();
        ProgressLine line = new ProgressLine(new PrintWriter(text), false);
        line.show(1, 4, "database:billing");
        line.show(1, 4, "database:billing");
        line.show(4, 4, "done");
        line.finish();

        assertThat(text.toString().lines()).containsExactly("1/4 database:billing", "4/4 done");
    }
}
