package io.silo.cli;

import io.silo.app.Application;
import io.silo.app.ControlRecovery;
import io.silo.config.SiloConfig;
import io.silo.crypto.ArchiveCipher;
import io.silo.crypto.BackupKey;
import io.silo.error.ProblemType;
import io.silo.json.Json;
import io.silo.postgres.control.ControlDump;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code silo control …}: what an operator does to the control plane itself. {@code backup} and
 * {@code restore} keep it recoverable (a {@link ControlDump}, compressed and encrypted with the
 * backup key, like an organization's archive); {@code reseal} is the middle step of rotating the
 * master key. {@code docs/operations.md} gives the procedures.
 */
@Command(
        name = "control",
        mixinStandardHelpOptions = true,
        description = "Back up, restore and re-seal the control plane.",
        subcommands = {ControlCommand.Backup.class, ControlCommand.Restore.class, ControlCommand.Reseal.class})
final class ControlCommand {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    @Command(
            name = "backup",
            mixinStandardHelpOptions = true,
            description = "Write the control database, from one snapshot, to one encrypted file.")
    static final class Backup extends OperatorCommand {
        @Option(names = "--out", description = "The file to write (default: control-<time>.silo-control here).")
        Path out;

        @Option(names = "--key-file", description = "The backup key's file (default: $SILO_BACKUP_KEY).")
        Path keyFile;

        @Override
        int run(Application app, PrintWriter out) {
            BackupKey key = BackupKeys.load(Optional.ofNullable(keyFile), System.getenv());
            Path file = this.out != null
                    ? this.out
                    : Path.of("control-"
                            + STAMP.format(app.options().clock().instant().atOffset(ZoneOffset.UTC)) + ".silo-control");
            Path partial = file.resolveSibling(file.getFileName() + ".partial");
            ControlDump.Summary written;
            try {
                // owner-only, like an organization's archive: it holds every organization's placement and sealed
                // secrets
                Files.deleteIfExists(partial);
                Files.createFile(
                        partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                try (OutputStream sealed = ArchiveCipher.encrypting(Files.newOutputStream(partial), key);
                        OutputStream zipped = new GZIPOutputStream(sealed, 1 << 16)) {
                    written = ControlRecovery.backup(app, zipped);
                }
                Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file, e);
            } finally {
                deleteQuietly(partial);
            }
            if (json) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("file", file.toAbsolutePath().toString());
                body.put("schemaVersion", written.schemaVersion());
                body.put("rows", written.rows());
                out.println(Json.write(body));
            } else {
                out.printf(
                        "control plane (schema version %s): %d rows in %d tables -> %s%n",
                        written.schemaVersion(),
                        written.rows().values().stream()
                                .mapToLong(Long::longValue)
                                .sum(),
                        written.rows().size(),
                        file.toAbsolutePath());
                out.println("keep the master key apart from this file: its secrets open only under it");
            }
            return 0;
        }
    }

    @Command(
            name = "restore",
            mixinStandardHelpOptions = true,
            description = "Load a control-plane backup into a new, empty control database, then find the "
                    + "organizations' databases again and report what differs.")
    static final class Restore implements Callable<Integer> {
        @Mixin
        ConfigOptions options;

        @Parameters(index = "0", paramLabel = "FILE", description = "The file silo control backup wrote.")
        Path file;

        @Option(names = "--key-file", description = "The backup key's file (default: $SILO_BACKUP_KEY).")
        Path keyFile;

        @Option(names = "--json", description = "Print JSON instead of text.")
        boolean json;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            BackupKey key = BackupKeys.load(Optional.ofNullable(keyFile), System.getenv());
            SiloConfig config = options.load();
            ControlRecovery.Restored restored;
            try (InputStream opened = ArchiveCipher.decrypting(Files.newInputStream(file), key);
                    InputStream unzipped = new GZIPInputStream(opened, 1 << 16)) {
                restored = ControlRecovery.restore(config, unzipped);
            } catch (ArchiveCipher.ArchiveIntegrityException | java.util.zip.ZipException e) {
                throw ProblemType.CONTROL_DUMP_INVALID.exception(file + " was altered or cut short: " + e.getMessage());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
            ControlDump.Summary loaded = restored.summary();
            List<ControlRecovery.Difference> differences = new java.util.ArrayList<>(restored.interrupted());
            try (Application app = ControlPlane.open(config)) {
                differences.addAll(ControlRecovery.reconcile(app));
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("schemaVersion", loaded.schemaVersion());
                body.put("rows", loaded.rows());
                body.put("differences", differences);
                out.println(Json.write(body));
            } else {
                out.printf(
                        "control plane restored (schema version %s): %d rows in %d tables%n",
                        loaded.schemaVersion(),
                        loaded.rows().values().stream()
                                .mapToLong(Long::longValue)
                                .sum(),
                        loaded.rows().size());
                differences.forEach(difference ->
                        out.printf("%-24s %s: %s%n", difference.kind(), difference.database(), difference.detail()));
                out.println(differences.isEmpty() ? "every organization's databases are where it says" : "");
            }
            return 0;
        }
    }

    @Command(
            name = "reseal",
            mixinStandardHelpOptions = true,
            description = "Seal every stored secret again under the current master key (after SILO_MASTER_KEY "
                    + "changed; the old key given as SILO_MASTER_PREVIOUS_KEY). Safe to run again.")
    static final class Reseal extends OperatorCommand {
        @Override
        int run(Application app, PrintWriter out) {
            Map<String, Integer> resealed = app.masterKeyRotation().reseal(actor());
            if (json) {
                out.println(Json.write(Map.of("resealed", resealed)));
            } else {
                resealed.forEach((table, count) -> out.printf("%-16s %d re-sealed%n", table, count));
                out.println("every stored secret is sealed under the current master key; the previous key "
                        + "may now be removed from every instance");
            }
            return 0;
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a leftover .partial is harmless and says what it is
        }
    }
}
