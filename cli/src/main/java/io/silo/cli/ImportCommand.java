package io.silo.cli;

import io.silo.app.Application;
import io.silo.app.imports.ImportMapping;
import io.silo.app.imports.ImportReport;
import io.silo.app.imports.MongoImport;
import io.silo.json.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code silo import}: a MongoDB system's {@code mongodump} or {@code mongoexport} output into
 * organizations ({@code docs/import.md}). Exit code 0 when everything was imported, 2 when the
 * import ran but left something out (each organization's report says what and why), 1 when it
 * could not run.
 */
@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        description = "Import a MongoDB dump or export into organizations; run it again to finish or to check.")
final class ImportCommand extends OperatorCommand {
    /** The import ran, and left documents, users or organizations out. */
    static final int INCOMPLETE = 2;

    @Parameters(index = "0", paramLabel = "FOLDER", description = "The mongodump or mongoexport output.")
    Path dump;

    @Option(
            names = "--layout",
            description = "shared, per-tenant or per-service (default: the mapping's; required without one).")
    String layout;

    @Option(names = "--mapping", description = "A YAML or JSON file over the layout's defaults.")
    Path mapping;

    @Option(
            names = "--source",
            description = "The name ids are derived from (default: the folder's name); keep it for every re-run.")
    String source;

    @Option(names = "--report", description = "Where to write the reports (default: FOLDER-import-report).")
    Path reports;

    @Override
    int run(Application app, PrintWriter out) {
        Optional<ImportMapping.Layout> given = Optional.ofNullable(layout).map(ImportMapping.Layout::parse);
        ImportMapping chosen = mapping != null
                ? ImportMapping.read(mapping, given)
                : ImportMapping.defaults(given.orElseThrow(() -> new IllegalArgumentException(
                        "say which layout: --layout shared, per-tenant or per-service, or a --mapping file")));
        if (source != null) {
            chosen = chosen.withSource(source);
        }
        Path folder = reports != null ? reports : dump.resolveSibling(dump.getFileName() + "-import-report");
        MongoImport.Request request = new MongoImport.Request(dump, chosen, Optional.of(folder), actor());
        ImportReport report =
                json ? app.imports().run(request, MongoImport.Progress.NONE) : withProgress(app, request, out);
        if (json) {
            out.println(Json.write(report.json()));
        } else {
            print(report, folder, out);
        }
        return report.complete() ? 0 : INCOMPLETE;
    }

    private static ImportReport withProgress(Application app, MongoImport.Request request, PrintWriter out) {
        AtomicLong read = new AtomicLong();
        AtomicLong total = new AtomicLong();
        AtomicLong documents = new AtomicLong();
        CompletableFuture<ImportReport> run = CompletableFuture.supplyAsync(
                () -> app.imports().run(request, (bytes, all, count) -> {
                    read.set(bytes);
                    total.set(all);
                    documents.set(count);
                }),
                task -> Thread.ofVirtual().name("import").start(task));
        ProgressLine progress = ProgressLine.forConsole(out);
        while (!run.isDone()) {
            if (total.get() > 0) {
                progress.show(
                        read.get() / 1024, Math.max(1, total.get() / 1024), "KiB, " + documents.get() + " documents");
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        progress.finish();
        try {
            return run.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    private static void print(ImportReport report, Path folder, PrintWriter out) {
        out.printf(
                "%s: %d documents read, %d written in %.1f s%n",
                report.source(),
                report.documentsRead(),
                report.written(),
                report.took().toMillis() / 1000.0);
        for (ImportReport.Tenant tenant : report.tenants().values()) {
            long imported = 0;
            long updated = 0;
            long unchanged = 0;
            for (ImportReport.Counts counts : tenant.collections().values()) {
                imported += counts.imported();
                updated += counts.updated();
                unchanged += counts.unchanged();
            }
            out.printf(
                    "  %s -> %s (%s): %d imported, %d updated, %d unchanged, %d rejected%s%n",
                    tenant.key(),
                    tenant.slug().orElse("-"),
                    tenant.status(),
                    imported,
                    updated,
                    unchanged,
                    tenant.rejected(),
                    tenant.reason().map(reason -> ": " + reason).orElse(""));
        }
        if (!report.unassigned().isEmpty()) {
            out.printf(
                    "  %d documents or files belong to no organization%n",
                    report.unassigned().size());
        }
        report.notes().forEach(note -> out.println("  note: " + note));
        out.println("reports: " + folder.toAbsolutePath());
    }
}
