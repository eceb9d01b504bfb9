package io.silo.cli;

import io.silo.app.Application;
import io.silo.audit.AuditEntry;
import io.silo.job.StepObserver;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every command an operator runs on the control plane shares: the configuration, JSON output,
 * Silo opened in-process for the command, and the operator as the actor of the audit log.
 *
 * <p>Not thread-safe: one instance per command line.
 */
abstract class OperatorCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        try (Application app = ControlPlane.open(options.load(), observer())) {
            return run(app, spec.commandLine().getOut());
        }
    }

    /** What sees the steps of the jobs this command runs inline; nothing by default. */
    StepObserver observer() {
        return StepObserver.NONE;
    }

    /** Runs the command on the opened Silo, printing to {@code out}; the exit code. */
    abstract int run(Application app, PrintWriter out) throws InterruptedException;

    /** The operator at this terminal, as the audit log records them. */
    static AuditEntry.Actor actor() {
        return new AuditEntry.Actor("operator", System.getProperty("user.name", ""), "silo-cli", "", "silo-cli", "");
    }
}
