package io.silo.app.move;

import io.silo.app.cluster.Placements;
import io.silo.audit.AuditEntry;
import io.silo.cluster.ClusterPlacement;
import io.silo.cluster.ServicePlacement;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.job.Job;
import io.silo.job.JobHandler;
import io.silo.job.JobProgress;
import io.silo.job.JobState;
import io.silo.json.Json;
import io.silo.postgres.control.ClusterStore;
import io.silo.postgres.control.TenantStore;
import io.silo.postgres.jdbc.Jdbc;
import io.silo.postgres.move.MoveJob;
import io.silo.tenant.DatabaseState;
import io.silo.tenant.Tenant;
import io.silo.tenant.TenantDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Empties a cluster ({@value #KIND}, {@code silo drain}, {@code POST /api/admin/clusters/{id}/drain}):
 * {@code mark} takes it out of placement ({@code draining}); {@code move} moves every organization
 * off it, {@code parallel} at a time, as a move job of its own ({@link MoveJob}) that this step runs
 * and waits for. A move carries only the organization's databases on the drained cluster (its other
 * services stay where they are), to the cluster placement chooses for them: the least loaded active
 * one with room, carrying the labels the deployment's defaults give those services
 * ({@code placement.services}) when they agree and such a cluster has room, else any. Its
 * progress counts organizations moved, failed and in all; {@code finish} fails, naming them, when
 * organizations are left (a move that failed or was refused: run the drain again). A drain resumed
 * after a crash picks up the moves under way and starts the others.
 *
 * <p>Thread-safe.
 */
public final class DrainJob implements JobHandler {
    public static final String KIND = "cluster.drain";
    private static final Logger log = LoggerFactory.getLogger(DrainJob.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final Jdbc control;
    private final ClusterStore clusters;
    private final TenantStore tenants;
    private final Placements placements;
    private final Supplier<Moves> moves;
    private final JobProgress progress;

    /** @param moves the moves, made after the runner that runs this handler */
    public DrainJob(
            Jdbc control,
            ClusterStore clusters,
            TenantStore tenants,
            Placements placements,
            Supplier<Moves> moves,
            JobProgress progress) {
        this.control = control;
        this.clusters = clusters;
        this.tenants = tenants;
        this.placements = placements;
        this.moves = moves;
        this.progress = progress;
    }

    /** The steps of every drain. */
    public static List<String> plan() {
        return List.of("mark", "move", "finish");
    }

    /** The job payload. */
    public static JsonNode payload(String cluster, int parallel) {
        ObjectNode node = Json.object();
        node.put("cluster", cluster);
        node.put("parallel", parallel);
        return node;
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** A drain changes no tenant itself: each move holds its own tenant's lease. */
    @Override
    public Optional<UUID> tenantOf(Job job, String step) {
        return Optional.empty();
    }

    @Override
    public void run(Job job, String step) {
        String cluster = job.payload().path("cluster").asString();
        switch (step) {
            case "mark" ->
                clusters.update(cluster, Optional.of("draining"), Optional.empty(), Optional.empty(), Optional.empty());
            case "move" ->
                moveAll(job, cluster, Math.max(1, job.payload().path("parallel").asInt(2)));
            case "finish" -> finish(cluster);
            default -> throw new IllegalArgumentException("unknown step of a drain: " + step);
        }
    }

    @Override
    public void failed(Job job, String reason) {
        log.warn(
                "drain {} of cluster {} failed: {}",
                job.id(),
                job.payload().path("cluster").asString(),
                reason);
    }

    /** The organizations with a database on the cluster that a move carries (a removed service's stays). */
    List<UUID> tenantsOn(String cluster) {
        return control.query(
                "SELECT DISTINCT tenant_id FROM tenant_databases WHERE cluster_id = ? AND state <> ?",
                row -> row.getObject(1, UUID.class),
                cluster,
                DatabaseState.DETACHED.value());
    }

    private void moveAll(Job job, String cluster, int parallel) {
        Map<UUID, CompletableFuture<Job>> running = new LinkedHashMap<>();
        Map<UUID, String> failed = new HashMap<>();
        long done = 0;
        long total = tenantsOn(cluster).size();
        while (true) {
            boolean cancelled = progress.cancelRequested(job.id());
            List<UUID> waiting = new ArrayList<>(tenantsOn(cluster));
            waiting.removeIf(tenant -> running.containsKey(tenant) || failed.containsKey(tenant));
            for (UUID tenant : waiting) {
                if (cancelled || running.size() >= parallel) {
                    break;
                }
                try {
                    Optional<Job> moving = moveOff(tenant, cluster);
                    if (moving.isEmpty()) {
                        continue;
                    }
                    Job child = moving.get();
                    running.put(
                            tenant,
                            CompletableFuture.supplyAsync(
                                    () -> moves.get().runInline(child.id()),
                                    task -> Thread.ofVirtual()
                                            .name("drain-move")
                                            .start(task)));
                } catch (SiloException e) {
                    failed.put(tenant, e.getMessage());
                    log.warn(
                            "drain {}: organization {} is not moved off cluster {}: {}",
                            job.id(),
                            tenant,
                            cluster,
                            e.getMessage());
                }
            }
            for (var finished : List.copyOf(running.entrySet())) {
                if (finished.getValue().isDone()) {
                    running.remove(finished.getKey());
                    Job child = finished.getValue().join();
                    if (child.state() == JobState.SUCCEEDED) {
                        done++;
                    } else {
                        failed.put(
                                finished.getKey(),
                                child.error().orElse(child.state().value()));
                    }
                }
            }
            java.util.Set<UUID> pending = new java.util.HashSet<>(tenantsOn(cluster));
            pending.removeAll(failed.keySet());
            pending.addAll(running.keySet());
            total = Math.max(total, done + failed.size() + pending.size());
            progress.report(job.id(), done, failed.size(), total);
            if (running.isEmpty() && (cancelled || waiting.isEmpty())) {
                return;
            }
            sleep();
        }
    }

    /**
     * The organization's move under way (a drain resumed), or a new one of its databases on the
     * cluster to where placement chooses; empty when it has none there any more (it moved meanwhile:
     * a move of no service named would take its databases on every other cluster too).
     */
    private Optional<Job> moveOff(UUID tenantId, String cluster) {
        Moves all = moves.get();
        Optional<Job> underWay = all.unfinished(tenantId.toString());
        if (underWay.isPresent()) {
            return underWay;
        }
        Tenant tenant = tenants.find(tenantId)
                .orElseThrow(
                        () -> ProblemType.ORGANIZATION_NOT_FOUND.exception("organization " + tenantId + " is gone"));
        List<String> services = tenant.databases().stream()
                .filter(database -> database.state() != DatabaseState.DETACHED)
                .filter(database -> database.clusterId().equals(cluster))
                .map(TenantDatabase::service)
                .toList();
        if (services.isEmpty()) {
            return Optional.empty();
        }
        String target = target(services, placements.load());
        // workers leave the move to this drain for a while; after a crash they take it over
        return Optional.of(all.start(
                tenant.id().toString(),
                target,
                services,
                MoveJob.Method.AUTO,
                AuditEntry.Actor.system("cluster.drain " + cluster),
                Duration.ofMinutes(1)));
    }

    /** Where the databases of {@code services} go: see the class comment. */
    private String target(List<String> services, Map<String, Long> load) {
        List<Map<String, String>> labels = services.stream()
                .map(service -> placements
                        .configured(service)
                        .map(ServicePlacement::labels)
                        .orElse(Map.of()))
                .distinct()
                .toList();
        if (labels.size() == 1 && !labels.getFirst().isEmpty()) {
            try {
                return ClusterPlacement.choose(
                                clusters.list(), load, services.size(), Optional.empty(), labels.getFirst())
                        .id();
            } catch (SiloException e) {
                log.info("no cluster labelled {} has room for {}; placing them on any", labels.getFirst(), services);
            }
        }
        return ClusterPlacement.choose(clusters.list(), load, services.size(), Optional.empty(), Map.of())
                .id();
    }

    private void finish(String cluster) {
        List<UUID> left = tenantsOn(cluster);
        if (!left.isEmpty()) {
            throw ProblemType.MOVE_REFUSED.exception(left.size() + " organizations are still on cluster " + cluster
                    + " (" + left.stream().limit(10).toList() + "); see the log for why, and run the drain again");
        }
        log.info("cluster {} is drained: no organization is left on it", cluster);
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while draining", e);
        }
    }
}
