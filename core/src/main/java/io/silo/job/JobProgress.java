package io.silo.job;

import java.util.UUID;

/**
 * What a {@link JobHandler} tells about the step it runs, and asks about its job, while the step
 * works. A step over many items (a rollout over a thousand tenants) reports after each item or
 * batch; {@code GET /api/admin/jobs/{id}} shows the last report with a rate and an ETA, and the
 * report is cleared when the step ends.
 *
 * <pre>{@code
 * for (Tenant tenant : tenants) {
 *     if (progress.cancelRequested(job.id())) return; // the runner then ends the job as cancelled
 *     ...
 *     progress.report(job.id(), done, failed, tenants.size());
 * }
 * }</pre>
 *
 * <p>Implementations are thread-safe; a report for a job that is not running is ignored.
 */
public interface JobProgress {

    /** Records how far the current step of {@code jobId} got: items done, failed, and in all. */
    void report(UUID jobId, long done, long failed, long total);

    /** Whether an administrator asked to cancel the job; a long step checks it between items. */
    boolean cancelRequested(UUID jobId);
}
