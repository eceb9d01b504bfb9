package io.silo.cli;

import io.silo.app.Application;
import io.silo.app.backup.Backups;
import io.silo.app.backup.Restores;
import io.silo.crypto.BackupKey;
import io.silo.json.Json;
import io.silo.postgres.backup.ArchiveManifest;
import io.silo.postgres.backup.ArchivedDatabase;
import io.silo.postgres.backup.ArchivedTable;
import io.silo.postgres.backup.DatabaseDump;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code silo restore FILE}: an organization recreated from an archive, or an independent copy of it
 * under a new slug ({@code --as}); {@code --check} reads and checks the archive and changes nothing.
 */
@Command(
        name = "restore",
        mixinStandardHelpOptions = true,
        description = "Restore an organization from an archive of silo backup, or a copy of it under a new slug.")
final class RestoreCommand extends OperatorCommand {
    @Parameters(index = "0", paramLabel = "FILE", description = "The archive.")
    Path file;

    @Option(names = "--as", paramLabel = "NEW_SLUG", description = "Restore an independent copy under this slug.")
    String asSlug;

    @Option(
            names = "--cluster",
            description = "The cluster to restore onto (default: the archived one, else placement's).")
    String cluster;

    @Option(names = "--key-file", description = "The backup key's file (default: $SILO_BACKUP_KEY).")
    Path keyFile;

    @Option(names = "--check", description = "Only read and check the archive; print what it holds.")
    boolean check;

    @Option(
            names = "--replace",
            description = "Replace the live organization: its writes fenced, the archive restored beside it and"
                    + " verified, then swapped in; the old one is kept, suspended, as SLUG-replaced-...")
    boolean replace;

    /** The archive authenticated while the control plane opens: each takes a second or so of a command's start. */
    private CompletableFuture<Restores.Archive> authenticated;

    @Override
    public Integer call() throws InterruptedException {
        if (!check) {
            BackupKey key = BackupKeys.load(Optional.ofNullable(keyFile), System.getenv());
            authenticated = CompletableFuture.supplyAsync(
                    () -> Restores.Archive.authenticate(file, key),
                    task -> Thread.ofVirtual().name("authenticate").start(task));
        }
        return super.call();
    }

    @Override
    int run(Application app, PrintWriter out) {
        if (check) {
            BackupKey key = BackupKeys.load(Optional.ofNullable(keyFile), System.getenv());
            ArchiveManifest manifest = Backups.check(file, key);
            out.println(json ? Json.write(manifest(manifest)) : describe(manifest));
            return 0;
        }
        if (replace && asSlug != null) {
            throw new IllegalArgumentException(
                    "--replace replaces the archived organization; --as makes a copy: not both");
        }
        AtomicLong rows = new AtomicLong();
        DatabaseDump.Progress progressed = (service, table, done) -> rows.set(done);
        Restores.Archive archive = authenticated();
        Restores.Restored restored = ProgressLine.whileRunning(
                out,
                "restore",
                () -> replace
                        ? app.restores().replace(archive, Optional.ofNullable(cluster), progressed, actor())
                        : app.restores()
                                .restore(
                                        archive,
                                        new Restores.Options(Optional.ofNullable(asSlug), Optional.ofNullable(cluster)),
                                        progressed,
                                        actor()),
                progress -> {
                    if (!json && rows.get() > 0) {
                        progress.show(rows.get(), Math.max(rows.get(), 1), "rows of the current table");
                    }
                });
        if (json) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("slug", restored.tenant().slug());
            body.put("id", restored.tenant().id().toString());
            body.put("status", restored.tenant().status().value());
            body.put("migrated", restored.migrated());
            body.put("seconds", restored.took().toMillis() / 1000.0);
            body.put("manifest", manifest(restored.manifest()));
            out.println(Json.write(body));
        } else {
            out.printf(
                    "restored %s as %s (%s): %d databases, %d rows verified in %.1f s%n",
                    restored.manifest().slug(),
                    restored.tenant().slug(),
                    restored.tenant().status().value(),
                    restored.tenant().databases().size(),
                    restored.manifest().rows(),
                    restored.took().toMillis() / 1000.0);
            restored.migrated().forEach(line -> out.println("  migrated " + line));
        }
        return 0;
    }

    private Restores.Archive authenticated() {
        try {
            return authenticated.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    private static String describe(ArchiveManifest manifest) {
        StringBuilder text = new StringBuilder();
        text.append(String.format(
                "archive of %s taken %s%s: %d databases, %d rows, checksums verified%n",
                manifest.slug(),
                manifest.createdAt(),
                manifest.consistent() ? " (consistent cut)" : "",
                manifest.databases().size(),
                manifest.rows()));
        for (ArchivedDatabase database : manifest.databases()) {
            text.append(String.format(
                    "  %s (%s, version %d): %d rows%n",
                    database.service(), database.databaseName(), database.version(), database.rows()));
        }
        return text.toString().stripTrailing();
    }

    /** The manifest as JSON: organization, databases, tables with counts and checksums. */
    static Map<String, Object> manifest(ArchiveManifest manifest) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("format", manifest.format());
        body.put("createdAt", manifest.createdAt().toString());
        body.put("consistent", manifest.consistent());
        body.put("organization", manifest.organization());
        body.put(
                "databases",
                manifest.databases().stream()
                        .map(database -> Map.of(
                                "service", database.service(),
                                "database", database.databaseName(),
                                "version", database.version(),
                                "tables",
                                        database.tables().stream()
                                                .map(RestoreCommand::table)
                                                .toList()))
                        .toList());
        return body;
    }

    private static Map<String, Object> table(ArchivedTable table) {
        return Map.of("name", table.name(), "rows", table.rows(), "sha256", table.checksum());
    }
}
