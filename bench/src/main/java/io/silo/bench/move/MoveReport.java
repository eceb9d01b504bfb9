package io.silo.bench.move;

import io.silo.bench.report.ReportFile;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Appends a move run to the benchmark history: one row per move (size, method, time, the fence as
 * the move measured it and as the writing client saw it, writes lost) and the drain's throughput.
 * Earlier runs are never touched.
 *
 * <p>Thread-safe: stateless.
 */
final class MoveReport {
    private static final DateTimeFormatter HEADING =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private MoveReport() {}

    static void append(Path markdown, MoveFigures figures) {
        ReportFile.appendSection(markdown, section(figures));
    }

    static String section(MoveFigures figures) {
        StringBuilder out = new StringBuilder();
        out.append("### Moves and a drain · ")
                .append(HEADING.format(figures.startedAt()))
                .append(" · commit `")
                .append(figures.commit())
                .append("`\n\n");
        out.append(String.format(
                Locale.ROOT,
                "%s, %d processors; two servers on this machine: %s. Each organization (core + billing) is"
                        + " moved from the first to the second while one client of it writes an invoice and reads"
                        + " one back every 10 ms.\n\n",
                figures.machine().model(),
                figures.machine().processors(),
                figures.server()));
        out.append("| organization | size | invoices | method | move | fence (Silo's count) | longest run of 503s"
                + " (client) | writes acknowledged · refused · other | reads · failed | acknowledged writes lost |"
                + " load |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (MoveFigures.Move move : figures.moves()) {
            WriteTraffic.Seen seen = move.seen();
            out.append(String.format(
                    Locale.ROOT,
                    "| `%s` | %.1f MB | %,d | %s | %.1f s | **%d ms** | %d ms | %,d · %,d · %,d | %,d · %,d | %d | %.1f |\n",
                    move.slug(),
                    move.megabytes(),
                    move.rows(),
                    move.method(),
                    move.seconds(),
                    move.fenceMillis(),
                    seen.longestRefusedMillis(),
                    seen.acknowledged().size(),
                    seen.refused(),
                    seen.otherWriteFailures(),
                    seen.reads(),
                    seen.failedReads(),
                    move.lost(),
                    move.load()));
        }
        MoveFigures.Drain drain = figures.drain();
        out.append(String.format(
                Locale.ROOT,
                "\nDrain: %d organizations, %.1f MB together, %d at a time: %.1f s, **%.1f organizations/min, %.1f"
                        + " MB/s** (load %.1f).\n",
                drain.organizations(),
                drain.databaseBytes() / 1048576.0,
                drain.parallel(),
                drain.seconds(),
                drain.organizationsPerMinute(),
                drain.megabytesPerSecond(),
                drain.load()));
        long worst = figures.moves().stream()
                .mapToLong(MoveFigures.Move::fenceMillis)
                .max()
                .orElse(0);
        out.append(String.format(
                Locale.ROOT,
                "\nTarget (issue 18): a move's write fence under one second at 10 MB and at 1 GB: longest here %d ms,"
                        + " %s (information, never a test).\n",
                worst,
                worst < 1000 ? "met" : "**not** met"));
        return out.toString();
    }
}
