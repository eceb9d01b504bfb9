package io.silo.bench.backup;

import io.silo.bench.report.ReportFile;
import io.silo.bench.stack.HotSpots;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * Appends a backup run to the benchmark history: a section at the end of the Markdown file with
 * the machine, the server, the organization and one row per timed step, and Silo against
 * {@code pg_dump} / {@code pg_restore} as ratios ("information, never a test"). Earlier runs are
 * never touched.
 *
 * <p>Thread-safe: stateless.
 */
final class BackupReport {
    private static final DateTimeFormatter HEADING =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private BackupReport() {}

    static void append(Path markdown, BackupFigures figures) {
        ReportFile.appendSection(markdown, section(figures));
    }

    static String section(BackupFigures figures) {
        StringBuilder text = new StringBuilder();
        text.append(String.format(
                Locale.ROOT,
                "### Backup and restore · %s · %.0f MB · commit `%s`%n%n",
                HEADING.format(figures.startedAt()),
                figures.databaseBytes() / 1048576.0,
                figures.commit()));
        text.append(String.format(
                Locale.ROOT,
                "%s (nproc %d), %.1f GiB of memory, %s; load average %.2f when the run started, %.2f when it "
                        + "ended (the machine is shared: a load above %d means the steps below waited for the CPU). "
                        + "PostgreSQL %s.%n%n",
                figures.machine().model(),
                figures.machine().processors(),
                figures.machine().memoryBytes() / (double) (1L << 30),
                figures.machine().os(),
                figures.machine().loadAverage(),
                figures.endLoadAverage(),
                figures.machine().processors(),
                figures.postgres()));
        text.append(String.format(
                Locale.ROOT,
                "Organization `%s`: databases %s, %,d invoices in `billing.invoices`, %.1f MB together "
                        + "(`pg_database_size`, after `VACUUM (FREEZE, ANALYZE)`; filled by SQL in %.0f s).%n%n",
                figures.organization(),
                String.join(
                        ", ",
                        figures.databases().stream()
                                .map(name -> "`" + name + "`")
                                .toList()),
                figures.invoices(),
                figures.databaseBytes() / 1048576.0,
                figures.fillSeconds()));
        text.append("| step | load avg at start | seconds | Silo's own count | CPU s: tool · PostgreSQL "
                + "| databases MB | MB/s of databases | archive MB | MB/s of archive | documents in the copy |\n");
        text.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (BackupFigures.Step step : figures.steps()) {
            text.append(String.format(
                    Locale.ROOT,
                    "| %s | %.2f | %.1f | %s | %.1f · %s | %.1f | %.1f | %.1f | %.1f | %s |%n",
                    step.tool(),
                    step.loadAverage(),
                    step.seconds(),
                    step.ownSeconds()
                            .map(value -> String.format(Locale.ROOT, "%.1f s", value))
                            .orElse(""),
                    step.toolCpuSeconds(),
                    step.postgresCpuSeconds()
                            .map(value -> String.format(Locale.ROOT, "%.1f", value))
                            .orElse("?"),
                    step.databaseBytes() / 1048576.0,
                    step.databaseMegabytesPerSecond(),
                    step.archiveBytes() / 1048576.0,
                    step.archiveMegabytesPerSecond(),
                    step.documents()
                            .map(count -> String.format(Locale.ROOT, "%,d", count))
                            .orElse("")));
        }
        text.append('\n');
        ratio(text, figures.steps(), "silo backup", "pg_dump -Fc", "backup");
        ratio(text, figures.steps(), "silo restore --as", "pg_restore (into new databases)", "restore");
        text.append('\n');
        figures.profiles().forEach(profile -> profile(text, profile.command(), profile.hotSpots()));
        return text.toString();
    }

    private static void ratio(
            StringBuilder text, List<BackupFigures.Step> steps, String silo, String baseline, String what) {
        BackupFigures.Step ours = find(steps, silo);
        BackupFigures.Step theirs = find(steps, baseline);
        double ratio = theirs.seconds() / ours.seconds();
        text.append(String.format(
                Locale.ROOT,
                "- %s: Silo at %.2f × the speed of %s (%.1f s against %.1f s)%s: %s (information, never a test).%n",
                what,
                ratio,
                baseline,
                ours.seconds(),
                theirs.seconds(),
                ours.ownSeconds()
                        .map(own -> String.format(
                                Locale.ROOT,
                                "; by Silo's own count, without its JVM's start and the control plane's opening, "
                                        + "%.2f ×",
                                theirs.seconds() / own))
                        .orElse(""),
                ratio >= 1 ? "no slower, target met" : "slower, target **not** met"));
    }

    private static BackupFigures.Step find(List<BackupFigures.Step> steps, String tool) {
        return steps.stream()
                .filter(step -> step.tool().equals(tool))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no step " + tool));
    }

    private static void profile(StringBuilder text, String command, HotSpots profile) {
        text.append(String.format(
                Locale.ROOT,
                "**Profile** of one more `%s` under JFR (not measured above), %,d CPU samples of the CLI's JVM "
                        + "(its Java threads; the JIT compiler's and the collector's are not sampled); "
                        + "methods on top of the stack:%n%n",
                command,
                profile.samples()));
        text.append("| method | share |\n|---|---|\n");
        profile.self().forEach(share -> text.append(line(share)));
        text.append("\nSilo's methods anywhere on the stack:\n\n| method | share |\n|---|---|\n");
        profile.siloInclusive().forEach(share -> text.append(line(share)));
        text.append('\n');
    }

    private static String line(HotSpots.Share share) {
        return String.format(Locale.ROOT, "| %s | %.1f %% |%n", share.name(), share.share() * 100);
    }
}
