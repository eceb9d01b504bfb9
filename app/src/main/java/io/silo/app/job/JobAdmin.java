package io.silo.app.job;

import io.silo.audit.AuditEntry;
import io.silo.crypto.Ids;
import io.silo.error.ProblemType;
import io.silo.job.Job;
import io.silo.job.JobState;
import io.silo.postgres.control.AuditLog;
import io.silo.postgres.control.TenantStore;
import io.silo.postgres.job.JobRunner;
import io.silo.postgres.job.JobStore;
import io.silo.tenant.Tenant;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Jobs for platform administrators: listed with filters, read one by one with their progress, and
 * cancelled. A cancellation is recorded in the master audit log.
 *
 * <p>Thread-safe.
 */
public final class JobAdmin {
    private final JobStore jobs;
    private final JobRunner runner;
    private final TenantStore tenants;
    private final AuditLog audit;

    public JobAdmin(JobStore jobs, JobRunner runner, TenantStore tenants, AuditLog audit) {
        this.jobs = jobs;
        this.runner = runner;
        this.tenants = tenants;
        this.audit = audit;
    }

    /** What a listing asks for, each filter optional; {@code organization} is a slug or an id. */
    public record Query(
            Optional<String> kind,
            Optional<String> state,
            Optional<String> organization,
            Optional<String> cursor,
            int limit) {}

    /** Jobs newest first. An unknown state is 400 {@code invalid-status}; an unknown slug 404. */
    public JobStore.Page list(Query query) {
        return jobs.page(
                new JobStore.Filter(
                        query.kind(),
                        query.state().map(JobAdmin::state),
                        query.organization().map(this::tenantId)),
                query.cursor(),
                query.limit());
    }

    public Job get(UUID id) {
        return jobs.find(id).orElseThrow(() -> ProblemType.JOB_NOT_FOUND.exception("no job " + id));
    }

    /** Cancels the job, or asks it to stop at its next step; see {@link JobRunner#cancel}. */
    public Job cancel(UUID id, AuditEntry.Actor actor) {
        Job before = get(id);
        Job job = runner.cancel(id);
        if (!before.state().finished()) {
            audit.append(new AuditEntry(
                    actor,
                    "job.cancel",
                    "job",
                    id.toString(),
                    job.tenantId(),
                    Map.of("kind", job.kind(), "state", job.state().value())));
        }
        return job;
    }

    /**
     * An id is taken as it is, so that the jobs of a deleted organization can still be listed; a slug
     * must name an organization.
     */
    private UUID tenantId(String organization) {
        return Ids.parseCanonical(organization)
                .or(() -> tenants.resolve(organization).map(Tenant::id))
                .orElseThrow(() -> ProblemType.ORGANIZATION_NOT_FOUND.exception("no organization " + organization));
    }

    private static JobState state(String text) {
        return Arrays.stream(JobState.values())
                .filter(state -> state.value().equals(text))
                .findFirst()
                .orElseThrow(() -> ProblemType.INVALID_STATUS
                        .exception("state must be one of pending, running, succeeded, failed, cancelled")
                        .with("field", "state"));
    }
}
