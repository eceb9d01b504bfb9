package io.silo.cli;

import static io.silo.cli.CliRuns.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.cli.CliRuns.Outcome;
import io.silo.crypto.BackupKey;
import io.silo.testing.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code silo backup} and {@code silo restore} from the command line: an organization's archive
 * written, checked, refused with another key, and restored as a copy after its service's template
 * moved to a new version, which migrates the copy forward.
 */
class BackupCommandTest {
    private static final int BOOKS = 5_000;

    @TempDir
    Path dir;

    @Test
    void backupCheckWrongKeyAndRestoreOfAnOlderVersionMigratedForward() throws IOException {
        TestPostgres postgres = TestPostgres.primary();
        postgres.reset();
        Path services = Files.createDirectories(dir.resolve("services"));
        Files.writeString(services.resolve("shelf.yaml"), ShelfTemplates.V1);
        Path config = config(postgres, services);
        Path password = dir.resolve("password.txt");
        Files.writeString(password, "correct horse battery\n");
        Outcome created = run(
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
                password.toString());
        assertThat(created.code()).as(created.err()).isZero();
        String shelf = database(postgres, "reading-room", "shelf");
        postgres.jdbc(shelf)
                .update(
                        "INSERT INTO books (id, doc) SELECT gen_random_uuid(), jsonb_build_object('title', 'Book ' || n,"
                                + " 'pages', n) FROM generate_series(1, ?) n",
                        BOOKS);
        Path key = dir.resolve("backup.key");
        Files.writeString(key, BackupKey.random().encoded() + "\n");
        Path archive = dir.resolve("reading.silo-backup");

        Outcome backup = run(
                "backup",
                "reading-room",
                "--config",
                config.toString(),
                "--key-file",
                key.toString(),
                "--out",
                archive.toString());
        assertThat(backup.code()).as(backup.err()).isZero();
        assertThat(backup.out()).contains("reading-room: 2 databases", "shelf (" + shelf + ", version 1)");
        assertThat(archive).exists();

        Outcome check = run(
                "restore", archive.toString(), "--check", "--config", config.toString(), "--key-file", key.toString());
        assertThat(check.code()).as(check.err()).isZero();
        assertThat(check.out()).contains("archive of reading-room", "checksums verified", "version 1");

        Path otherKey = dir.resolve("other.key");
        Files.writeString(otherKey, BackupKey.random().encoded());
        Outcome wrongKey = run(
                "restore",
                archive.toString(),
                "--as",
                "never",
                "--config",
                config.toString(),
                "--key-file",
                otherKey.toString());
        assertThat(wrongKey.code()).isOne();
        assertThat(wrongKey.err()).contains("encrypted with another backup key");

        Files.createDirectories(services.resolve("history"));
        Files.writeString(services.resolve("history/shelf-v1.yaml"), ShelfTemplates.V1);
        Files.writeString(services.resolve("shelf.yaml"), ShelfTemplates.V2);
        Outcome restored = run(
                "restore",
                archive.toString(),
                "--as",
                "reading-copy",
                "--config",
                config.toString(),
                "--key-file",
                key.toString());
        assertThat(restored.code()).as(restored.err()).isZero();
        assertThat(restored.out()).contains("restored reading-room as reading-copy (active)", "migrated shelf 1 -> 2");
        String copy = database(postgres, "reading-copy", "shelf");
        assertThat(copy).isNotEqualTo(shelf);
        assertThat(postgres.jdbc(copy)
                        .queryOne("SELECT count(*) FROM books WHERE doc->>'status' = 'on shelf'", row -> row.getLong(1))
                        .orElseThrow())
                .isEqualTo(BOOKS);
        assertThat(postgres.jdbc(copy)
                        .queryOne("SELECT to_regclass('public.loans') IS NOT NULL", row -> row.getBoolean(1))
                        .orElseThrow())
                .isTrue();
        assertThat(postgres.jdbc("silo")
                        .queryOne(
                                "SELECT d.schema_version FROM tenant_databases d JOIN tenants t ON t.id = d.tenant_id"
                                        + " WHERE t.slug = 'reading-copy' AND d.service = 'shelf'",
                                row -> row.getInt(1))
                        .orElseThrow())
                .isEqualTo(2);
    }

    private Path config(TestPostgres postgres, Path services) throws IOException {
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
        return config;
    }

    private static String database(TestPostgres postgres, String slug, String service) {
        return postgres.jdbc("silo")
                .queryOne(
                        "SELECT d.database_name FROM tenant_databases d JOIN tenants t ON t.id = d.tenant_id"
                                + " WHERE t.slug = ? AND d.service = ?",
                        row -> row.getString(1),
                        slug,
                        service)
                .orElseThrow();
    }
}
