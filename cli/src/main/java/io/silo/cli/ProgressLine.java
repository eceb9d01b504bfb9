package io.silo.cli;

import java.io.PrintWriter;

/**
 * Shows how far a long command got. On a terminal it redraws one line in place with a carriage
 * return ({@code [#####-----] 3/7 database:crm}); otherwise (a pipe, a log file, a test) it prints
 * a plain line per change, so that nothing but text lands in the output.
 *
 * <p>Not thread-safe: one command updates it from the thread that runs the work.
 */
final class ProgressLine {
    private static final int WIDTH = 30;

    private final PrintWriter out;
    private final boolean terminal;
    private String last = "";

    ProgressLine(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** A progress line on standard output's kind: a bar on a terminal, plain lines otherwise. */
    static ProgressLine forConsole(PrintWriter out) {
        return new ProgressLine(out, System.console() != null);
    }

    /** Shows {@code done} of {@code total} with a label; an unchanged line is not printed again. */
    void show(long done, long total, String label) {
        String line =
                terminal ? bar(done, total) + " " + done + "/" + total + " " + label : done + "/" + total + " " + label;
        if (line.equals(last)) {
            return;
        }
        if (terminal) {
            // pad over what a longer previous line left on screen
            out.print("\r" + line + " ".repeat(Math.max(0, last.length() - line.length())));
        } else {
            out.println(line);
        }
        out.flush();
        last = line;
    }

    /** Ends the line on a terminal, so the command's answer starts on a line of its own. */
    void finish() {
        if (terminal && !last.isEmpty()) {
            out.println();
            out.flush();
        }
    }

    static String bar(long done, long total) {
        int filled = total <= 0 ? 0 : (int) Math.min(WIDTH, done * WIDTH / total);
        return "[" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "]";
    }
}
