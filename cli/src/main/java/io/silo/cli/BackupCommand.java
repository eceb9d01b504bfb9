package io.silo.cli;

import io.silo.app.Application;
import io.silo.app.backup.Backups;
import io.silo.crypto.BackupKey;
import io.silo.json.Json;
import io.silo.postgres.backup.ArchivedDatabase;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code silo backup ORG}: every database of an organization into one encrypted archive
 * ({@code docs/operations.md}, "Backup and restore"), with a progress line of the rows written.
 */
@Command(
        name = "backup",
        mixinStandardHelpOptions = true,
        description = "Write an organization's databases to one encrypted archive.")
final class BackupCommand extends OperatorCommand {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    @Parameters(index = "0", paramLabel = "ORG", description = "The organization's slug or id.")
    String org;

    @Option(names = "--out", description = "The archive to write (default: ORG-<time>.silo-backup here).")
    Path out;

    @Option(names = "--key-file", description = "The backup key's file (default: $SILO_BACKUP_KEY).")
    Path keyFile;

    @Option(
            names = "--consistent",
            description = "Read all the organization's databases as of one instant (writes wait a moment).")
    boolean consistent;

    @Override
    int run(Application app, PrintWriter out) {
        BackupKey key = BackupKeys.load(Optional.ofNullable(keyFile), System.getenv());
        Path file = this.out != null
                ? this.out
                : Path.of(org + "-"
                        + STAMP.format(app.options().clock().instant().atOffset(ZoneOffset.UTC)) + ".silo-backup");
        AtomicReference<String> shown = new AtomicReference<>("");
        Backups.Written written = ProgressLine.whileRunning(
                out,
                "backup",
                () -> app.backups()
                        .backup(
                                org,
                                file,
                                key,
                                consistent,
                                (service, table, rows) -> shown.set(rows + " rows of " + service + "." + table),
                                actor()),
                progress -> {
                    if (!json && !shown.get().isEmpty()) {
                        progress.show(0, 1, shown.get());
                    }
                });
        if (json) {
            out.println(Json.write(summary(written)));
        } else {
            out.printf(
                    "%s: %d databases, %d rows, %d bytes in %.1f s -> %s%n",
                    written.manifest().slug(),
                    written.manifest().databases().size(),
                    written.manifest().rows(),
                    written.bytes(),
                    written.took().toMillis() / 1000.0,
                    written.file().toAbsolutePath());
            for (ArchivedDatabase database : written.manifest().databases()) {
                out.printf(
                        "  %s (%s, version %d): %d tables, %d rows%n",
                        database.service(),
                        database.databaseName(),
                        database.version(),
                        database.tables().size(),
                        database.rows());
            }
        }
        return 0;
    }

    private static Map<String, Object> summary(Backups.Written written) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("file", written.file().toAbsolutePath().toString());
        body.put("bytes", written.bytes());
        body.put("seconds", written.took().toMillis() / 1000.0);
        body.put("manifest", RestoreCommand.manifest(written.manifest()));
        return body;
    }
}
