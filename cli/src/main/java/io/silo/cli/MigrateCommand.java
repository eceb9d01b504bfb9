package io.silo.cli;

import io.silo.app.Application;
import io.silo.app.migration.RolloutRequest;
import io.silo.app.migration.RolloutResult;
import io.silo.app.migration.Rollouts;
import io.silo.job.Job;
import io.silo.json.Json;
import io.silo.template.ServiceTemplate;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/**
 * {@code silo migrate}: brings the existing databases of a service (of every service when none is
 * named) to the newest version of its template, as a rollout job run in this process. Exit code 0
 * when every database moved or nothing was to do, 1 when any stayed behind (each is printed with
 * its reason).
 */
@Command(
        name = "migrate",
        mixinStandardHelpOptions = true,
        description = "Bring existing tenant databases to their template's newest version.")
final class MigrateCommand extends OperatorCommand {
    @Option(names = "--service", description = "The service to migrate (default: every service).")
    String service;

    @Option(names = "--tenants", split = ",", description = "Only these organizations (ids or slugs).")
    List<String> tenants = new ArrayList<>();

    @Option(names = "--dry-run", description = "Print what each database would go through; change nothing.")
    boolean dryRun;

    @Option(
            names = "--parallel",
            description = "Databases at once (default 4, at most 64, within the clusters' budgets).")
    Integer parallel;

    @Option(names = "--canary", description = "Migrate this many databases, then stop.")
    Integer canary;

    @Option(
            names = "--auto-continue",
            description = "With --canary: go on with the rest when none of the canary failed.")
    boolean autoContinue;

    @Option(names = "--continue", description = "Go on after an earlier canary.")
    boolean continueAfterCanary;

    @Override
    int run(Application app, PrintWriter out) {
        List<String> services = service != null
                ? List.of(service)
                : app.templates().all().stream().map(ServiceTemplate::service).toList();
        int exit = 0;
        for (String name : services) {
            exit = Math.max(exit, migrate(app.rollouts(), name, out));
        }
        return exit;
    }

    private int migrate(Rollouts rollouts, String name, PrintWriter out) {
        RolloutResult result = rollouts.start(
                new RolloutRequest(
                        name,
                        tenants,
                        dryRun,
                        Optional.ofNullable(parallel),
                        Optional.ofNullable(canary),
                        autoContinue,
                        continueAfterCanary),
                actor());
        return switch (result) {
            case RolloutResult.NothingToDo nothing -> {
                print(out, nothing, name + ": nothing to do; every database is at version " + nothing.version());
                yield 0;
            }
            case RolloutResult.DryRun plan -> {
                if (json) {
                    out.println(Json.write(plan));
                } else {
                    out.printf(
                            "%s: %d databases would move to version %d%n",
                            name, plan.databases().size(), plan.version());
                    for (RolloutResult.DatabasePlan database : plan.databases()) {
                        out.printf(
                                "  %s (%s): %d -> %d%n",
                                database.database(), database.tenant(), database.fromVersion(), database.toVersion());
                        database.steps().forEach(step -> out.println("    " + step));
                    }
                }
                yield 0;
            }
            case RolloutResult.Started started -> report(rollouts, started, out);
        };
    }

    private int report(Rollouts rollouts, RolloutResult.Started started, PrintWriter out) {
        if (!json) {
            out.printf(
                    "%s: migrating %d databases to version %d, %d at a time (job %s)%n",
                    started.service(), started.databases(), started.version(), started.parallel(), started.jobId());
        }
        Job job = json ? rollouts.runInline(started.jobId()) : withProgress(rollouts, started, out);
        JsonNode progress = rollouts.summary(started.jobId()).orElseGet(Json::object);
        if (json) {
            var body = Json.object();
            body.put("service", started.service());
            body.put("version", started.version());
            body.put("job", started.jobId().toString());
            body.put("state", job.state().value());
            body.set("progress", progress);
            out.println(Json.write(body));
        } else {
            summarize(started.service(), progress, job.state().value(), out);
        }
        return progress.path("failed").asInt() > 0 || !job.state().finished() ? 1 : 0;
    }

    /** A rollout's outcome in a few lines: its counts, its longest write fence, each database that failed. */
    static void summarize(String service, JsonNode progress, String state, PrintWriter out) {
        out.printf(
                "%s: %d done, %d failed, %d remaining of %d (%s)%n",
                service,
                progress.path("done").asInt(),
                progress.path("failed").asInt(),
                progress.path("remaining").asInt(),
                progress.path("total").asInt(),
                state);
        JsonNode fence = progress.path("longestFence");
        if (fence.isObject()) {
            out.printf(
                    "  longest write fence: %d ms (%s of %s)%n",
                    fence.path("ms").asLong(),
                    fence.path("database").asString(),
                    fence.path("tenant").asString());
        }
        for (JsonNode failure : progress.path("failures")) {
            out.printf(
                    "  failed: %s (%s): %s%n",
                    failure.path("database").asString(),
                    failure.path("tenant").asString(),
                    failure.path("reason").asString());
        }
    }

    /** Runs the rollout here while a progress line shows the databases done (a bar on a terminal). */
    private static Job withProgress(Rollouts rollouts, RolloutResult.Started started, PrintWriter out) {
        return ProgressLine.whileRunning(
                out,
                "rollout-" + started.service(),
                () -> rollouts.runInline(started.jobId()),
                progress -> rollouts.summary(started.jobId())
                        .ifPresent(summary -> progress.show(
                                summary.path("done").asLong()
                                        + summary.path("failed").asLong(),
                                summary.path("total").asLong(started.databases()),
                                "databases")));
    }

    private void print(PrintWriter out, RolloutResult result, String text) {
        out.println(json ? Json.write(result) : text);
    }
}
