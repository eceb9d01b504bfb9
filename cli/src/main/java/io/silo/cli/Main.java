package io.silo.cli;

import io.silo.error.SiloException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code silo} command. Start-up failures end in one line on standard error and exit code
 * 1, never a stack trace; {@code --verbose} shows the cause chain for bug reports.
 */
@Command(
        name = "silo",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Silo: one PostgreSQL database per tenant and service, behind one control plane.",
        subcommands = {
            ServeCommand.class,
            TenantsCommand.class,
            AdminsCommand.class,
            ClustersCommand.class,
            JobsCommand.class,
            MigrateCommand.class,
            TemplatesCommand.class,
            ImportCommand.class,
            BackupCommand.class,
            RestoreCommand.class,
            ControlCommand.class,
            MoveCommand.class,
            DrainCommand.class
        })
public final class Main {

    public static void main(String[] args) {
        if (args.length > 0 && !"serve".equals(args[0]) && System.getenv("SILO_LOG_LEVEL") == null) {
            // a one-shot command should print its answer, not the start-up chatter of the control plane
            System.setProperty("SILO_LOG_LEVEL", "WARN");
        }
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code, without exiting. */
    public static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs the command line with the given output streams; for tests. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = new CommandLine(new Main()).setOut(out).setErr(err);
        commandLine.setExecutionExceptionHandler((error, line, parsed) -> {
            boolean verbose = parsed.originalArgs().contains("--verbose");
            line.getErr().println("silo: " + describe(error));
            if (verbose) {
                error.printStackTrace(line.getErr());
            }
            return 1;
        });
        return commandLine.execute(args);
    }

    static String describe(Throwable error) {
        if (error instanceof SiloException) {
            return error.getMessage();
        }
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return error.getMessage() != null && !error.getMessage().equals(message)
                ? error.getMessage() + ": " + message
                : message;
    }
}
