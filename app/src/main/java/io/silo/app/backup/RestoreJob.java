package io.silo.app.backup;

import io.silo.audit.AuditEntry;
import io.silo.job.Job;
import io.silo.job.JobHandler;
import io.silo.job.JobProgress;
import io.silo.json.Json;
import io.silo.postgres.backup.DatabaseDump;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The job {@code organization.restore}: one step, {@code restore}, that restores an uploaded archive
 * ({@link Restores}: checked, created, loaded, verified, activated; what a failed attempt created is
 * deleted; what an attempt killed midway left, the step's next run deletes first), reporting the rows
 * loaded. A wrong key, an altered archive or a slug in use fails at once
 * (the runner does not retry a broken rule). With {@code replace}, the live organization is replaced
 * ({@link Restores#replace}) once the archive is found to be of the organization {@code confirm}
 * names. An uploaded file is deleted when the job ends; a listed archive is kept.
 *
 * <p>Thread-safe.
 */
final class RestoreJob implements JobHandler {
    static final String KIND = "organization.restore";
    static final String STEP = "restore";
    private static final Logger log = LoggerFactory.getLogger(RestoreJob.class);

    private final java.util.function.Supplier<Restores> restores;
    private final BackupFolder folder;
    private final JobProgress progress;

    /** @param restores the restores, made after the job runner they need (their failure cleanup is a deletion job) */
    RestoreJob(java.util.function.Supplier<Restores> restores, BackupFolder folder, JobProgress progress) {
        this.restores = restores;
        this.folder = folder;
        this.progress = progress;
    }

    /** @param listed whether the file is a listed archive of {@code backups.dir} (kept) or an upload (deleted at the end) */
    static JsonNode payload(Path file, boolean listed, BackupJobs.RestoreRequest request) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("file", file.toString());
        payload.put("listed", listed);
        request.asSlug().ifPresent(slug -> payload.put("as", slug));
        request.cluster().ifPresent(id -> payload.put("cluster", id));
        if (request.replace()) {
            payload.put("replace", true);
            request.confirm().ifPresent(slug -> payload.put("confirm", slug));
        }
        return Json.tree(payload);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public void run(Job job, String step) {
        JsonNode payload = job.payload();
        Path file = Path.of(payload.path("file").asString());
        DatabaseDump.Progress reported = (service, table, rows) -> progress.report(job.id(), rows, 0, rows);
        AuditEntry.Actor actor = AuditEntry.Actor.system("restore job " + job.id());
        // the job's id marks what its attempts record: a re-run after a crash deletes what one left
        Restores.Restored restored = payload.path("replace").asBoolean(false)
                ? restores.get()
                        .replace(
                                Restores.Archive.authenticate(file, folder.key()),
                                text(payload, "cluster"),
                                text(payload, "confirm"),
                                Optional.of(job.id()),
                                reported,
                                actor)
                : restores.get()
                        .restore(
                                Restores.Archive.authenticate(file, folder.key()),
                                new Restores.Options(text(payload, "as"), text(payload, "cluster")),
                                Optional.of(job.id()),
                                reported,
                                actor);
        log.info(
                "restore job {}: {} restored as {} ({} rows verified)",
                job.id(),
                restored.manifest().slug(),
                restored.tenant().slug(),
                restored.manifest().rows());
    }

    @Override
    public void succeeded(Job job) {
        delete(job);
    }

    @Override
    public void failed(Job job, String reason) {
        log.warn("restore job {} failed: {}", job.id(), reason);
        delete(job);
    }

    private static void delete(Job job) {
        if (job.payload().path("listed").asBoolean(false)) {
            return;
        }
        try {
            Files.deleteIfExists(Path.of(job.payload().path("file").asString()));
        } catch (IOException e) {
            log.warn("restore job {}: cannot delete its upload: {}", job.id(), e.getMessage());
        }
    }

    private static Optional<String> text(JsonNode payload, String field) {
        return payload.path(field).isString() ? Optional.of(payload.path(field).asString()) : Optional.empty();
    }
}
