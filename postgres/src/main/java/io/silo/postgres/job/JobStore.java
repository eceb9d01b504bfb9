package io.silo.postgres.job;

import io.silo.job.Job;
import io.silo.job.JobState;
import io.silo.json.Json;
import io.silo.postgres.jdbc.Handle;
import io.silo.postgres.jdbc.Jdbc;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.core.type.TypeReference;

/**
 * Jobs in the control database. A runner claims a job with a lease (database time, so every
 * instance agrees); it records each finished step and renews the lease while it works. A job
 * whose lease lapsed is claimable again: that is how a crashed runner's job resumes.
 *
 * <p>Thread-safe.
 */
public final class JobStore {
    private static final TypeReference<List<String>> STEPS = new TypeReference<>() {};

    private final Jdbc jdbc;

    public JobStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Records a new job inside the caller's transaction, so it commits with the change it completes.
     * Background workers leave it alone for {@code grace}: the creating request runs it at once
     * ({@link JobRunner#runNow}), and only if that process dies does another one take over.
     */
    public void create(Handle handle, Job job, Duration grace) {
        handle.update(
                """
                INSERT INTO jobs (id, kind, tenant_id, state, payload, steps, next_step, attempts, run_after)
                VALUES (?, ?, ?, 'pending', ?::jsonb, ?::jsonb, 0, 0, now() + ?::interval)
                """,
                job.id(),
                job.kind(),
                job.tenantId(),
                Json.write(job.payload()),
                Json.write(job.steps()),
                interval(grace));
    }

    public Optional<Job> find(UUID id) {
        return jdbc.queryOne("SELECT * FROM jobs WHERE id = ?", JobStore::map, id);
    }

    /** The unfinished jobs of a tenant, oldest first. */
    public List<Job> unfinished(UUID tenantId) {
        return jdbc.query(
                "SELECT * FROM jobs WHERE tenant_id = ? AND state IN ('pending', 'running') ORDER BY created_at",
                JobStore::map,
                tenantId);
    }

    /** Claims the oldest runnable job, if any, for {@code worker} until the lease ends. */
    public Optional<Job> claimNext(String worker, Duration lease) {
        return jdbc.queryOne("""
                UPDATE jobs SET state = 'running', locked_by = ?, lease_until = now() + ?::interval, updated_at = now()
                WHERE id = (SELECT id FROM jobs
                            WHERE state IN ('pending', 'running') AND run_after <= now()
                              AND (lease_until IS NULL OR lease_until < now())
                            ORDER BY created_at FOR UPDATE SKIP LOCKED LIMIT 1)
                RETURNING *
                """, JobStore::map, worker, interval(lease));
    }

    /** Claims one job by id when it is runnable now. */
    public Optional<Job> claim(UUID id, String worker, Duration lease) {
        return jdbc.queryOne("""
                UPDATE jobs SET state = 'running', locked_by = ?, lease_until = now() + ?::interval, updated_at = now()
                WHERE id = ? AND state IN ('pending', 'running') AND (lease_until IS NULL OR lease_until < now())
                RETURNING *
                """, JobStore::map, worker, interval(lease), id);
    }

    /** Records that a step finished; false when the lease was lost to another runner. */
    public boolean stepDone(UUID id, String worker, int nextStep, Duration lease) {
        return jdbc.update("""
                UPDATE jobs SET next_step = ?, attempts = 0, error = NULL, lease_until = now() + ?::interval, updated_at = now()
                WHERE id = ? AND locked_by = ? AND state = 'running'
                """, nextStep, interval(lease), id, worker) == 1;
    }

    public boolean renew(UUID id, String worker, Duration lease) {
        return jdbc.update(
                        "UPDATE jobs SET lease_until = now() + ?::interval WHERE id = ? AND locked_by = ? AND state = 'running'",
                        interval(lease),
                        id,
                        worker)
                == 1;
    }

    /** Releases the job after a failed attempt, to be retried after {@code delay}. */
    public void retryLater(UUID id, String worker, String error, Duration delay) {
        jdbc.update("""
                UPDATE jobs SET attempts = attempts + 1, error = ?, locked_by = NULL, lease_until = NULL,
                                run_after = now() + ?::interval, updated_at = now()
                WHERE id = ? AND locked_by = ?
                """, error, interval(delay), id, worker);
    }

    /** Marks the job done; false when the lease was no longer this worker's. */
    public boolean succeed(UUID id, String worker) {
        return jdbc.update("""
                UPDATE jobs SET state = 'succeeded', error = NULL, locked_by = NULL, lease_until = NULL,
                                payload = '{}'::jsonb, finished_at = now(), updated_at = now()
                WHERE id = ? AND locked_by = ?
                """, id, worker) == 1;
    }

    /** Marks the job failed for good; false when the lease was no longer this worker's. */
    public boolean fail(UUID id, String worker, String error) {
        return jdbc.update("""
                UPDATE jobs SET state = 'failed', attempts = attempts + 1, error = ?, locked_by = NULL, lease_until = NULL,
                                payload = '{}'::jsonb, finished_at = now(), updated_at = now()
                WHERE id = ? AND locked_by = ?
                """, error, id, worker) == 1;
    }

    private static String interval(Duration duration) {
        return duration.toMillis() + " milliseconds";
    }

    private static Job map(ResultSet row) throws SQLException {
        return new Job(
                row.getObject("id", UUID.class),
                row.getString("kind"),
                Optional.ofNullable(row.getObject("tenant_id", UUID.class)),
                JobState.of(row.getString("state")),
                Json.read(row.getString("payload")),
                Json.mapper().readValue(row.getString("steps"), STEPS),
                row.getInt("next_step"),
                row.getInt("attempts"),
                Optional.ofNullable(row.getString("error")),
                row.getTimestamp("created_at").toInstant(),
                row.getTimestamp("updated_at").toInstant(),
                Optional.ofNullable(row.getTimestamp("finished_at")).map(Timestamp::toInstant));
    }
}
