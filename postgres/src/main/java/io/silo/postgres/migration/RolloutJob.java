package io.silo.postgres.migration;

import io.silo.crypto.Secrets;
import io.silo.error.ProblemType;
import io.silo.job.Job;
import io.silo.job.JobHandler;
import io.silo.job.JobProgress;
import io.silo.json.Json;
import io.silo.postgres.cluster.ClusterAdmins;
import io.silo.postgres.control.ReleasedSteps;
import io.silo.postgres.control.RolloutStore;
import io.silo.postgres.control.RolloutStore.End;
import io.silo.postgres.control.RolloutStore.Target;
import io.silo.postgres.jdbc.Handle;
import io.silo.postgres.job.Leases;
import io.silo.postgres.schema.TenantMigrator;
import io.silo.template.ServiceTemplate;
import io.silo.template.TemplateCatalog;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The rollout of a service's newest version to its existing tenant databases ({@value #KIND}).
 * The databases are chosen when the job is created and listed in its payload; the plan is
 * {@code release, migrate:0 … migrate:n, [canary-check, migrate:…], finish}, each
 * {@code migrate:i} a slice of the list. Within a slice, up to {@code parallel} databases migrate at
 * once, each on its own administrative connection ({@link TenantMigrator}); a database that fails
 * is recorded with its reason in the job's progress and the log, and the others go on.
 *
 * <p>Each database's outcome is recorded ({@link RolloutStore#finish}, kept after the job ends,
 * with the reason of a failure; a few databases' ends per commit, written beside the workers, not
 * by them) and the job's counts reported through {@link JobProgress} a few
 * times a second and at the end of each slice ({@code done, failed, total} over the whole rollout),
 * so a watcher sees it move.
 * A slice resumed after a crash runs again: its finished databases are current and cost one query
 * each; the ledger of a database killed mid-step skips every step that finished. A database
 * migrates only while its tenant's lease is held (no other job changes that tenant meanwhile); a
 * tenant whose lease is taken fails for this run. A cancelled rollout starts no more databases.
 *
 * <p>With a canary, the job migrates the first {@code canary} databases and stops at
 * {@code canary-check}; when asked to ({@code autoContinue}) and nothing failed, it goes on with
 * the rest. The job fails at {@code finish} when any database failed, naming how many, so that a
 * rerun (which picks up exactly the databases still behind) is the obvious next step.
 *
 * <p>Thread-safe.
 */
public final class RolloutJob implements JobHandler {
    public static final String KIND = "service.migrate";
    /** Databases per slice and per database migrating at once. */
    static final int SLICE_PER_WORKER = 64;

    private static final Logger log = LoggerFactory.getLogger(RolloutJob.class);

    private final TemplateCatalog templates;
    private final ClusterAdmins clusters;
    private final RolloutStore store;
    private final ReleasedSteps released;
    private final TenantMigrator migrator;
    private final JobProgress progress;
    private final Leases leases;
    private final Duration lease;

    /**
     * @param progress where each database's outcome is reported, and cancellation looked for
     * @param leases the tenants' leases: a database migrates only while its tenant's lease is held
     * @param lease how long a tenant's lease lasts unless renewed (renewed every third of it)
     */
    public RolloutJob(
            TemplateCatalog templates,
            ClusterAdmins clusters,
            RolloutStore store,
            ReleasedSteps released,
            TenantMigrator migrator,
            JobProgress progress,
            Leases leases,
            Duration lease) {
        this.templates = templates;
        this.clusters = clusters;
        this.store = store;
        this.released = released;
        this.migrator = migrator;
        this.progress = progress;
        this.leases = leases;
        this.lease = lease;
    }

    /** A rollout's settings, as the payload holds them. */
    public record Request(
            String service, int version, List<Target> targets, int parallel, int canary, boolean autoContinue) {
        public Request {
            targets = List.copyOf(targets);
        }
    }

    /**
     * The steps of a rollout: slices of {@code parallel * 64} databases, the canary its own slice(s).
     * A slice costs its step's commits, its leases and its last databases' tail, where fewer than
     * {@code parallel} run: about 40 ms between two slices of small databases at 2 at a time, 1.3 s
     * of a 20 s rollout of 1,000 in slices of 32 (16 per worker), 0.3 s in slices of 128; a slice run
     * again after a crash costs one query per database it had done.
     */
    public static List<String> plan(Request request) {
        int slice = Math.max(1, request.parallel() * SLICE_PER_WORKER);
        int total = request.targets().size();
        int canary = request.canary() > 0 ? Math.min(request.canary(), total) : 0;
        List<String> steps = new ArrayList<>(List.of("release"));
        if (canary > 0) {
            slices(steps, 0, canary, slice);
            steps.add("canary-check");
            if (request.autoContinue()) {
                slices(steps, canary, total, slice);
            }
        } else {
            slices(steps, 0, total, slice);
        }
        steps.add("finish");
        return steps;
    }

    private static void slices(List<String> steps, int from, int to, int slice) {
        for (int start = from; start < to; start += slice) {
            steps.add("migrate:" + start + "-" + Math.min(to, start + slice));
        }
    }

    /** The job payload: no secrets, only names. */
    public static JsonNode payload(Request request) {
        ObjectNode node = Json.object();
        node.put("service", request.service());
        node.put("version", request.version());
        node.put("parallel", request.parallel());
        node.put("canary", request.canary());
        node.put("autoContinue", request.autoContinue());
        var targets = node.putArray("targets");
        for (Target target : request.targets()) {
            targets.addObject()
                    .put("tenant", target.tenantId().toString())
                    .put("slug", target.slug())
                    .put("cluster", target.clusterId())
                    .put("database", target.database())
                    .put("from", target.schemaVersion());
        }
        return node;
    }

    /** How many databases the job plans to migrate: the canary's when it does not go on. */
    public static int plannedCount(Request request) {
        return request.canary() > 0 && !request.autoContinue()
                ? Math.min(request.canary(), request.targets().size())
                : request.targets().size();
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public void run(Job job, String step) {
        JsonNode payload = job.payload();
        String service = payload.path("service").asString();
        int planned = payload.path("version").asInt();
        ServiceTemplate template = plannedTemplate(service, planned);
        switch (step) {
            case "release" -> released.release(template);
            case "canary-check" -> canaryCheck(job);
            case "finish" -> finish(job);
            default -> migrateSlice(job, template, step);
        }
    }

    /**
     * The version the rollout was planned for, as this instance serves it: one that has taken a
     * newer version in since still serves this one ({@link TemplateCatalog#adopt} keeps it).
     *
     * @throws io.silo.error.SiloException {@code database-version-unknown} (retried) on an instance
     *     that has not taken it in yet; {@code migration-step-edited} when it is older and gone
     */
    private ServiceTemplate plannedTemplate(String service, int planned) {
        ServiceTemplate newest = templates.require(service);
        if (newest.version() < planned) {
            // its reload is on the way: not a failure of the rollout, which is tried again, here or
            // on an instance that has it
            throw ProblemType.DATABASE_VERSION_UNKNOWN.exception(
                    "the rollout of " + service + " is for version "
                            + planned + " and this instance serves version " + newest.version() + " so far; tried again"
                            + " (every instance takes a new version in: docs/operations.md#taking-a-new-version-in-without-a-restart)");
        }
        return templates
                .at(service, planned)
                .orElseThrow(() -> ProblemType.MIGRATION_STEP_EDITED.exception("the rollout of " + service
                        + " was planned for version " + planned + ", which this Silo no longer has (its newest is "
                        + newest.version() + "); start a new rollout"));
    }

    @Override
    public void failed(Job job, String reason) {
        log.warn(
                "rollout {} of service {} failed: {}",
                job.id(),
                job.payload().path("service").asString(),
                reason);
    }

    private void migrateSlice(Job job, ServiceTemplate template, String step) {
        String[] bounds = step.substring("migrate:".length()).split("-");
        List<Target> slice = targets(job.payload()).subList(Integer.parseInt(bounds[0]), Integer.parseInt(bounds[1]));
        Semaphore permits =
                new Semaphore(Math.max(1, job.payload().path("parallel").asInt(1)));
        // the control database is asked about cancellation and told the counts a few times a second,
        // not once per database: with hundreds of small databases that is most of a rollout's overhead
        Pace pace = new Pace();
        SliceLeases leased = leaseSlice(job, step, slice);
        try (SliceEnds ends = new SliceEnds(job.id(), template.service(), leased);
                ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            Set<Target> placed = store.stillPlaced(slice, template.service());
            List<Future<?>> running = new ArrayList<>();
            for (Target target : slice) {
                running.add(workers.submit(() -> {
                    permits.acquireUninterruptibly();
                    try {
                        // a cancelled rollout starts no more databases; the runner ends it at the step's end
                        if (!pace.cancelled(() -> progress.cancelRequested(job.id()))) {
                            migrateLeased(job, template, target, leased, placed, ends);
                            if (pace.reportDue()) {
                                report(job);
                            }
                        }
                    } finally {
                        permits.release();
                    }
                }));
            }
            for (Future<?> future : running) {
                await(job, future);
            }
        } finally {
            leased.close();
        }
        report(job);
    }

    private SliceLeases leaseSlice(Job job, String step, List<Target> slice) {
        // a holder of its own: a step run again elsewhere while this run goes on must not share its leases
        String holder = "rollout:" + job.id() + "#" + Secrets.token(6);
        List<String> names = slice.stream()
                .map(target -> Leases.tenant(target.tenantId()))
                .distinct()
                .sorted()
                .toList();
        return new SliceLeases(holder, leases.tryAcquireAll(names, holder, lease));
    }

    /**
     * The tenants' leases of one slice, taken in one statement when it starts rather than one commit
     * per database: each is given back with its database's end, those of databases not started (a
     * cancelled rollout) when the slice ends. Renewed together while the slice runs.
     */
    private final class SliceLeases implements AutoCloseable {
        final String holder;
        final Set<String> held = ConcurrentHashMap.newKeySet();
        final Thread renewal;

        private SliceLeases(String holder, Set<String> taken) {
            this.holder = holder;
            this.held.addAll(taken);
            long every = Math.max(100, lease.toMillis() / 3);
            this.renewal = Thread.ofVirtual().name("rollout-leases").start(() -> {
                try {
                    while (true) {
                        Thread.sleep(every);
                        if (!held.isEmpty()) {
                            renew();
                        }
                    }
                } catch (InterruptedException e) {
                    // the slice is done: stop renewing
                }
            });
        }

        private void renew() {
            try {
                leases.renewAll(List.copyOf(held), holder, lease);
            } catch (RuntimeException e) {
                // tried again at the next turn; a lease that lapses meanwhile may be taken by another job
                log.warn("could not renew the tenants' leases of {}: {}", holder, e.getMessage());
            }
        }

        /** Whether this slice holds {@code target}'s tenant: its database may be migrated. */
        boolean holds(Target target) {
            return held.contains(Leases.tenant(target.tenantId()));
        }

        /** Gives the tenants of {@code ends} back inside the transaction that records their databases' ends. */
        void release(Handle handle, List<End> ends) {
            Leases.releaseAll(handle, names(ends), holder);
        }

        /** That transaction committed: these leases are no longer this slice's to renew or give back. */
        void released(List<End> ends) {
            held.removeAll(names(ends));
        }

        private static List<String> names(List<End> ends) {
            return ends.stream()
                    .map(end -> Leases.tenant(end.target().tenantId()))
                    .toList();
        }

        @Override
        public void close() {
            renewal.interrupt();
            if (!held.isEmpty()) {
                leases.releaseAll(List.copyOf(held), holder);
            }
        }
    }

    /**
     * The ends of a slice's databases, written to the control database by a thread of their own, the
     * few that ended meanwhile in one transaction with their tenants' leases given back, so that a
     * worker goes on to its next database at once instead of waiting for a commit of its own. An end
     * waits at most {@link #LINGER} and two commits (the one under way when it came, then its own).
     * Closing writes what is left; an end not written (a write that failed, a writer that died) then
     * fails the slice, which runs again and finds those databases migrated (their leases are given
     * back with the slice's).
     */
    private final class SliceEnds implements AutoCloseable {
        private static final Duration LINGER = Duration.ofMillis(50);
        private static final End CLOSE = End.untouched(null, "");

        private final UUID jobId;
        private final String service;
        private final SliceLeases leased;
        private final LinkedBlockingQueue<End> queue = new LinkedBlockingQueue<>();
        private final Thread writer;
        private volatile Throwable failure;

        SliceEnds(UUID jobId, String service, SliceLeases leased) {
            this.jobId = jobId;
            this.service = service;
            this.leased = leased;
            this.writer = Thread.ofVirtual().name("rollout-ends").start(this::write);
        }

        void add(End end) {
            queue.add(end);
        }

        private void write() {
            try {
                boolean closing = false;
                while (!closing) {
                    List<End> batch = new ArrayList<>();
                    batch.add(queue.take());
                    if (batch.getFirst() != CLOSE) {
                        LockSupport.parkNanos(LINGER.toNanos()); // a few more end meanwhile; closing wakes it
                    }
                    queue.drainTo(batch);
                    closing = batch.remove(CLOSE);
                    if (!batch.isEmpty()) {
                        record(batch);
                    }
                }
            } catch (InterruptedException | Error e) {
                // an interrupt is not this class's (the process is going down), an Error a crash:
                // what is queued stays unwritten, and closing says so
                failed(e);
            }
        }

        private void record(List<End> batch) {
            try {
                store.finish(jobId, service, batch, handle -> leased.release(handle, batch));
                leased.released(batch);
            } catch (RuntimeException e) {
                failed(e); // the next batches are still tried: each is a transaction of its own
            }
        }

        private void failed(Throwable e) {
            if (failure == null) {
                failure = e;
            }
        }

        @Override
        public void close() {
            queue.add(CLOSE);
            LockSupport.unpark(writer);
            // waited for even when interrupted: a writer left behind would still write after the step
            // ended, perhaps over a retry's newer outcomes
            boolean interrupted = false;
            while (writer.isAlive()) {
                try {
                    writer.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            queue.remove(CLOSE);
            if (failure instanceof Error error) {
                throw error; // a crash, as a worker's: the job stays leased and resumes elsewhere
            }
            if (failure != null || !queue.isEmpty()) {
                String why = failure == null ? "the writer stopped" : String.valueOf(failure.getMessage());
                throw new IllegalStateException(
                        "rollout " + jobId + ": could not record databases' ends: " + why, failure);
            }
        }
    }

    /**
     * How often a slice looks at the control database for what is not its work: whether the job
     * was cancelled, and the counts a watcher sees. Thread-safe.
     */
    private static final class Pace {
        private static final long EVERY = Duration.ofMillis(250).toNanos();
        private final AtomicLong lastReport = new AtomicLong(System.nanoTime());
        private final AtomicLong lastCancelCheck = new AtomicLong();
        private volatile boolean cancelled;

        /** Whether the job was cancelled, asking {@code check} at most every quarter second. */
        boolean cancelled(BooleanSupplier check) {
            if (!cancelled && due(lastCancelCheck)) {
                cancelled = check.getAsBoolean();
            }
            return cancelled;
        }

        /** True at most every quarter second, for one caller. */
        boolean reportDue() {
            return due(lastReport);
        }

        private static boolean due(AtomicLong last) {
            long now = System.nanoTime();
            long before = last.get();
            return (before == 0 || now - before >= EVERY) && last.compareAndSet(before, now);
        }
    }

    private static void await(Job job, Future<?> future) {
        try {
            future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("rollout " + job.id() + " interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error; // a crash: the job stays leased and resumes elsewhere
            }
            throw new IllegalStateException(
                    "rollout " + job.id() + ": " + e.getCause().getMessage(), e);
        }
    }

    /**
     * Migrates one database under its tenant's lease, so no other job changes that tenant meanwhile;
     * {@code placed}: the slice's databases still where the rollout found them, asked once the
     * leases were taken.
     */
    private void migrateLeased(
            Job job, ServiceTemplate template, Target target, SliceLeases leased, Set<Target> placed, SliceEnds ends) {
        if (!leased.holds(target)) {
            String reason = "another job is changing organization " + target.slug()
                    + " (its lease is taken); run the rollout again later";
            warnBehind(job, template, target, reason);
            // the lease given back with the end is only ever this slice's: another job's stays, and
            // so does a fence that job put up
            ends.add(End.untouched(target, reason));
            return;
        }
        if (!placed.contains(target)) {
            String reason = "organization " + target.slug() + " moved to another cluster since the rollout was"
                    + " planned; run the rollout again";
            warnBehind(job, template, target, reason);
            ends.add(End.untouched(target, reason));
            return;
        }
        FenceClock fence = new FenceClock(target.tenantId(), template.service());
        // what the end says if the migration does not come back (an Error on its way up)
        Optional<String> failure = Optional.of("the migration stopped halfway; run the rollout again");
        try {
            failure = migrateOne(template, target, fence);
        } finally {
            failure.ifPresent(reason -> warnBehind(job, template, target, reason));
            // the database's end: the version it reached (unless a fence's end recorded it already),
            // its outcome, a fence a failed step left (it is this rollout's while the lease is held),
            // and the lease given back, committed with the ends of the databases beside it
            ends.add(new End(target, true, fence.unrecorded(), failure, fence.longest()));
        }
    }

    /** Migrates one database; why it stays behind, if it does. */
    private Optional<String> migrateOne(ServiceTemplate template, Target target, FenceClock fence) {
        try (Connection connection = clusters.of(target.clusterId()).connect(target.database())) {
            migrator.migrate(connection, template, fence);
            return Optional.empty();
        } catch (SQLException | RuntimeException e) {
            return Optional.of(e.getMessage() == null ? e.getClass().getSimpleName() : firstLine(e.getMessage()));
        }
    }

    /**
     * One database's side of the control plane: its writes fenced and its version recorded in the
     * control database, each fence timed from the moment it is recorded until the version that
     * lifts it is, which is what writers see. A version reached without a fence up is recorded with
     * the database's outcome ({@link #unrecorded}), one commit later and not one more: a crash in
     * between leaves the control plane behind, which the next rollout finds and sets right.
     */
    private final class FenceClock implements TenantMigrator.Control {
        private final UUID tenantId;
        private final String service;
        private long fencedAt;
        private Optional<Duration> longest = Optional.empty();
        private OptionalInt unrecorded = OptionalInt.empty();

        FenceClock(UUID tenantId, String service) {
            this.tenantId = tenantId;
            this.service = service;
        }

        @Override
        public void fenceWrites() {
            store.fence(tenantId, service);
            fencedAt = System.nanoTime();
        }

        @Override
        public void reached(int version) {
            if (fencedAt == 0) {
                unrecorded = OptionalInt.of(version);
                return;
            }
            // a fence is lifted by the change that records the version, at once
            store.reached(tenantId, service, version);
            unrecorded = OptionalInt.empty();
            Duration fenced = Duration.ofNanos(System.nanoTime() - fencedAt);
            fencedAt = 0;
            if (longest.isEmpty() || fenced.compareTo(longest.get()) > 0) {
                longest = Optional.of(fenced);
            }
        }

        /** The last version reached that the control database does not know yet. */
        OptionalInt unrecorded() {
            return unrecorded;
        }

        /** The longest fence so far; one still up (a step that failed under it) counts until now. */
        Optional<Duration> longest() {
            if (fencedAt != 0) {
                Duration open = Duration.ofNanos(System.nanoTime() - fencedAt);
                return longest.filter(known -> known.compareTo(open) >= 0).or(() -> Optional.of(open));
            }
            return longest;
        }
    }

    private static void warnBehind(Job job, ServiceTemplate template, Target target, String reason) {
        log.warn(
                "rollout {}: database {} of tenant {} (service {}) stays behind: {}",
                job.id(),
                target.database(),
                target.slug(),
                template.service(),
                reason);
    }

    private void report(Job job) {
        RolloutStore.Counts counts = store.counts(job.id());
        progress.report(job.id(), counts.done(), counts.failed(), counts.total());
    }

    private void canaryCheck(Job job) {
        RolloutStore.Counts counts = store.counts(job.id());
        if (counts.failed() > 0) {
            throw ProblemType.MIGRATION_INCOMPLETE.exception(
                    "canary of " + job.payload().path("service").asString()
                            + ": " + counts.failed() + " of " + (counts.done() + counts.failed())
                            + " databases failed; not continuing (" + firstFailure(job) + ")");
        }
    }

    private void finish(Job job) {
        RolloutStore.Counts counts = store.counts(job.id());
        if (counts.failed() > 0) {
            throw ProblemType.MIGRATION_INCOMPLETE.exception(counts.failed() + " of " + counts.total()
                    + " databases of " + job.payload().path("service").asString()
                    + " failed and stay at their version (" + firstFailure(job)
                    + "); fix them and run the rollout again");
        }
    }

    private String firstFailure(Job job) {
        JsonNode first =
                store.summary(job.id()).orElseGet(Json::object).path("failures").path(0);
        return "first: " + first.path("database").asString() + ": "
                + first.path("reason").asString();
    }

    private static List<Target> targets(JsonNode payload) {
        List<Target> out = new ArrayList<>();
        for (JsonNode node : payload.path("targets")) {
            out.add(new Target(
                    UUID.fromString(node.path("tenant").asString()),
                    node.path("slug").asString(),
                    node.path("cluster").asString(),
                    node.path("database").asString(),
                    node.path("from").asInt()));
        }
        return out;
    }

    private static String firstLine(String message) {
        return message.lines().findFirst().orElse(message);
    }
}
