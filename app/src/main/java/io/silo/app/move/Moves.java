package io.silo.app.move;

import io.silo.app.cluster.Placements;
import io.silo.audit.AuditEntry;
import io.silo.cluster.ClusterPlacement;
import io.silo.crypto.Ids;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.job.Job;
import io.silo.job.JobState;
import io.silo.postgres.cluster.ClusterAdmin;
import io.silo.postgres.cluster.ClusterAdmins;
import io.silo.postgres.control.AuditLog;
import io.silo.postgres.control.MoveStore;
import io.silo.postgres.control.MoveStore.Move;
import io.silo.postgres.control.MoveStore.Origin;
import io.silo.postgres.control.TenantStore;
import io.silo.postgres.jdbc.Jdbc;
import io.silo.postgres.job.JobRunner;
import io.silo.postgres.job.JobStore;
import io.silo.postgres.job.Leases;
import io.silo.postgres.move.MoveJob;
import io.silo.postgres.provision.ProvisioningJob;
import io.silo.tenant.DatabaseState;
import io.silo.tenant.Tenant;
import io.silo.tenant.TenantDatabase;
import io.silo.tenant.TenantStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves of organizations between clusters ({@code silo move}, {@code POST
 * /api/admin/organizations/{org}/move}), as jobs ({@link MoveJob}) recorded in the master audit log
 * ({@value MoveJob#KIND}); and the old copies a move left, dropped once their grace ended
 * ({@link #dropExpired}, run by housekeeping).
 *
 * <p>A move carries every database of the organization that is not on the target already, or only
 * those of the services it names (an organization's services may live on different clusters). It is
 * refused before anything changes (409 {@code move-refused}) when the organization is not active or
 * suspended, has nothing to carry (all of it on the target already), a database it carries is not
 * ready, or it is being changed by another job or move; 422 {@code unknown-service} for a service
 * the organization does not have. The target must accept new tenants and have room, as for a new
 * organization, and the room is reserved ({@link Placements#reserve}) in the transaction that
 * records the move. The move takes the organization's lease in the request, so that no job slips
 * in between the answer and its first step.
 *
 * <p>Thread-safe.
 */
public final class Moves {
    private static final Logger log = LoggerFactory.getLogger(Moves.class);
    /** How many finished moves one housekeeping sweep clears of their old copies. */
    private static final int DROPS_PER_SWEEP = 20;
    /** The holder of a tenant's lease while housekeeping drops the tenant's old copies. */
    private static final String HOUSEKEEPING = "housekeeping";
    /** Dropping a few databases takes seconds; a crashed sweep keeps moves off the tenant this long. */
    private static final Duration DROP_LEASE = Duration.ofMinutes(5);

    private final Jdbc control;
    private final TenantStore tenants;
    private final Placements placements;
    private final ClusterAdmins admins;
    private final MoveStore moves;
    private final MoveJob handler;
    private final JobStore jobs;
    private final JobRunner runner;
    private final Leases leases;
    private final AuditLog audit;
    private final Clock clock;

    public Moves(
            Jdbc control,
            TenantStore tenants,
            Placements placements,
            ClusterAdmins admins,
            MoveStore moves,
            MoveJob handler,
            JobStore jobs,
            JobRunner runner,
            Leases leases,
            AuditLog audit,
            Clock clock) {
        this.control = control;
        this.tenants = tenants;
        this.placements = placements;
        this.admins = admins;
        this.moves = moves;
        this.handler = handler;
        this.jobs = jobs;
        this.runner = runner;
        this.leases = leases;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Checks the move and creates its job. {@code grace}: how long background workers leave the new job
     * alone, so that a caller running it inline ({@code silo move}) gets it.
     *
     * @param organization a slug or an id
     * @param target the cluster to move to
     */
    public Job start(
            String organization, String target, MoveJob.Method method, AuditEntry.Actor actor, Duration grace) {
        return start(organization, target, List.of(), method, actor, grace);
    }

    /**
     * As {@link #start(String, String, MoveJob.Method, AuditEntry.Actor, Duration)}, carrying only the
     * databases of {@code services} (none: all of them).
     */
    public Job start(
            String organization,
            String target,
            List<String> services,
            MoveJob.Method method,
            AuditEntry.Actor actor,
            Duration grace) {
        Tenant tenant = tenants.resolve(organization)
                .orElseThrow(
                        () -> ProblemType.ORGANIZATION_NOT_FOUND.exception("no organization '" + organization + "'"));
        List<TenantDatabase> moving = check(tenant, target, services);
        Instant now = clock.instant();
        Job job = new Job(
                Ids.next(),
                MoveJob.KIND,
                Optional.of(tenant.id()),
                JobState.PENDING,
                MoveJob.payload(tenant.slug(), target, method),
                MoveJob.plan(),
                0,
                0,
                Optional.empty(),
                now,
                now,
                Optional.empty());
        String lease = Leases.tenant(tenant.id());
        if (!leases.tryAcquire(lease, MoveJob.holder(job.id()), MoveJob.LEASE)) {
            throw refused(
                    tenant, "another job is changing organization " + tenant.slug() + "; try again once it ended");
        }
        try {
            control.useTransaction(handle -> {
                placements.reserve(handle, Map.of(target, (long) moving.size()));
                if (!moves.insert(handle, job.id(), tenant.id(), tenant.slug(), target, services)) {
                    throw refused(tenant, "organization " + tenant.slug() + " is moving already");
                }
                jobs.create(handle, job, grace);
                Map<String, Object> details = new LinkedHashMap<>();
                details.put(
                        "from",
                        moving.stream()
                                .map(TenantDatabase::clusterId)
                                .distinct()
                                .toList());
                details.put("to", target);
                details.put("method", method.value());
                details.put(
                        "databases",
                        moving.stream().map(TenantDatabase::databaseName).toList());
                audit.append(
                        handle,
                        new AuditEntry(
                                actor,
                                MoveJob.KIND,
                                "organization",
                                tenant.id().toString(),
                                Optional.of(tenant.id()),
                                details));
            });
        } catch (RuntimeException e) {
            leases.release(lease, MoveJob.holder(job.id()));
            throw e;
        }
        return job;
    }

    private List<TenantDatabase> check(Tenant tenant, String target, List<String> services) {
        if (tenant.status() != TenantStatus.ACTIVE && tenant.status() != TenantStatus.SUSPENDED) {
            throw refused(
                    tenant,
                    "organization " + tenant.slug() + " is " + tenant.status().value());
        }
        for (String service : services) {
            if (tenant.database(service)
                    .filter(database -> database.state() != DatabaseState.DETACHED)
                    .isEmpty()) {
                throw ProblemType.UNKNOWN_SERVICE
                        .inBody("organization " + tenant.slug() + " has no service '" + abbreviate(service) + "'")
                        .with("field", "service");
            }
        }
        List<TenantDatabase> carried = tenant.databases().stream()
                .filter(database -> database.state() != DatabaseState.DETACHED)
                .filter(database -> services.isEmpty() || services.contains(database.service()))
                .toList();
        List<TenantDatabase> moving = carried.stream()
                .filter(database -> !database.clusterId().equals(target))
                .toList();
        if (!carried.isEmpty() && moving.isEmpty()) {
            throw refused(
                    tenant,
                    "organization " + tenant.slug() + (services.isEmpty() ? "" : "'s " + String.join(", ", services))
                            + " is on cluster " + target + " already");
        }
        for (TenantDatabase database : moving) {
            if (database.state() != DatabaseState.READY) {
                throw refused(
                        tenant,
                        "the " + database.service() + " database of " + tenant.slug() + " is "
                                + database.state().value() + "; move it once it is ready");
            }
        }
        if (moving.isEmpty()) {
            throw refused(tenant, "organization " + tenant.slug() + " has no database to move");
        }
        // the same rules as for a new organization naming its cluster: known, accepting tenants, room left
        ClusterPlacement.choose(placements.list(), placements.load(), moving.size(), Optional.of(target), Map.of());
        return moving;
    }

    private static String abbreviate(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "..." : text;
    }

    /**
     * Starts draining a cluster ({@link DrainJob}): 404 {@code cluster-not-found}; 409 {@code
     * no-cluster-available} when no other cluster takes tenants; 400 for {@code parallel} outside 1 to
     * 16. {@code grace}: how long background workers leave the new job alone, for a caller running it
     * inline ({@code silo drain}).
     */
    public Job drain(String cluster, int parallel, AuditEntry.Actor actor, Duration grace) {
        placements
                .find(cluster)
                .orElseThrow(() -> ProblemType.CLUSTER_NOT_FOUND.exception(
                        "no cluster '" + cluster + "'; see GET /api/admin/clusters or silo clusters list"));
        if (parallel < 1 || parallel > 16) {
            throw ProblemType.INVALID_JSON
                    .exception("parallel must be 1 to 16 moves at once, not " + parallel)
                    .with("field", "parallel");
        }
        if (placements.list().stream().noneMatch(other -> !other.id().equals(cluster) && other.acceptsNewTenants())) {
            throw ProblemType.NO_CLUSTER_AVAILABLE.exception(
                    "no other cluster takes tenants: cluster " + cluster + "'s organizations have nowhere to go");
        }
        Instant now = clock.instant();
        Job job = new Job(
                Ids.next(),
                DrainJob.KIND,
                Optional.empty(),
                JobState.PENDING,
                DrainJob.payload(cluster, parallel),
                DrainJob.plan(),
                0,
                0,
                Optional.empty(),
                now,
                now,
                Optional.empty());
        control.useTransaction(handle -> {
            jobs.create(handle, job, grace);
            audit.append(
                    handle,
                    new AuditEntry(
                            actor, DrainJob.KIND, "cluster", cluster, Optional.empty(), Map.of("parallel", parallel)));
        });
        return job;
    }

    /**
     * Runs the move in this thread (the CLI has no job workers) and returns the job as it ended; one
     * another instance's worker runs is waited for.
     */
    public Job runInline(UUID jobId) {
        while (true) {
            Job job = runner.runNow(jobId, Duration.ofSeconds(1));
            if (job.state().finished()) {
                return job;
            }
        }
    }

    /**
     * The job of the organization's move under way, if one is (a {@code silo move} that was killed):
     * running the command again finishes it rather than being refused.
     */
    public Optional<Job> unfinished(String organization) {
        return tenants.resolve(organization)
                .flatMap(tenant -> moves.underWay(tenant.id()))
                .flatMap(move -> jobs.find(move.jobId()))
                .filter(job -> !job.state().finished());
    }

    /** The job as it stands now. */
    public Optional<Job> job(UUID jobId) {
        return jobs.find(jobId);
    }

    /** What a move job keeps: where from and to, the method, the rows verified, the fence's length. */
    public Optional<Map<String, Object>> summary(UUID jobId) {
        return moves.find(jobId).map(Moves::summary);
    }

    private static Map<String, Object> summary(Move move) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("organization", move.slug());
        body.put(
                "from",
                move.databases().stream().map(Origin::cluster).distinct().toList());
        body.put("to", move.targetCluster());
        if (!move.services().isEmpty()) {
            body.put("services", move.services());
        }
        move.method().ifPresent(method -> body.put("method", method));
        body.put("state", move.state().value());
        body.put("databases", move.databases().stream().map(Origin::database).toList());
        move.counts().ifPresent(counts -> body.put("counts", counts));
        move.fenceMillis().ifPresent(fence -> body.put("fenceMs", fence));
        move.switchedAt().ifPresent(at -> body.put("switchedAt", at.toString()));
        move.dropAfter().ifPresent(at -> body.put("oldCopiesDropAfter", at.toString()));
        return body;
    }

    /**
     * Rolls back again the moves still under way whose job ended: their roll back failed on the source
     * side (the source server or the control database away), and the organization may still be
     * write-fenced. Run by housekeeping before {@link #dropExpired}.
     *
     * @return how many moves were rolled back
     */
    public int rollBackAbandoned() {
        int rolledBack = 0;
        for (Move move : moves.abandoned(DROPS_PER_SWEEP)) {
            // a job that failed a moment ago rolls back under the move's lease: not twice at once
            String lease = Leases.tenant(move.tenantId());
            if (!leases.tryAcquire(lease, HOUSEKEEPING, DROP_LEASE)) {
                continue;
            }
            try {
                handler.rollBack(move, "its job ended before the move was rolled back");
                rolledBack++;
            } catch (RuntimeException e) {
                log.warn(
                        "the move {} of {} could not be rolled back yet: {}",
                        move.jobId(),
                        move.slug(),
                        e.getMessage());
            } finally {
                leases.release(lease, HOUSEKEEPING);
            }
        }
        return rolledBack;
    }

    /**
     * Removes what rolled-back moves left on targets that were away ({@link MoveJob#cleanTarget}),
     * each under the tenant's lease; a target still away is tried again at the next sweep. Run by
     * housekeeping after {@link #rollBackAbandoned}.
     *
     * @return how many moves' leftovers were removed
     */
    public int cleanUpAfterRollBacks() {
        int cleaned = 0;
        for (Move move : moves.withLeftoversOnTarget(DROPS_PER_SWEEP)) {
            String lease = Leases.tenant(move.tenantId());
            if (!leases.tryAcquire(lease, HOUSEKEEPING, DROP_LEASE)) {
                continue;
            }
            try {
                handler.cleanTarget(move);
                cleaned++;
                log.info(
                        "removed what the rolled-back move {} of {} left on cluster {}",
                        move.jobId(),
                        move.slug(),
                        move.targetCluster());
            } catch (RuntimeException e) {
                log.warn(
                        "what the rolled-back move {} of {} left on cluster {} stays until a later sweep: {}",
                        move.jobId(),
                        move.slug(),
                        move.targetCluster(),
                        e.getMessage());
            } finally {
                leases.release(lease, HOUSEKEEPING);
            }
        }
        return cleaned;
    }

    /**
     * Drops the old copies of moves whose grace ended, and the tenant's role on a cluster where it has
     * no database left. A copy the organization is placed on again (it moved back) is not touched;
     * a move back under way to that cluster makes the sweep leave the copies for a later one.
     *
     * @return how many moves were cleared
     */
    public int dropExpired() {
        int cleared = 0;
        for (Move move : moves.expired(clock.instant(), DROPS_PER_SWEEP)) {
            // under the tenant's lease: a move back starting now would take an old copy over (its owner
            // comment is the tenant's) and have it dropped under it; a move holding the lease is left alone
            String lease = Leases.tenant(move.tenantId());
            if (!leases.tryAcquire(lease, HOUSEKEEPING, DROP_LEASE)) {
                continue;
            }
            try {
                if (moves.underWay(move.tenantId()).isPresent()) {
                    continue;
                }
                dropOldCopies(move);
                moves.dropped(move.jobId());
                cleared++;
            } catch (RuntimeException e) {
                log.warn(
                        "the old copies of the move {} of {} could not be dropped yet: {}",
                        move.jobId(),
                        move.slug(),
                        e.getMessage());
            } finally {
                leases.release(lease, HOUSEKEEPING);
            }
        }
        return cleared;
    }

    private void dropOldCopies(Move move) {
        handler.cleanUp(move); // a slot left on the source would keep its database from being dropped
        Optional<Tenant> tenant = tenants.find(move.tenantId());
        List<TenantDatabase> live = tenant.map(Tenant::databases).orElse(List.of());
        for (Origin origin : move.databases()) {
            boolean placedThere = live.stream()
                    .anyMatch(database -> database.clusterId().equals(origin.cluster())
                            && database.databaseName().equals(origin.database()));
            if (placedThere) {
                continue;
            }
            ClusterAdmin admin = admins.of(origin.cluster());
            String owner = ProvisioningJob.ownerComment(move.tenantId(), origin.service());
            if (admin.databaseExists(origin.database())
                    && admin.databaseComment(origin.database()).orElse("").equals(owner)) {
                admin.dropDatabase(origin.database());
                log.info(
                        "dropped {} on cluster {}, the old copy of {} after its move",
                        origin.database(),
                        origin.cluster(),
                        move.slug());
            }
        }
        for (String cluster :
                move.databases().stream().map(Origin::cluster).distinct().toList()) {
            boolean stillThere =
                    live.stream().anyMatch(database -> database.clusterId().equals(cluster));
            if (!stillThere && tenant.isPresent()) {
                dropRole(cluster, tenants.role(move.tenantId()).name());
            }
        }
    }

    private void dropRole(String cluster, String role) {
        try {
            admins.of(cluster).dropRole(role);
        } catch (RuntimeException e) {
            // a role that still owns something stays; it can log in nowhere without a database
            log.warn("the role {} on cluster {} stays: {}", role, cluster, e.getMessage());
        }
    }

    private static SiloException refused(Tenant tenant, String message) {
        return ProblemType.MOVE_REFUSED.exception(message).with("organization", tenant.slug());
    }
}
