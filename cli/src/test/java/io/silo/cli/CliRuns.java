package io.silo.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** The CLI run in the test's process, as an operator types it: its exit code and what it printed. */
final class CliRuns {
    private CliRuns() {}

    record Outcome(int code, String out, String err) {}

    static Outcome run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Outcome(code, out.toString(), err.toString());
    }
}
