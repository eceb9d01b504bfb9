package io.silo.bench.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Appends a run to the benchmark history: the chart under {@code <report's folder>/benchmarks/},
 * the section at the end of the Markdown file, which is created with a short heading if missing.
 * Earlier runs are never touched.
 *
 * <p>Not thread-safe: one run writes at a time.
 */
public final class ReportFile {
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmm").withZone(ZoneOffset.UTC);

    private ReportFile() {}

    /** Appends a section of another kind of run ({@code --backup}, {@code --move}), the file made if missing. */
    public static void appendSection(Path markdown, String section) {
        try {
            Files.createDirectories(markdown.toAbsolutePath().getParent());
            if (!Files.exists(markdown)) {
                Files.writeString(markdown, "# Benchmarks\n");
            }
            Files.writeString(markdown, "\n" + section, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + markdown, e);
        }
    }

    /** Writes the chart and appends the section; returns the chart's path. */
    public static Path append(Path markdown, RunResult run) {
        Path folder = markdown.toAbsolutePath().getParent();
        String chartName = STAMP.format(run.startedAt()) + "-" + run.commit().replace("+", "-") + "-"
                + run.parameters().getOrDefault("tenants", "x") + "t.png";
        Path chart = folder.resolve("benchmarks").resolve(chartName);
        Chart.write(run, chart);
        try {
            Files.createDirectories(folder);
            if (!Files.exists(markdown)) {
                Files.writeString(
                        markdown,
                        "# Benchmarks\n\nRuns of `./silo bench`; how to read them: `docs/benchmarks.md` in the repository.\n\n## Runs\n");
            }
            Files.writeString(
                    markdown, "\n" + Markdown.section(run, "benchmarks/" + chartName), StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + markdown, e);
        }
        return chart;
    }
}
