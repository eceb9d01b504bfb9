package io.silo.app;

import io.silo.app.imports.Imports;
import io.silo.app.job.JobAdmin;
import io.silo.app.migration.Rollouts;
import io.silo.app.move.Moves;
import io.silo.app.organization.OrganizationJson;
import io.silo.job.Job;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A job as platform administrators see it, over HTTP ({@code GET /api/admin/jobs/{id}}) and from
 * the command line ({@code silo jobs show}): its steps and progress, and what its kind keeps once it
 * ran: a rollout's databases ({@code rollout}: what failed, and why; the longest write fence), an
 * import's report ({@code import}, per organization), a move's method, rows verified and write
 * fence ({@code move}).
 *
 * <p>Thread-safe.
 */
public final class JobDetails {
    private final JobAdmin jobs;
    private final Rollouts rollouts;
    private final Imports imports;
    private final Moves moves;

    JobDetails(JobAdmin jobs, Rollouts rollouts, Imports imports, Moves moves) {
        this.jobs = jobs;
        this.rollouts = rollouts;
        this.imports = imports;
        this.moves = moves;
    }

    /** The job {@code id} with what its kind keeps; 404 {@code job-not-found} when there is none. */
    public Map<String, Object> of(UUID id) {
        Job job = jobs.get(id);
        Map<String, Object> body = new LinkedHashMap<>(OrganizationJson.job(job));
        rollouts.summary(job.id()).ifPresent(summary -> body.put("rollout", summary));
        imports.report(job.id()).ifPresent(report -> body.put("import", report));
        moves.summary(job.id()).ifPresent(move -> body.put("move", move));
        return body;
    }
}
