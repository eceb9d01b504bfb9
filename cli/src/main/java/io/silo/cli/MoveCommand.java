package io.silo.cli;

import io.silo.app.Application;
import io.silo.app.move.Moves;
import io.silo.job.Job;
import io.silo.job.JobState;
import io.silo.json.Json;
import io.silo.postgres.move.MoveJob;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code silo move ORG --to CLUSTER}: an organization's databases to another cluster while it keeps
 * working ({@code docs/operations.md}), as a job ({@code organization.move}) run here with a progress
 * line; the move of that organization a killed run left is finished instead. Exit code 0 when it
 * moved, 1 when it could not (it is then rolled back, or refused before anything changed).
 */
@Command(
        name = "move",
        mixinStandardHelpOptions = true,
        description = "Move an organization to another cluster while it keeps working; writes pause for a moment.")
final class MoveCommand extends OperatorCommand {
    @Parameters(index = "0", paramLabel = "ORG", description = "The organization's slug or id.")
    String organization;

    @Option(names = "--to", required = true, paramLabel = "CLUSTER", description = "The cluster to move to.")
    String target;

    @Option(
            names = "--service",
            paramLabel = "SERVICE",
            description = "Move only this service's database (repeatable); by default every database not on the"
                    + " target moves.")
    java.util.List<String> services = new java.util.ArrayList<>();

    @Option(
            names = "--method",
            defaultValue = "auto",
            description = "auto (logical replication where the source allows it), logical, or copy (under the fence).")
    String method;

    @Override
    int run(Application app, PrintWriter out) {
        Moves moves = app.moves();
        Optional<Job> left = moves.unfinished(organization);
        Job job = left.orElseGet(() -> moves.start(
                organization, target, services, MoveJob.Method.parse(method), actor(), Duration.ofSeconds(30)));
        if (!json) {
            out.printf(
                    left.isPresent() ? "resuming move job %s (step %d of %d)%n" : "move job %s (%s%d steps)%n",
                    job.id(),
                    left.isPresent() ? job.nextStep() + 1 : "",
                    job.steps().size());
        }
        Job ended = json ? moves.runInline(job.id()) : withProgress(moves, job, out);
        Map<String, Object> summary = moves.summary(ended.id()).orElse(Map.of());
        if (ended.state() != JobState.SUCCEEDED) {
            throw new IllegalStateException(
                    "the move job " + ended.id() + " " + ended.state().value()
                            + ended.error().map(error -> ": " + error).orElse(""));
        }
        if (json) {
            out.println(Json.write(summary));
        } else {
            out.printf(
                    "%s moved to %s by %s; writes were fenced for %s ms; old copies dropped after %s%n",
                    summary.get("organization"),
                    summary.get("to"),
                    summary.get("method"),
                    summary.get("fenceMs"),
                    summary.get("oldCopiesDropAfter"));
        }
        return 0;
    }

    private static Job withProgress(Moves moves, Job job, PrintWriter out) {
        int steps = job.steps().size();
        return ProgressLine.whileRunning(
                out,
                "move",
                () -> moves.runInline(job.id()),
                progress -> moves.job(job.id())
                        .ifPresent(now -> progress.show(
                                Math.min(steps, now.nextStep()),
                                steps,
                                "steps, " + now.currentStep().orElse("done"))));
    }
}
