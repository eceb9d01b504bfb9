package io.silo.app.imports;

import io.silo.audit.AuditEntry;
import io.silo.crypto.Secrets;
import io.silo.job.Job;
import io.silo.job.JobHandler;
import io.silo.job.JobProgress;
import io.silo.json.Json;
import io.silo.postgres.control.ImportJobStore;
import io.silo.postgres.job.Leases;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An import from MongoDB as a job ({@value #KIND}): the steps of {@link MongoImport#plan}
 * ({@code prepare}, one per collection of data, {@code finish}), each resumable because every
 * write is an upsert keyed by a stable id. What each step found is kept in the control database
 * ({@link ImportJobStore}) before the runner records the step done, so a job resumed after a crash,
 * by another instance's worker or by {@code silo import} run again, reports the steps that ran
 * before it; {@code finish} puts the report together and keeps it after the job ends, as do a
 * failure and a cancellation (with what was done until then).
 *
 * <p>A step writes into an organization only while it holds the organization's tenant lease
 * ({@link Leases}), taken at its first write and held, renewed, until the step ends: no other job
 * changes that organization meanwhile. A lease held by another job fails the attempt, and the runner
 * retries the step later. Progress is reported through {@link JobProgress} at most four times a
 * second: documents done (read and not rejected), failed (rejected, or belonging to no
 * organization) and a total estimated from the bytes of the source read so far. Cancellation is
 * looked for between batches: the step ends with whole batches written.
 *
 * <p>Thread-safe.
 */
public final class ImportJob implements JobHandler {
    public static final String KIND = "organization.import";
    private static final Logger log = LoggerFactory.getLogger(ImportJob.class);
    private static final long EVERY = Duration.ofMillis(250).toNanos();

    private final Supplier<MongoImport> imports;
    private final ImportJobStore store;
    private final JobProgress progress;
    private final Leases leases;
    private final Duration lease;

    /**
     * @param imports the import; a supplier because it creates organizations, whose lifecycle needs the
     *     runner this handler is part of
     * @param lease how long an organization's lease lasts unless renewed (renewed every third of it)
     */
    public ImportJob(
            Supplier<MongoImport> imports, ImportJobStore store, JobProgress progress, Leases leases, Duration lease) {
        this.imports = imports;
        this.store = store;
        this.progress = progress;
        this.leases = leases;
        this.lease = lease;
    }

    /** What an import job is asked to do: the options of {@code silo import}, the source's name resolved. */
    public record Options(Path dump, Optional<ImportMapping.Layout> layout, Optional<Path> mapping, String source) {}

    /** The job's payload: paths and names only. */
    static JsonNode payload(Options options, AuditEntry.Actor actor) {
        ObjectNode node = Json.object();
        node.put("dump", options.dump().toAbsolutePath().toString());
        options.layout().ifPresent(layout -> node.put("layout", layout.text()));
        options.mapping()
                .ifPresent(file -> node.put("mapping", file.toAbsolutePath().toString()));
        node.put("source", options.source());
        node.putObject("actor")
                .put("kind", actor.kind())
                .put("id", actor.id())
                .put("name", actor.name())
                .put("clientAddress", actor.clientAddress())
                .put("userAgent", actor.userAgent())
                .put("requestId", actor.requestId());
        return node;
    }

    /** Whether two payloads name the same import: folder, source, layout and mapping file. */
    static boolean sameImport(JsonNode one, JsonNode other) {
        for (String field : List.of("dump", "source", "layout", "mapping")) {
            if (!one.path(field).equals(other.path(field))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The import the options describe: the mapping file read again (so a step sees the file as it is),
     * over the layout's defaults.
     *
     * @throws io.silo.error.SiloException {@code invalid-json} (400) for a mapping file that cannot be read
     */
    static MongoImport.Request request(Options options, AuditEntry.Actor actor) {
        ImportMapping mapping = options.mapping().isPresent()
                ? ImportMapping.read(options.mapping().get(), options.layout())
                : ImportMapping.defaults(options.layout()
                        .orElseThrow(() -> new IllegalArgumentException(
                                "say which layout: " + ImportMapping.Layout.TEXTS + ", or give a mapping file")));
        if (!options.source().isEmpty()) {
            mapping = mapping.withSource(options.source());
        }
        return new MongoImport.Request(options.dump(), mapping, Optional.empty(), actor);
    }

    private static MongoImport.Request request(JsonNode payload) {
        JsonNode actor = payload.path("actor");
        return request(
                new Options(
                        Path.of(payload.path("dump").asString()),
                        Optional.ofNullable(payload.path("layout").asString(null))
                                .map(ImportMapping.Layout::parse),
                        Optional.ofNullable(payload.path("mapping").asString(null))
                                .map(Path::of),
                        payload.path("source").asString("")),
                new AuditEntry.Actor(
                        actor.path("kind").asString("system"),
                        actor.path("id").asString(""),
                        actor.path("name").asString(KIND),
                        actor.path("clientAddress").asString(""),
                        actor.path("userAgent").asString(""),
                        actor.path("requestId").asString("")));
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public void run(Job job, String step) {
        int index = job.steps().indexOf(step);
        List<JsonNode> before = store.stepsBefore(job.id(), index);
        if (step.equals(MongoImport.FINISH)) {
            keep(job, before, Optional.empty());
            return;
        }
        try (StepLeases held = new StepLeases(job.id())) {
            JsonNode outcome = imports.get().step(request(job.payload()), step, before, new Listener(job.id()), held);
            store.step(job.id(), index, step, outcome);
        }
    }

    @Override
    public void failed(Job job, String reason) {
        log.warn("import job {} failed: {}", job.id(), reason);
        keep(job, store.stepsBefore(job.id(), Integer.MAX_VALUE), Optional.of("the import failed: " + reason));
    }

    @Override
    public void cancelled(Job job) {
        log.info("import job {} cancelled", job.id());
        keep(job, store.stepsBefore(job.id(), Integer.MAX_VALUE), Optional.of("cancelled by an administrator"));
    }

    /** Puts the report together from the steps' outcomes and keeps it after the job. */
    private void keep(Job job, List<JsonNode> outcomes, Optional<String> ended) {
        String source = outcomes.isEmpty()
                ? job.payload().path("source").asString("")
                : outcomes.getFirst().path("report").path("source").asString("");
        ImportReport report = ImportReport.of(source, outcomes);
        ended.ifPresent(report::note);
        boolean complete = ended.isEmpty() && report.complete();
        ObjectNode json = report.json();
        json.put("complete", complete);
        store.finish(job.id(), source, complete, json);
        log.info(
                "import job {} of {}: {} documents read, {} written, {}",
                job.id(),
                source,
                report.documentsRead(),
                report.written(),
                complete ? "complete" : "incomplete");
    }

    /** Reports the job's counts and looks for its cancellation, each at most every quarter second. */
    private final class Listener implements MongoImport.StepListener {
        private final UUID job;
        private long lastReport;
        private long lastCheck;
        private boolean cancelled;

        Listener(UUID job) {
            this.job = job;
        }

        @Override
        public void at(long bytesRead, long bytesTotal, long documents, LongSupplier rejected) {
            long now = System.nanoTime();
            if (lastReport != 0 && now - lastReport < EVERY) {
                return;
            }
            lastReport = now;
            long failed = Math.min(documents, rejected.getAsLong());
            // documents in all are not known before they are read: estimated from the share of bytes read
            long total = bytesRead <= 0 ? documents : Math.max(documents, documents * bytesTotal / bytesRead);
            progress.report(job, documents - failed, failed, total);
        }

        @Override
        public boolean cancelled() {
            long now = System.nanoTime();
            if (!cancelled && (lastCheck == 0 || now - lastCheck >= EVERY)) {
                lastCheck = now;
                cancelled = progress.cancelRequested(job);
            }
            return cancelled;
        }
    }

    /**
     * The organizations' leases one step holds: each taken at the step's first write into it, renewed
     * while the step runs, released when it ends. Not thread-safe beyond its renewal thread: one step
     * uses it.
     */
    private final class StepLeases implements MongoImport.TenantWrites, AutoCloseable {
        private final String holder;
        private final Set<String> held = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private Optional<Thread> renewal = Optional.empty();

        StepLeases(UUID job) {
            this.holder = "import:" + job + "#" + Secrets.token(6);
        }

        @Override
        public void before(UUID tenantId) {
            String name = Leases.tenant(tenantId);
            if (held.contains(name)) {
                return;
            }
            if (!leases.tryAcquire(name, holder, lease)) {
                throw new IllegalStateException("another job is changing organization " + tenantId
                        + " (its lease is taken): the import step is tried again later");
            }
            held.add(name);
            if (renewal.isEmpty()) {
                long every = Math.max(100, lease.toMillis() / 3);
                renewal = Optional.of(Thread.ofVirtual().name("import-leases").start(() -> {
                    try {
                        while (true) {
                            Thread.sleep(every);
                            for (String one : new LinkedHashSet<>(held)) {
                                try {
                                    leases.renew(one, holder, lease);
                                } catch (RuntimeException e) {
                                    log.warn("could not renew {} for {}: {}", one, holder, e.getMessage());
                                }
                            }
                        }
                    } catch (InterruptedException e) {
                        // the step ended: stop renewing
                    }
                }));
            }
        }

        @Override
        public void close() {
            renewal.ifPresent(Thread::interrupt);
            held.forEach(name -> leases.release(name, holder));
        }
    }
}
