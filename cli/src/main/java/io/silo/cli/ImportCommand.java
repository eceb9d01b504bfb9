package io.silo.cli;

import io.silo.app.Application;
import io.silo.app.imports.ImportJob;
import io.silo.app.imports.ImportMapping;
import io.silo.app.imports.ImportReport;
import io.silo.app.imports.Imports;
import io.silo.job.Job;
import io.silo.job.JobState;
import io.silo.json.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code silo import}: a MongoDB system's {@code mongodump} or {@code mongoexport} output into
 * organizations ({@code docs/import.md}), as a job ({@code organization.import}) run here with a
 * progress line; a job left by a killed run of the same import is finished instead. Exit code 0 when everything was imported, 2 when the
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
            description = "shared, per-tenant, per-service or registry (default: the mapping's; required without one).")
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
        if (mapping == null && given.isEmpty()) {
            throw new IllegalArgumentException(
                    "say which layout: --layout shared, per-tenant, per-service or registry, or a --mapping file");
        }
        ImportJob.Options options = new ImportJob.Options(
                dump,
                given,
                Optional.ofNullable(mapping),
                Optional.ofNullable(source).orElse(""));
        Path folder = reports != null ? reports : dump.resolveSibling(dump.getFileName() + "-import-report");
        Imports imports = app.importJobs();
        // a killed run left its job behind: running the command again finishes that job
        Optional<Job> left = imports.unfinished(options, actor());
        Job job = left.orElseGet(() -> imports.start(options, actor(), Duration.ofSeconds(30)));
        if (!json) {
            out.printf(
                    left.isPresent() ? "resuming import job %s (step %d of %d)%n" : "import job %s (%s%d steps)%n",
                    job.id(),
                    left.isPresent() ? job.nextStep() + 1 : "",
                    job.steps().size());
        }
        Job ended = json ? imports.runInline(job.id()) : withProgress(imports, job, out);
        Optional<ImportReport> report = imports.report(ended.id()).map(ImportReport::read);
        if (ended.state() == JobState.FAILED || report.isEmpty()) {
            throw new IllegalStateException(
                    "the import job " + ended.id() + " " + ended.state().value()
                            + ended.error().map(error -> ": " + error).orElse(""));
        }
        report.get().write(folder);
        if (json) {
            out.println(Json.write(report.get().json()));
        } else {
            print(report.get(), folder, out);
        }
        return ended.state() == JobState.SUCCEEDED && report.get().complete() ? 0 : INCOMPLETE;
    }

    /** Runs the job here while a progress line shows its documents (a bar on a terminal). */
    private static Job withProgress(Imports imports, Job job, PrintWriter out) {
        int steps = job.steps().size();
        return ProgressLine.whileRunning(
                out,
                "import",
                () -> imports.runInline(job.id()),
                progress -> imports.job(job.id())
                        .ifPresent(now -> now.progress()
                                .ifPresent(step -> progress.show(
                                        step.done() + step.failed(),
                                        Math.max(1, step.total()),
                                        "documents, step " + Math.min(steps, now.nextStep() + 1) + " of " + steps
                                                + (step.failed() > 0 ? ", " + step.failed() + " left out" : "")))));
    }

    private static void print(ImportReport report, Path folder, PrintWriter out) {
        summarize(report, out);
        out.println("reports: " + folder.toAbsolutePath());
    }

    /** The report in a few lines: what was read and written, each organization, what was noted. */
    static void summarize(ImportReport report, PrintWriter out) {
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
        if (!report.complete() && report.written() == 0) {
            // a re-run over a source that still holds a bad document exits 2 as the first did: say
            // plainly that this run changed nothing, so that the code is not read as a new failure
            out.printf(
                    "nothing new written; %d left out, as the report says: the source still holds them, and every"
                            + " run exits %d until they are fixed or removed there%n",
                    report.rejectedCount(), INCOMPLETE);
        }
    }
}
