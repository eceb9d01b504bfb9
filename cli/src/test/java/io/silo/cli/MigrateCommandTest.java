package io.silo.cli;

import static io.silo.cli.CliRuns.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.cli.CliRuns.Outcome;
import io.silo.testing.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code silo migrate}: a dry run, a rollout run in-process, and "nothing to do" once every database is current. */
class MigrateCommandTest {
    @TempDir
    Path dir;

    @Test
    void dryRunThenMigrateThenNothingToDo() throws IOException {
        TestPostgres postgres = TestPostgres.primary();
        postgres.reset();
        Path services = Files.createDirectories(dir.resolve("services"));
        Files.writeString(services.resolve("shelf.yaml"), ShelfTemplates.V1);
        Path config = dir.resolve("silo.yaml");
        Files.writeString(config, """
                data: {dir: %s}
                master: {key: "%s"}
                database: {url: "%s", user: %s, password: "%s"}
                passwords: {memoryKib: 4096, iterations: 1}
                services: {dir: %s}
                """.formatted(
                        dir.resolve("data"),
                        Base64.getEncoder().encodeToString(new byte[32]),
                        postgres.url("silo"),
                        postgres.user(),
                        postgres.password(),
                        services));
        Path password = dir.resolve("password.txt");
        Files.writeString(password, "correct horse battery\n");
        String[] create = {
            "tenants",
            "create",
            "--config",
            config.toString(),
            "--name",
            "Reading Room",
            "--services",
            "shelf",
            "--admin-email",
            "boss@reading.example",
            "--admin-password-file",
            password.toString()
        };
        assertThat(run(create).code()).isZero();
        Files.writeString(services.resolve("shelf.yaml"), ShelfTemplates.V2);

        Outcome dryRun = run("migrate", "--config", config.toString(), "--service", "shelf", "--dry-run");
        assertThat(dryRun.code()).as(dryRun.err()).isZero();
        assertThat(dryRun.out())
                .contains("shelf: 1 databases would move to version 2", "1 -> 2", "2.1 addCollection loans");

        Outcome migrated = run("migrate", "--config", config.toString(), "--service", "shelf", "--parallel", "2");
        assertThat(migrated.code()).as(migrated.err()).isZero();
        assertThat(migrated.out()).contains("1 done, 0 failed, 0 remaining of 1 (succeeded)");

        Outcome again = run("migrate", "--config", config.toString());
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).contains("shelf: nothing to do; every database is at version 2");
    }
}
