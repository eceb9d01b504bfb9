package io.silo.cli;

import io.silo.app.Application;
import io.silo.app.cluster.ClusterChange;
import io.silo.app.cluster.ClusterRegistry;
import io.silo.cluster.Cluster;
import io.silo.json.Json;
import io.silo.postgres.jdbc.JdbcUrls;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code silo clusters …}: the clusters as the control database holds them, and what an operator
 * changes about one at run time (whether it takes new tenants, its labels), in-process on the control
 * database (see {@link ControlPlane}), each change audited with the operating system user as actor.
 * Every running instance places by a change from its commit.
 */
@Command(
        name = "clusters",
        mixinStandardHelpOptions = true,
        description =
                "List clusters; stop or resume placing new organizations on one, relabel one, remove one, rotate its password.",
        subcommands = {
            ClustersCommand.ListClusters.class,
            ClustersCommand.Set.class,
            ClustersCommand.Remove.class,
            ClustersCommand.RotatePassword.class
        })
final class ClustersCommand {

    /** What both subcommands share: configuration, JSON output, the audit actor. */
    abstract static class Base extends OperatorCommand {
        @Override
        int run(Application app, PrintWriter out) {
            return run(app.clusterRegistry(), out);
        }

        abstract int run(ClusterRegistry clusters, PrintWriter out);

        void print(PrintWriter out, Cluster cluster) {
            if (json) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("id", cluster.id());
                body.put("url", JdbcUrls.redacted(cluster.url()));
                body.put("labels", new TreeMap<>(cluster.labels()));
                body.put("capacity", cluster.capacity());
                body.put("connectionBudget", cluster.connectionBudget());
                body.put("control", cluster.control());
                body.put("status", cluster.status());
                body.put("acceptingTenants", cluster.acceptsNewTenants());
                out.println(Json.write(body));
                return;
            }
            out.printf(
                    "%-16s %-9s %-13s %s %s%n",
                    cluster.id(),
                    cluster.status(),
                    cluster.acceptsNewTenants() ? "accepting" : "not-accepting",
                    new TreeMap<>(cluster.labels())
                            .entrySet().stream()
                                    .map(label -> label.getKey() + "=" + label.getValue())
                                    .collect(Collectors.joining(",", "{", "}")),
                    JdbcUrls.redacted(cluster.url()));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the clusters.")
    static final class ListClusters extends Base {
        @Override
        int run(ClusterRegistry clusters, PrintWriter out) {
            clusters.list().forEach(cluster -> print(out, cluster));
            return 0;
        }
    }

    @Command(
            name = "set",
            mixinStandardHelpOptions = true,
            description = "Stop or resume placing new organizations on a cluster, or replace its labels."
                    + " Kept in the control database: a restart with other labels in the file keeps them.")
    static final class Set extends Base {
        @Parameters(paramLabel = "ID", description = "The cluster's id.")
        String id;

        @Option(
                names = "--accepting-tenants",
                arity = "1",
                paramLabel = "true|false",
                description = "false: no new organization is placed there (draining); true: active again.")
        Boolean acceptingTenants;

        @Option(
                names = "--label",
                paramLabel = "KEY=VALUE",
                description = "A label; the ones given replace all of the cluster's labels. Repeatable.")
        Map<String, String> labels;

        @Option(names = "--clear-labels", description = "Remove all of the cluster's labels.")
        boolean clearLabels;

        @Option(names = "--capacity", paramLabel = "N", description = "The most tenant databases placed there.")
        Integer capacity;

        @Option(
                names = "--connection-budget",
                paramLabel = "N",
                description = "The most connections each instance opens to it; each instance takes it up at its next"
                        + " connection there.")
        Integer connectionBudget;

        @Override
        int run(ClusterRegistry clusters, PrintWriter out) {
            if (labels != null && clearLabels) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--label and --clear-labels exclude each other");
            }
            if (acceptingTenants == null
                    && labels == null
                    && !clearLabels
                    && capacity == null
                    && connectionBudget == null) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "say what to change: --accepting-tenants, --label, --clear-labels, --capacity or --connection-budget");
            }
            Optional<Map<String, String>> newLabels = clearLabels ? Optional.of(Map.of()) : Optional.ofNullable(labels);
            print(
                    out,
                    clusters.update(
                            id,
                            new ClusterChange(
                                    Optional.ofNullable(acceptingTenants),
                                    newLabels,
                                    Optional.ofNullable(capacity),
                                    Optional.ofNullable(connectionBudget)),
                            actor()));
            return 0;
        }
    }

    @Command(
            name = "remove",
            mixinStandardHelpOptions = true,
            description = "Remove a cluster that keeps no tenant database (move them off first: silo move)."
                    + " Every instance forgets it.")
    static final class Remove extends Base {
        @Parameters(paramLabel = "ID", description = "The cluster's id.")
        String id;

        @Override
        int run(ClusterRegistry clusters, PrintWriter out) {
            clusters.remove(id, actor());
            if (!json) {
                out.println("removed cluster " + id);
            }
            return 0;
        }
    }

    @Command(
            name = "rotate-password",
            mixinStandardHelpOptions = true,
            description = "Give a cluster registered at run time a new administrative password (random, never shown).")
    static final class RotatePassword extends Base {
        @Parameters(paramLabel = "ID", description = "The cluster's id.")
        String id;

        @Override
        int run(ClusterRegistry clusters, PrintWriter out) {
            print(out, clusters.rotatePassword(id, actor()));
            return 0;
        }
    }
}
