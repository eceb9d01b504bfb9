package io.silo.app.backup;

import io.silo.audit.AuditEntry;
import io.silo.job.Job;
import io.silo.job.JobHandler;
import io.silo.job.JobProgress;
import io.silo.json.Json;
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
 * deleted), reporting the rows loaded. A wrong key, an altered archive or a slug in use fails at once
 * (the runner does not retry a broken rule). The uploaded file is deleted when the job ends.
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

    static JsonNode payload(Path file, Optional<String> asSlug, Optional<String> cluster) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("file", file.toString());
        asSlug.ifPresent(slug -> payload.put("as", slug));
        cluster.ifPresent(id -> payload.put("cluster", id));
        return Json.tree(payload);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public void run(Job job, String step) {
        JsonNode payload = job.payload();
        Restores.Restored restored = restores.get()
                .restore(
                        Path.of(payload.path("file").asString()),
                        folder.key(),
                        new Restores.Options(text(payload, "as"), text(payload, "cluster")),
                        (service, table, rows) -> progress.report(job.id(), rows, 0, rows),
                        AuditEntry.Actor.system("restore job " + job.id()));
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
