package io.silo.app.backup;

import io.silo.audit.AuditEntry;
import io.silo.job.Job;
import io.silo.job.JobHandler;
import io.silo.job.JobProgress;
import io.silo.json.Json;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The job {@code organization.backup}: one step, {@code archive}, that writes the organization's
 * archive to the file its payload names inside {@code backups.dir}, reporting the rows written as
 * its progress. Run again after a crash, it writes the archive again from the start (the file
 * appears only when whole). A scheduled backup then deletes the organization's oldest scheduled
 * archives beyond {@code backups.keep}.
 *
 * <p>Thread-safe.
 */
final class BackupJob implements JobHandler {
    static final String KIND = "organization.backup";
    static final String STEP = "archive";
    private static final Logger log = LoggerFactory.getLogger(BackupJob.class);

    private final Backups backups;
    private final BackupFolder folder;
    private final JobProgress progress;
    private final int keep;

    BackupJob(Backups backups, BackupFolder folder, JobProgress progress, int keep) {
        this.backups = backups;
        this.folder = folder;
        this.progress = progress;
        this.keep = keep;
    }

    static JsonNode payload(Path file, boolean consistent, boolean scheduled) {
        return Json.tree(Map.of("file", file.toString(), "consistent", consistent, "scheduled", scheduled));
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public void run(Job job, String step) {
        UUID tenant = job.tenantId().orElseThrow();
        JsonNode payload = job.payload();
        AtomicLong written = new AtomicLong();
        AtomicLong before = new AtomicLong();
        Backups.Written done = backups.backup(
                tenant.toString(),
                Path.of(payload.path("file").asString()),
                folder.key(),
                payload.path("consistent").asBoolean(false),
                (service, table, rows) -> {
                    // rows of the table so far, on top of the tables before it
                    if (rows < written.get() - before.get()) {
                        before.set(written.get());
                    }
                    written.set(before.get() + rows);
                    progress.report(job.id(), written.get(), 0, written.get());
                },
                AuditEntry.Actor.system("backup job " + job.id()));
        log.info(
                "backup job {}: organization {} written to {} ({} bytes, {} rows)",
                job.id(),
                done.manifest().slug(),
                done.file(),
                done.bytes(),
                done.manifest().rows());
        if (payload.path("scheduled").asBoolean(false)) {
            folder.prune(tenant, keep);
        }
    }

    @Override
    public void failed(Job job, String reason) {
        log.warn(
                "backup job {} of tenant {} failed: {}",
                job.id(),
                job.tenantId().orElse(null),
                reason);
    }
}
