package io.silo.cli;

import static io.silo.cli.CliRuns.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.cli.CliRuns.Outcome;
import io.silo.crypto.BackupKey;
import io.silo.json.Json;
import io.silo.testing.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code silo control backup|restore|reseal} from the command line: the control plane written
 * encrypted, refused with another key or altered, restored into a new control database that finds
 * the organization's databases again.
 */
class ControlCommandTest {
    @TempDir
    Path dir;

    @Test
    void backupRestoreIntoANewControlDatabaseAndReseal() throws IOException {
        TestPostgres postgres = TestPostgres.primary();
        postgres.reset();
        String masterKey = Base64.getEncoder().encodeToString(new byte[32]);
        Path config = config("silo", masterKey);
        Path password = dir.resolve("password.txt");
        Files.writeString(password, "correct horse battery\n");
        Outcome created = run(
                "tenants",
                "create",
                "--config",
                config.toString(),
                "--name",
                "Control Corp",
                "--services",
                "crm",
                "--admin-email",
                "boss@control.example",
                "--admin-password-file",
                password.toString());
        assertThat(created.code()).as(created.err()).isZero();
        Path key = dir.resolve("backup.key");
        Files.writeString(key, BackupKey.random().encoded() + "\n");
        Path file = dir.resolve("control.silo-control");

        Outcome backedUp = run(
                "control",
                "backup",
                "--config",
                config.toString(),
                "--key-file",
                key.toString(),
                "--out",
                file.toString());
        assertThat(backedUp.code()).as(backedUp.err()).isZero();
        assertThat(backedUp.out()).contains("-> " + file.toAbsolutePath());
        assertThat(Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1))
                .as("encrypted: no slug in the clear")
                .doesNotContain("control-corp");

        Path otherKey = dir.resolve("other.key");
        Files.writeString(otherKey, BackupKey.random().encoded() + "\n");
        Outcome wrongKey = run(
                "control",
                "restore",
                file.toString(),
                "--config",
                config("silo_wrong_key", masterKey).toString(),
                "--key-file",
                otherKey.toString());
        assertThat(wrongKey.code()).isNotZero();
        assertThat(wrongKey.err()).contains("another backup key");
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        Path altered = dir.resolve("altered.silo-control");
        Files.write(altered, bytes);
        Outcome refused = run(
                "control",
                "restore",
                altered.toString(),
                "--config",
                config("silo_altered", masterKey).toString(),
                "--key-file",
                key.toString());
        assertThat(refused.code()).isNotZero();
        assertThat(refused.err()).contains("altered");

        Path restoredConfig = config("silo_restored", masterKey);
        Outcome restored = run(
                "control",
                "restore",
                file.toString(),
                "--config",
                restoredConfig.toString(),
                "--key-file",
                key.toString(),
                "--json");
        assertThat(restored.code()).as(restored.err()).isZero();
        JsonNode body = Json.read(restored.out());
        assertThat(body.path("rows").path("tenants").asLong()).isEqualTo(1);
        assertThat(body.path("differences").isEmpty())
                .as("nothing changed since the backup: " + body.path("differences"))
                .isTrue();
        Outcome shown = run("tenants", "show", "control-corp", "--config", restoredConfig.toString(), "--json");
        assertThat(shown.code()).as(shown.err()).isZero();
        assertThat(Json.read(shown.out()).path("status").asString()).isEqualTo("active");

        Outcome resealed = run("control", "reseal", "--config", restoredConfig.toString(), "--json");
        assertThat(resealed.code()).as(resealed.err()).isZero();
        assertThat(Json.read(resealed.out()).path("resealed").path("tenants").asInt())
                .as("one key all along: nothing to re-seal")
                .isZero();
    }

    private Path config(String database, String masterKey) throws IOException {
        TestPostgres postgres = TestPostgres.primary();
        Path config = dir.resolve(database + ".yaml");
        Files.writeString(config, """
                data: {dir: %s}
                master: {key: "%s"}
                database: {url: "%s", user: %s, password: "%s"}
                passwords: {memoryKib: 4096, iterations: 1}
                """.formatted(
                        dir.resolve("data-" + database),
                        masterKey,
                        postgres.url(database),
                        postgres.user(),
                        postgres.password()));
        return config;
    }
}
