package io.silo.app.imports;

import io.silo.audit.AuditEntry;
import io.silo.crypto.Ids;
import io.silo.error.ProblemType;
import io.silo.job.Job;
import io.silo.job.JobState;
import io.silo.postgres.control.AuditLog;
import io.silo.postgres.control.ImportJobStore;
import io.silo.postgres.jdbc.Jdbc;
import io.silo.postgres.job.JobRunner;
import io.silo.postgres.job.JobStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * Starts imports from MongoDB as jobs ({@link ImportJob}), recorded in the master audit log
 * ({@code organization.import}): {@code silo import} runs one inline ({@link #runInline}) and shows
 * its progress; {@code POST /api/admin/imports} leaves it to the instances' job workers. Either way
 * a job that dies is finished by another instance's worker once its lease lapses, or by starting
 * the same import again (which runs the same idempotent steps).
 *
 * <p>Thread-safe.
 */
public final class Imports {
    private final Jdbc jdbc;
    private final MongoImport imports;
    private final ImportJobStore store;
    private final JobStore jobs;
    private final JobRunner runner;
    private final AuditLog audit;
    private final Clock clock;
    private final ImportFolders folders;

    public Imports(
            Jdbc jdbc,
            MongoImport imports,
            ImportJobStore store,
            JobStore jobs,
            JobRunner runner,
            AuditLog audit,
            Clock clock,
            ImportFolders folders) {
        this.folders = folders;
        this.jdbc = jdbc;
        this.imports = imports;
        this.store = store;
        this.jobs = jobs;
        this.runner = runner;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Plans the import (the folder scanned, the mapping read) and creates its job. {@code grace}: how
     * long background workers leave the new job alone, so that the caller running it inline gets it.
     *
     * @throws io.silo.error.SiloException {@code invalid-json} (400) for a mapping file that cannot be read
     * @throws java.io.UncheckedIOException when the folder is not there
     */
    public Job start(ImportJob.Options options, AuditEntry.Actor actor, Duration grace) {
        MongoImport.Request request = ImportJob.request(options, actor);
        String source = MongoImport.source(request);
        ImportJob.Options resolved = new ImportJob.Options(options.dump(), options.layout(), options.mapping(), source);
        List<String> steps = imports.plan(request);
        Instant now = clock.instant();
        Job job = new Job(
                Ids.next(),
                ImportJob.KIND,
                Optional.empty(),
                JobState.PENDING,
                ImportJob.payload(resolved, actor),
                steps,
                0,
                0,
                Optional.empty(),
                now,
                now,
                Optional.empty());
        jdbc.useTransaction(handle -> {
            jobs.create(handle, job, grace);
            audit.append(
                    handle,
                    new AuditEntry(
                            actor,
                            ImportJob.KIND,
                            "job",
                            job.id().toString(),
                            Optional.empty(),
                            Map.of(
                                    "source",
                                    source,
                                    "folder",
                                    options.dump().toAbsolutePath().toString(),
                                    "collections",
                                    steps.size() - 2)));
        });
        return job;
    }

    /**
     * What {@code POST /api/admin/imports} asks for: a folder and a mapping file relative to {@code
     * imports.dir}, a layout, a source name; any may be null (absent).
     */
    public record FolderRequest(String folder, String layout, String mapping, String source) {}

    /**
     * Starts an import of a folder inside {@code imports.dir} ({@link ImportFolders}), left to the job
     * workers.
     *
     * @throws io.silo.error.SiloException 409 {@code imports-not-configured} without {@code imports.dir};
     *     400 {@code invalid-import-path} for a path outside it or not there, {@code missing-field} for
     *     neither layout nor mapping, {@code invalid-json} for an unknown layout or a broken mapping file
     */
    public Job startInFolder(FolderRequest request, AuditEntry.Actor actor) {
        Path dump = folders.folder(request.folder(), "folder");
        Optional<Path> mapping = Optional.ofNullable(request.mapping()).map(file -> folders.file(file, "mapping"));
        Optional<ImportMapping.Layout> layout =
                Optional.ofNullable(request.layout()).map(ImportMapping.Layout::parse);
        if (layout.isEmpty() && mapping.isEmpty()) {
            throw ProblemType.MISSING_FIELD
                    .exception("say which layout (" + ImportMapping.Layout.TEXTS + "), or name a mapping file")
                    .with("field", "layout");
        }
        String source = Optional.ofNullable(request.source()).orElse("").strip();
        if (source.length() > 200 || source.chars().anyMatch(Character::isISOControl)) {
            throw ProblemType.INVALID_JSON
                    .exception("source must be at most 200 characters, without control characters")
                    .with("field", "source");
        }
        return start(new ImportJob.Options(dump, layout, mapping, source), actor, Duration.ZERO);
    }

    /**
     * Runs the import job in this thread (the CLI has no job workers) and returns the job as it ended.
     * A job another process was running when it died is taken over once its lease lapses; one another
     * instance's worker runs is waited for.
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
     * The unfinished import job of the same folder, source, layout and mapping file, if one is left
     * (a {@code silo import} that was killed): running the command again finishes it rather than
     * starting over.
     */
    public Optional<Job> unfinished(ImportJob.Options options, AuditEntry.Actor actor) {
        MongoImport.Request request = ImportJob.request(options, actor);
        JsonNode wanted = ImportJob.payload(
                new ImportJob.Options(options.dump(), options.layout(), options.mapping(), MongoImport.source(request)),
                actor);
        for (JobState state : List.of(JobState.RUNNING, JobState.PENDING)) {
            for (Job job : jobs.page(
                            new JobStore.Filter(Optional.of(ImportJob.KIND), Optional.of(state), Optional.empty()),
                            Optional.empty(),
                            100)
                    .items()) {
                if (ImportJob.sameImport(job.payload(), wanted)) {
                    return Optional.of(job);
                }
            }
        }
        return Optional.empty();
    }

    /** The job as it stands now. */
    public Optional<Job> job(UUID jobId) {
        return jobs.find(jobId);
    }

    /** The report an import job kept when it ended (finished, failed or cancelled); empty before, or for another kind. */
    public Optional<JsonNode> report(UUID jobId) {
        return store.report(jobId);
    }
}
