package io.silo.cli;

import io.silo.app.Application;
import io.silo.app.move.Moves;
import io.silo.job.Job;
import io.silo.job.JobState;
import io.silo.json.Json;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code silo drain CLUSTER}: takes a cluster out of placement and moves every organization off it,
 * a few at a time, each where placement chooses ({@code docs/operations.md}), as a job ({@code
 * cluster.drain}) run here with a progress line of organizations moved. Exit code 0 when none is left
 * on the cluster, 1 otherwise (the log and the job say which and why; run it again).
 */
@Command(
        name = "drain",
        mixinStandardHelpOptions = true,
        description = "Take a cluster out of placement and move every organization off it, a few at a time.")
final class DrainCommand extends OperatorCommand {
    @Parameters(index = "0", paramLabel = "CLUSTER", description = "The cluster to empty.")
    String cluster;

    @Option(names = "--parallel", defaultValue = "2", description = "Moves at once (1 to 16; default 2).")
    int parallel;

    @Override
    int run(Application app, PrintWriter out) {
        Moves moves = app.moves();
        Job job = moves.drain(cluster, parallel, actor(), Duration.ofSeconds(30));
        Job ended = json
                ? moves.runInline(job.id())
                : ProgressLine.whileRunning(
                        out,
                        "drain",
                        () -> moves.runInline(job.id()),
                        progress -> moves.job(job.id())
                                .flatMap(Job::progress)
                                .ifPresent(step -> progress.show(
                                        step.done() + step.failed(),
                                        Math.max(1, step.total()),
                                        "organizations"
                                                + (step.failed() > 0 ? ", " + step.failed() + " not moved" : ""))));
        if (ended.state() != JobState.SUCCEEDED) {
            throw new IllegalStateException(
                    "the drain job " + ended.id() + " " + ended.state().value()
                            + ended.error().map(error -> ": " + error).orElse(""));
        }
        if (json) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("cluster", cluster);
            body.put("job", ended.id().toString());
            body.put("drained", true);
            out.println(Json.write(body));
        } else {
            out.println("cluster " + cluster + " is drained: no organization is left on it");
        }
        return 0;
    }
}
