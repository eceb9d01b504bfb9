package io.silo.postgres.move;

import io.silo.error.ProblemType;
import io.silo.job.Job;
import io.silo.job.JobHandler;
import io.silo.json.Json;
import io.silo.postgres.cluster.ClusterAdmin;
import io.silo.postgres.cluster.ClusterAdmins;
import io.silo.postgres.cluster.SchemaInstaller;
import io.silo.postgres.control.MoveStore;
import io.silo.postgres.control.MoveStore.Move;
import io.silo.postgres.control.MoveStore.Origin;
import io.silo.postgres.control.TenantStore;
import io.silo.postgres.jdbc.Handle;
import io.silo.postgres.jdbc.Identifiers;
import io.silo.postgres.job.Leases;
import io.silo.postgres.provision.ProvisioningJob;
import io.silo.template.ServiceTemplate;
import io.silo.template.TemplateCatalog;
import io.silo.tenant.DatabaseState;
import io.silo.tenant.Tenant;
import io.silo.tenant.TenantDatabase;
import io.silo.tenant.TenantStatus;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Moves an organization's databases to another cluster while it keeps working ({@value #KIND}): those
 * not on the target yet, or only those of the services the move names ({@link Move#carries}); the
 * organization's other databases, on whichever clusters, go on as before. The plan is
 * {@code prepare, copy, sync, fence, catch-up, verify, switch}:
 *
 * <ol>
 *   <li>{@code prepare}: the tenant's role and an empty database per service on the target, at the
 *       source's schema version, with the same tables; the method chosen: {@code logical} when the
 *       source server's {@code wal_level} is {@code logical}, else {@code copy};
 *   <li>{@code copy}, {@code sync} (logical only): a publication on each source database, a
 *       subscription on its copy, waited for until every table streams; both sides vacuumed and the
 *       copy caught up with the source's log, writes still going on (what the fence then waits for
 *       does not grow with the tenant's size);
 *   <li>{@code fence}: the databases {@code write-fenced} in the control database (writes get 503
 *       with {@code Retry-After}, reads go on, every instance told by the placement's NOTIFY), then,
 *       on each source database, the tenant role's writes revoked and those under way waited for;
 *   <li>{@code catch-up}: logical, the copy waited for until it confirmed the source's log up to its
 *       end after the fence, and the subscription stopped; copy, every row copied now; both, the
 *       sequences set;
 *   <li>{@code verify}: the rows of every table counted on both sides at once (index-only after the
 *       vacuum), which must agree;
 *   <li>{@code switch}: one control-plane transaction places every database on the target, ready,
 *       and records the fence's length and when the old copies may go ({@code services.removalGrace});
 *   <li>{@code clean-up} (logical only): the subscriptions, their slots and the publications dropped,
 *       out of the fence (the subscriptions were stopped at its end).
 * </ol>
 *
 * <p>The tenant's lease ({@link Leases#tenant}) is held by the move itself, from its start to its
 * end and across a crash (a holder named after the job), not per step, and renewed while a step runs: no rollout migrates the
 * tenant and no other job changes it while it moves. Every step is idempotent; a move that fails for
 * good or is cancelled before the switch is rolled back (subscriptions, slots, publications and the
 * copies dropped, the source's writes given back, the fence lifted). The old databases are read-only
 * after the switch and dropped by housekeeping once their grace ends.
 *
 * <p>Thread-safe.
 */
public final class MoveJob implements JobHandler {
    public static final String KIND = "organization.move";
    /** How long the move's lease on the tenant lasts unless renewed; a crashed move keeps others off that long. */
    public static final Duration LEASE = Duration.ofMinutes(15);

    private static final Logger log = LoggerFactory.getLogger(MoveJob.class);
    private static final Duration POLL = Duration.ofMillis(10);
    /** How often a running step renews the move's lease, in milliseconds: three times within it. */
    private static final long RENEW_EVERY = LEASE.toMillis() / 3;

    private final TenantStore tenants;
    private final MoveStore moves;
    private final ClusterAdmins clusters;
    private final TemplateCatalog templates;
    private final SchemaInstaller installer;
    private final Leases leases;
    private final Duration grace;
    private final Duration syncTimeout;
    private final Consumer<UUID> placementChanged;
    private final ScheduledExecutorService renewals = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("move-lease-renewal").daemon().factory());

    /**
     * @param grace how long the old copies are kept after the switch
     * @param syncTimeout the longest a step waits for the copy (first copy, catch-up) before it counts as failed
     * @param placementChanged told when the move changed the organization's placement, so that this
     *     instance follows at once (the others hear the notification)
     */
    public MoveJob(
            TenantStore tenants,
            MoveStore moves,
            ClusterAdmins clusters,
            TemplateCatalog templates,
            SchemaInstaller installer,
            Leases leases,
            Duration grace,
            Duration syncTimeout,
            Consumer<UUID> placementChanged) {
        this.tenants = tenants;
        this.moves = moves;
        this.clusters = clusters;
        this.templates = templates;
        this.installer = installer;
        this.leases = leases;
        this.grace = grace;
        this.syncTimeout = syncTimeout;
        this.placementChanged = placementChanged;
    }

    /** The steps of every move. */
    public static List<String> plan() {
        return List.of("prepare", "copy", "sync", "fence", "catch-up", "verify", "switch", "clean-up");
    }

    /** How the rows travel: chosen by the source server's {@code wal_level}, or insisted on. */
    public enum Method {
        AUTO,
        LOGICAL,
        COPY;

        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** {@code auto}, {@code logical} or {@code copy}; anything else is a 400 problem. */
        public static Method parse(String text) {
            for (Method method : values()) {
                if (method.value().equals(text)) {
                    return method;
                }
            }
            throw ProblemType.INVALID_JSON
                    .exception("method must be auto, logical or copy, not '" + text + "'")
                    .with("field", "method");
        }
    }

    /** The job payload: names only. */
    public static JsonNode payload(String slug, String target, Method method) {
        ObjectNode node = Json.object();
        node.put("slug", slug);
        node.put("cluster", target);
        node.put("method", method.value());
        return node;
    }

    /** The lease holder of a move: its own, not the runner's, so that it outlives a step and a crash. */
    public static String holder(UUID jobId) {
        return "move:" + jobId;
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** The move holds the tenant's lease itself, from its start to its end; the runner takes none per step. */
    @Override
    public Optional<UUID> tenantOf(Job job, String step) {
        return Optional.empty();
    }

    @Override
    public void run(Job job, String step) {
        Move move = moves.find(job.id())
                .orElseThrow(() -> new IllegalStateException("move " + job.id() + " is not recorded"));
        if (step.equals("clean-up")) {
            if (move.state() == MoveStore.State.SWITCHED) {
                cleanUp(move);
            }
            return;
        }
        if (!move.underWay()) {
            log.info(
                    "move {} of {} is {}; skipping step {}",
                    job.id(),
                    move.slug(),
                    move.state().value(),
                    step);
            return;
        }
        holdLease(move);
        // renewed for as long as the step runs: a first copy, a catch-up or a verify may outlast the lease
        ScheduledFuture<?> renewal =
                renewals.scheduleAtFixedRate(() -> renewLease(move), RENEW_EVERY, RENEW_EVERY, TimeUnit.MILLISECONDS);
        long started = System.nanoTime();
        try {
            runStep(job, move, step);
        } finally {
            renewal.cancel(false);
        }
        // what a fence is made of, step by step: the figure operators tune against
        log.info(
                "move {} of {}: step {} took {} ms",
                job.id(),
                move.slug(),
                step,
                (System.nanoTime() - started) / 1_000_000);
    }

    private void runStep(Job job, Move move, String step) {
        switch (step) {
            case "prepare" -> prepare(job, move);
            case "copy" ->
                ifLogical(
                        move,
                        () -> replications(move).forEach(replication -> {
                            replication.publish();
                            replication.subscribe();
                        }));
            case "sync" -> ifLogical(move, () -> readyForTheFence(move));
            case "fence" -> fence(move);
            case "catch-up" -> catchUp(move);
            case "verify" -> verify(move);
            case "switch" -> switchPlacement(move);
            default -> throw new IllegalArgumentException("unknown step of a move: " + step);
        }
    }

    @Override
    public void succeeded(Job job) {
        job.tenantId().ifPresent(tenant -> leases.release(Leases.tenant(tenant), holder(job.id())));
    }

    /**
     * Rolls the move back when it had not switched. The tenant's lease is released even when the roll
     * back could not give the source its writes back (housekeeping tries again, {@link #rollBack}).
     */
    @Override
    public void failed(Job job, String reason) {
        try {
            moves.find(job.id()).filter(Move::underWay).ifPresent(move -> rollBack(move, reason));
        } finally {
            job.tenantId().ifPresent(tenant -> leases.release(Leases.tenant(tenant), holder(job.id())));
        }
    }

    /** A cancelled move is rolled back as a failed one is. */
    @Override
    public void cancelled(Job job) {
        failed(job, "cancelled by an administrator");
    }

    private void holdLease(Move move) {
        if (!leases.tryAcquire(Leases.tenant(move.tenantId()), holder(move.jobId()), LEASE)) {
            // not a refusal: the lease lapsed while the move was down and another job took it; try again later
            throw new IllegalStateException("another job is changing organization " + move.slug() + "; the move waits");
        }
    }

    private void renewLease(Move move) {
        try {
            if (!leases.renew(Leases.tenant(move.tenantId()), holder(move.jobId()), LEASE)) {
                log.warn(
                        "move {} of {} lost its lease on the organization; the step under way goes on",
                        move.jobId(),
                        move.slug());
            }
        } catch (RuntimeException e) {
            log.warn("could not renew the lease of move {} of {}: {}", move.jobId(), move.slug(), e.getMessage());
        }
    }

    /**
     * Before the fence, so that what runs under it is short whatever the tenant's size: every table's
     * first copy done; both sides' tables vacuumed (the copy's fresh rows get their hint bits and
     * visibility map here rather than in the verifying count, which then reads indexes only, and no
     * autovacuum of the copy starts under the fence); then the copy caught up with the source's log
     * as it is now, while writes go on, so the fenced catch-up waits only for the last moments'.
     */
    private void readyForTheFence(Move move) {
        List<Replication> replications = replications(move);
        replications.forEach(replication -> await("the first copy of " + move.slug(), replication::synced));
        eachDatabase(
                move,
                index -> onBothSides(move, index, (original, copy) -> {
                    TenantTables.vacuum(copy);
                    TenantTables.vacuum(original);
                    Replication replication = replications.get(index);
                    String position = replication.sourcePosition(original);
                    await(
                            "the copy of " + move.databases().get(index).database() + " to catch up before the fence",
                            () -> replication.caughtUp(original, position));
                }));
    }

    /**
     * Runs {@code work} with one administrative connection to the move's database {@code index} on
     * its source cluster and one to its copy on the target, both in auto-commit mode.
     */
    private void onBothSides(Move move, int index, java.util.function.BiConsumer<Handle, Handle> work) {
        Origin origin = move.databases().get(index);
        try (Connection from = clusters.of(origin.cluster()).connect(origin.database());
                Connection to = clusters.of(move.targetCluster()).connect(origin.database())) {
            work.accept(new Handle(from), new Handle(to));
        } catch (SQLException e) {
            throw new io.silo.postgres.jdbc.DataAccessException(
                    "(connect to " + origin.database() + " on both sides of its move)", e);
        }
    }

    private void prepare(Job job, Move move) {
        Tenant tenant = tenants.find(move.tenantId())
                .orElseThrow(() -> refused(move, "organization " + move.slug() + " no longer exists"));
        if (tenant.status() != TenantStatus.ACTIVE && tenant.status() != TenantStatus.SUSPENDED) {
            throw refused(
                    move,
                    "organization " + move.slug() + " is " + tenant.status().value());
        }
        List<Origin> origins = new ArrayList<>();
        for (TenantDatabase database : tenant.databases()) {
            if (database.state() == DatabaseState.DETACHED || !move.carries(database.service())) {
                continue; // not carried; a removed service's database stays where it is until its own grace ends
            }
            if (database.clusterId().equals(move.targetCluster())) {
                continue; // with several clusters, some of the organization may be on the target already
            }
            if (database.state() != DatabaseState.READY) {
                throw refused(
                        move,
                        "the " + database.service() + " database of " + move.slug() + " is "
                                + database.state().value());
            }
            origins.add(new Origin(database.service(), database.databaseName(), database.clusterId()));
        }
        if (origins.isEmpty()) {
            throw refused(
                    move,
                    "organization " + move.slug() + " has nothing to move to cluster " + move.targetCluster()
                            + (move.services().isEmpty() ? "" : " of " + move.services()) + ": it is there already");
        }
        moves.prepared(job.id(), origins, chooseMethod(job, origins).value());
        Move prepared = moves.find(job.id()).orElseThrow();
        ClusterAdmin target = clusters.of(prepared.targetCluster());
        TenantStore.TenantRole role = tenants.role(tenant.id());
        target.ensureRole(role.name(), role.password());
        for (Origin origin : prepared.databases()) {
            TenantDatabase database = tenant.database(origin.service()).orElseThrow();
            createCopy(tenant.id(), database, target);
            target.grantTenantAccess(origin.database(), role.name());
            sameTables(prepared, origin);
        }
        log.info(
                "move {} of {} to cluster {} prepared: {} databases, method {}",
                job.id(),
                move.slug(),
                move.targetCluster(),
                prepared.databases().size(),
                prepared.method().orElseThrow());
    }

    private Method chooseMethod(Job job, List<Origin> origins) {
        Method asked = Method.parse(job.payload().path("method").asString("auto"));
        if (asked == Method.COPY) {
            return Method.COPY;
        }
        boolean logical = origins.stream()
                .map(Origin::cluster)
                .distinct()
                .allMatch(cluster -> Replication.walLevel(clusters.of(cluster)).equals("logical"));
        if (!logical && asked == Method.LOGICAL) {
            throw ProblemType.MOVE_REFUSED.exception(
                    "logical replication was asked for, but the source cluster's wal_level is not logical");
        }
        return logical ? Method.LOGICAL : Method.COPY;
    }

    /**
     * An empty copy of one database on the target, from the template of the source's schema version:
     * the source's tables with the same columns, no rows. A database of that name already there is
     * taken only when its comment says it is this tenant's (a step run again, or the old copy of an
     * earlier move away from this cluster), and emptied.
     */
    private void createCopy(UUID tenantId, TenantDatabase database, ClusterAdmin target) {
        String owner = ProvisioningJob.ownerComment(tenantId, database.service());
        String name = database.databaseName();
        if (target.databaseExists(name)) {
            String comment = target.databaseComment(name).orElse("");
            if (!comment.equals(owner)) {
                throw ProblemType.DATABASE_NAME_TAKEN
                        .exception("a database named " + name + " already exists on cluster "
                                + target.cluster().id() + " and is not tenant " + tenantId + "'s")
                        .with("database", name);
            }
            // an earlier move rolled back while this cluster was away may have left its subscription here
            dropStaleSubscriptions(target, name);
        } else {
            ServiceTemplate template = templates
                    .at(database.service(), database.schemaVersion())
                    .orElseThrow(() -> new IllegalStateException("no template of " + database.service() + " at version "
                            + database.schemaVersion() + " to create the copy from"));
            target.createDatabase(name, target.ensureTemplate(template, installer));
        }
        target.secureDatabase(name, owner);
        target.inDatabase(name, handle -> {
            TenantTables.truncateAll(handle);
            return null;
        });
    }

    private static void dropStaleSubscriptions(ClusterAdmin target, String database) {
        target.inDatabase(database, handle -> {
            for (String subscription : handle.query(
                    "SELECT s.subname FROM pg_subscription s JOIN pg_database d ON d.oid = s.subdbid"
                            + " WHERE d.datname = current_database() AND s.subname LIKE 'silo\\_move\\_%'",
                    row -> row.getString(1))) {
                String quoted = Identifiers.quote(subscription);
                handle.execute("ALTER SUBSCRIPTION " + quoted + " DISABLE");
                handle.execute("ALTER SUBSCRIPTION " + quoted + " SET (slot_name = NONE)");
                handle.execute("DROP SUBSCRIPTION " + quoted);
            }
            return null;
        });
    }

    private void sameTables(Move move, Origin origin) {
        Map<String, List<String>> source =
                clusters.of(origin.cluster()).inDatabase(origin.database(), TenantTables::columns);
        Map<String, List<String>> copy =
                clusters.of(move.targetCluster()).inDatabase(origin.database(), TenantTables::columns);
        if (!source.equals(copy)) {
            throw refused(
                    move,
                    "the copy of " + origin.database() + " on cluster " + move.targetCluster()
                            + " would not have the tables and columns of the source (" + source.keySet() + " against "
                            + copy.keySet() + ")");
        }
    }

    private void fence(Move move) {
        moves.fence(move.jobId(), move.tenantId());
        placementChanged.accept(move.tenantId());
        String role = tenants.role(move.tenantId()).name();
        for (Origin origin : move.databases()) {
            clusters.of(origin.cluster()).inDatabase(origin.database(), handle -> {
                TenantTables.revokeWritesAndDrain(handle, role);
                return null;
            });
        }
    }

    /**
     * Under the fence: each database's copy caught up (logical: the subscription confirms the
     * source's log up to its end now, then stops; copy: every row copied) and its sequences set
     * where the source's are, over one connection to each side per database.
     */
    private void catchUp(Move move) {
        List<Replication> replications = replications(move);
        eachDatabase(move, index -> {
            if (!logical(move)) {
                Origin origin = move.databases().get(index);
                copyRows(clusters.of(origin.cluster()), clusters.of(move.targetCluster()), origin.database());
            }
            onBothSides(move, index, (original, copy) -> {
                if (logical(move)) {
                    Replication replication = replications.get(index);
                    if (replication.streaming(copy)) {
                        String position = replication.sourcePosition(original);
                        await(
                                "the copy of " + move.databases().get(index).database() + " to catch up",
                                () -> replication.caughtUp(original, position));
                        // nothing more comes (the source takes no writes); dropping it waits for the switch
                        replication.stop(copy);
                    }
                }
                TenantTables.setSequences(copy, TenantTables.sequences(original));
            });
        });
    }

    /**
     * Drops what the move's replication left: the subscriptions, their slots, the publications. After
     * the switch, out of the fence; housekeeping does it again before it drops the old copies, in
     * case a crash kept this step from its end.
     */
    public void cleanUp(Move move) {
        replications(move).forEach(Replication::dropAll);
    }

    /** Runs {@code work} for each database of the move at once: a tenant's fence lasts as long as its slowest database. */
    private static void eachDatabase(Move move, java.util.function.IntConsumer work) {
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<?>> running = new ArrayList<>();
            for (int index = 0; index < move.databases().size(); index++) {
                int database = index;
                running.add(threads.submit(() -> work.accept(database)));
            }
            for (var future : running) {
                try {
                    future.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException failure) {
                        throw failure;
                    }
                    if (e.getCause() instanceof Error error) {
                        throw error;
                    }
                    throw new IllegalStateException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while moving " + move.slug(), e);
                }
            }
        }
    }

    private static void copyRows(ClusterAdmin source, ClusterAdmin target, String database) {
        try (Connection from = source.connect(database);
                Connection to = target.connect(database)) {
            to.setAutoCommit(false);
            var handle = new io.silo.postgres.jdbc.Handle(to);
            TenantTables.truncateAll(handle);
            var reading = new io.silo.postgres.jdbc.Handle(from);
            TenantTables.copyAll(from, to, TenantTables.referencedFirst(reading, TenantTables.columns(reading)));
            to.commit();
        } catch (SQLException e) {
            throw new io.silo.postgres.jdbc.DataAccessException("(copy of " + database + ")", e);
        }
    }

    private void verify(Move move) {
        Map<String, Map<String, Long>> counted = new java.util.concurrent.ConcurrentHashMap<>();
        eachDatabase(move, index -> {
            Origin origin = move.databases().get(index);
            // both sides counted at once: the fence lasts as long as the slower
            var copied = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> clusters.of(move.targetCluster()).inDatabase(origin.database(), TenantTables::counts),
                    Thread::startVirtualThread);
            Map<String, Long> source =
                    clusters.of(origin.cluster()).inDatabase(origin.database(), TenantTables::counts);
            Map<String, Long> copy = copied.join();
            if (!source.equals(copy)) {
                throw new IllegalStateException("the copy of " + origin.database() + " on cluster "
                        + move.targetCluster() + " has other row counts than the source: " + copy + " against "
                        + source);
            }
            counted.put(origin.service(), source);
        });
        ObjectNode counts = Json.object();
        move.databases().forEach(origin -> counts.set(origin.service(), Json.tree(counted.get(origin.service()))));
        moves.counted(move.jobId(), counts);
    }

    private void switchPlacement(Move move) {
        if (moves.switchPlacement(move.jobId(), move.tenantId(), move.targetCluster(), grace)) {
            placementChanged.accept(move.tenantId());
            Move switched = moves.find(move.jobId()).orElseThrow();
            log.info(
                    "organization {} moved {} to cluster {} ({}); writes were fenced for {} ms",
                    move.slug(),
                    switched.databases().stream().map(Origin::database).toList(),
                    move.targetCluster(),
                    move.method().orElseThrow(),
                    switched.fenceMillis().orElse(0L));
        }
    }

    /**
     * Undoes a move that did not switch. The source side first, which must succeed: the tenant's
     * writes given back on every source database, the move {@code rolled-back} and the fence lifted in
     * the control database, every instance told. Then, each on its own and only logged when it fails
     * (the target down is the likeliest reason a move fails): the replication's slot and publication on
     * the source, its subscription on the target, the copies on the target. The organization never
     * left its cluster, so it is whole there. Also run by housekeeping for a move still under way
     * whose job ended (a roll back that could not reach the source or the control database).
     *
     * @throws RuntimeException when the source side could not be undone; the fence stays until a later try
     */
    public void rollBack(Move move, String reason) {
        log.warn(
                "move {} of {} to cluster {} is rolled back: {}",
                move.jobId(),
                move.slug(),
                move.targetCluster(),
                reason);
        String role = tenants.role(move.tenantId()).name();
        for (Origin origin : move.databases()) {
            clusters.of(origin.cluster()).grantTenantAccess(origin.database(), role);
        }
        moves.rollBack(move.jobId(), move.tenantId());
        placementChanged.accept(move.tenantId());
        List<Replication> replications = replications(move);
        // slots would keep the source's log, publications are harmless but clutter: neither needs the target
        bestEffort(
                move,
                "drop the replication slots and publications on the source",
                () -> replications.forEach(Replication::dropOnSource));
        if (!bestEffort(move, "drop the subscriptions and the copies on cluster " + move.targetCluster(), () -> {
            cleanTarget(move);
        })) {
            moves.leftOnTarget(move.jobId(), true);
        }
    }

    /**
     * Drops what a rolled-back move made on its target: its subscriptions, and the copies that are
     * the tenant's (by their comment) and in use by nothing since (placed there by a later move, the
     * old copy of a later move away in its grace, the target of a move under way). One block: a target
     * that is away makes its first statement fail, not every one after its timeout. Housekeeping runs
     * it again, under the tenant's lease, for a move whose roll back could not reach the target.
     */
    public void cleanTarget(Move move) {
        replications(move).forEach(Replication::dropSubscription);
        ClusterAdmin target = clusters.of(move.targetCluster());
        for (Origin origin : move.databases()) {
            String owner = ProvisioningJob.ownerComment(move.tenantId(), origin.service());
            // a database of that name that is not this tenant's (the reason the move failed, maybe) stays
            if (target.databaseExists(origin.database())
                    && target.databaseComment(origin.database()).orElse("").equals(owner)
                    && !moves.inUse(move.tenantId(), move.targetCluster(), origin.database())) {
                target.dropDatabase(origin.database());
            }
        }
        moves.leftOnTarget(move.jobId(), false);
    }

    /**
     * A clean-up after a roll back; answers whether it succeeded. What it leaves on the target is
     * removed by housekeeping once the target answers ({@link #cleanTarget}).
     */
    private static boolean bestEffort(Move move, String what, Runnable work) {
        try {
            work.run();
            return true;
        } catch (RuntimeException e) {
            log.warn(
                    "move {} of {} rolled back, but could not {}; it is left: {}",
                    move.jobId(),
                    move.slug(),
                    what,
                    e.getMessage());
            return false;
        }
    }

    private List<Replication> replications(Move move) {
        List<Replication> replications = new ArrayList<>();
        for (int index = 0; index < move.databases().size(); index++) {
            Origin origin = move.databases().get(index);
            replications.add(new Replication(
                    clusters.of(origin.cluster()),
                    clusters.of(move.targetCluster()),
                    origin.database(),
                    move.jobId(),
                    index));
        }
        return replications;
    }

    private static boolean logical(Move move) {
        return Method.parse(move.method().orElseThrow()) == Method.LOGICAL;
    }

    private static void ifLogical(Move move, Runnable work) {
        if (logical(move)) {
            work.run();
        }
    }

    /** Waits for {@code condition} (the lease is renewed meanwhile by {@link #run}); gives up after the sync timeout (the step is retried). */
    private void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + syncTimeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("waited " + syncTimeout + " for " + what + " in vain");
            }
            try {
                Thread.sleep(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            }
        }
    }

    private static io.silo.error.SiloException refused(Move move, String message) {
        return ProblemType.MOVE_REFUSED.exception(message).with("organization", move.slug());
    }
}
