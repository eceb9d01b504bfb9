package io.silo.cli;

import io.silo.app.Application;
import io.silo.app.imports.ImportReport;
import io.silo.app.job.JobAdmin;
import io.silo.app.organization.OrganizationJson;
import io.silo.crypto.Ids;
import io.silo.job.Job;
import io.silo.json.Json;
import io.silo.postgres.job.JobStore;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code silo jobs …}: the jobs of the control plane, listed, shown (and followed), cancelled. */
@Command(
        name = "jobs",
        mixinStandardHelpOptions = true,
        description = "List, show, follow and cancel jobs (provisioning, deletion, rollouts).",
        subcommands = {JobsCommand.ListJobs.class, JobsCommand.Show.class, JobsCommand.Cancel.class})
final class JobsCommand {
    private JobsCommand() {}

    /** What every subcommand shares: configuration, JSON output. */
    abstract static class Base extends OperatorCommand {
        @Override
        int run(Application app, PrintWriter out) throws InterruptedException {
            return run(app.jobs(), out);
        }

        abstract int run(JobAdmin jobs, PrintWriter out) throws InterruptedException;

        void print(PrintWriter out, Job job) {
            if (json) {
                out.println(Json.write(OrganizationJson.job(job)));
                return;
            }
            out.printf(
                    "%s  %s  %s  step %d/%d%s%s%n",
                    job.id(),
                    job.kind(),
                    job.state().value(),
                    job.nextStep(),
                    job.steps().size(),
                    job.state().finished()
                            ? ""
                            : job.currentStep().map(step -> " (" + step + ")").orElse(""),
                    job.cancelRequested() && !job.state().finished() ? ", cancellation asked" : "");
            job.error().ifPresent(error -> out.println("  error: " + error));
            if (!job.state().finished()) {
                job.progress()
                        .ifPresent(progress -> out.printf(
                                "  progress: %d done, %d failed, %d remaining of %d%s%n",
                                progress.done(),
                                progress.failed(),
                                progress.remaining(),
                                progress.total(),
                                progress.eta()
                                        .map(eta -> ", about " + eta.toSeconds() + " s left")
                                        .orElse("")));
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List jobs, newest first.")
    static final class ListJobs extends Base {
        @Option(names = "--kind", description = "Only this kind, e.g. tenant.provision.")
        String kind;

        @Option(names = "--state", description = "Only this state: pending, running, succeeded, failed, cancelled.")
        String state;

        @Option(names = "--org", description = "Only this organization's (slug or id).")
        String organization;

        @Option(names = "--limit", defaultValue = "50", description = "At most this many (default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        int run(JobAdmin jobs, PrintWriter out) {
            JobStore.Page page = jobs.list(new JobAdmin.Query(
                    Optional.ofNullable(kind),
                    Optional.ofNullable(state),
                    Optional.ofNullable(organization),
                    Optional.empty(),
                    Math.max(1, Math.min(limit, 500))));
            if (json) {
                out.println(Json.write(
                        page.items().stream().map(OrganizationJson::job).toList()));
                return 0;
            }
            out.printf("%-36s %-18s %-10s %-6s %s%n", "ID", "KIND", "STATE", "STEPS", "CREATED");
            page.items()
                    .forEach(job -> out.printf(
                            "%-36s %-18s %-10s %-6s %s%n",
                            job.id(),
                            job.kind(),
                            job.state().value(),
                            job.nextStep() + "/" + job.steps().size(),
                            job.createdAt()));
            return 0;
        }
    }

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = "Show a job: steps, progress, error; --follow waits for it with a progress bar.")
    static final class Show extends Base {
        @Parameters(paramLabel = "ID", description = "The job id.")
        String id;

        @Option(names = "--follow", description = "Wait until the job finishes, showing its progress.")
        boolean follow;

        /** The job, then what its kind keeps: a rollout's databases, an import's report. */
        @Override
        int run(Application app, PrintWriter out) throws InterruptedException {
            int exit = run(app.jobs(), out);
            Map<String, Object> details = app.jobDetails().of(Ids.parse(id, "id"));
            if (json) {
                out.println(Json.write(details));
                return exit;
            }
            if (details.get("rollout") instanceof JsonNode rollout) {
                MigrateCommand.summarize("rollout", rollout, String.valueOf(details.get("state")), out);
            }
            if (details.get("import") instanceof JsonNode report) {
                ImportCommand.summarize(ImportReport.read(report), out);
            }
            return exit;
        }

        @Override
        int run(JobAdmin jobs, PrintWriter out) throws InterruptedException {
            Job job = jobs.get(Ids.parse(id, "id"));
            if (follow && !json) {
                ProgressLine progress = ProgressLine.forConsole(out);
                while (!job.state().finished()) {
                    progress.show(position(job), total(job), label(job));
                    Thread.sleep(Duration.ofMillis(500));
                    job = jobs.get(job.id());
                }
                progress.finish();
            }
            if (!json) {
                print(out, job);
            }
            return job.state() == io.silo.job.JobState.SUCCEEDED || !job.state().finished() ? 0 : 1;
        }

        /** Within a step that reports progress, its items; otherwise the steps. */
        private static long position(Job job) {
            return job.progress().map(p -> p.done() + p.failed()).orElse((long) job.nextStep());
        }

        private static long total(Job job) {
            return job.progress().map(p -> p.total()).orElse((long) job.steps().size());
        }

        private static String label(Job job) {
            return job.currentStep().orElse("") + (job.progress().isPresent() ? " (items)" : "");
        }
    }

    @Command(
            name = "cancel",
            mixinStandardHelpOptions = true,
            description = "Cancel a job: a pending one never starts, a running one stops at its next step.")
    static final class Cancel extends Base {
        @Parameters(paramLabel = "ID", description = "The job id.")
        String id;

        @Override
        int run(JobAdmin jobs, PrintWriter out) {
            print(out, jobs.cancel(Ids.parse(id, "id"), actor()));
            return 0;
        }
    }
}
