package io.silo.postgres.job;

import io.silo.job.Job;
import io.silo.job.JobProgress;
import io.silo.job.JobState;
import io.silo.job.StepProgress;
import io.silo.json.Json;
import io.silo.postgres.jdbc.Cursors;
import io.silo.postgres.jdbc.Handle;
import io.silo.postgres.jdbc.Jdbc;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;

/**
 * Jobs in the control database. A runner claims a job with a lease (database time, so every
 * instance agrees); it records each finished step and renews the lease while it works. A job
 * whose lease lapsed is claimable again: that is how a crashed runner's job resumes. Handlers report
 * progress inside a step and look for cancellation through it ({@link JobProgress}).
 *
 * <p>Thread-safe.
 */
public final class JobStore implements JobProgress {
    private static final TypeReference<List<String>> STEPS = new TypeReference<>() {};

    private final Jdbc jdbc;

    public JobStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * What a finished job keeps of its payload: the id of the cluster it worked on, so that a list
     * names the cluster a drain emptied; nothing else (a payload may hold a file's path or a hash).
     */
    private static final String FINISHED_PAYLOAD =
            "jsonb_strip_nulls(jsonb_build_object('cluster', payload->'cluster'))";

    /** The channel the control database notifies on when a job is recorded; the payload is its id. */
    public static final String CHANNEL = "silo_jobs";

    /**
     * Records a new job inside the caller's transaction, so it commits with the change it completes.
     * Background workers leave it alone for {@code grace}: the creating request runs it at once
     * ({@link JobRunner#runNow}), and only if that process dies does another one take over.
     */
    public void create(Handle handle, Job job, Duration grace) {
        // heard by every instance's idle workers once the transaction commits (JobSignal)
        handle.queryOne("SELECT pg_notify(?, ?)", row -> 1, CHANNEL, job.id().toString());
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

    /** What a listing asks for: each filter optional, newest first, after {@code after} when given. */
    public record Filter(Optional<String> kind, Optional<JobState> state, Optional<UUID> tenantId) {}

    /** A page of jobs and, when more follow, the cursor of the next page. */
    public record Page(List<Job> items, Optional<String> nextCursor) {}

    /** Jobs newest first, by {@code (created_at, id)}; {@code cursor} is a previous page's {@code nextCursor}. */
    public Page page(Filter filter, Optional<String> cursor, int limit) {
        Optional<Cursors.Created> after = cursor.map(Cursors.Created::decode);
        // one more than a page: a next page exists only when that one does, so the last page is never empty
        List<Job> rows = jdbc.query(
                """
                SELECT * FROM jobs
                WHERE (?::text IS NULL OR kind = ?::text) AND (?::text IS NULL OR state = ?::text)
                  AND (?::uuid IS NULL OR tenant_id = ?::uuid)
                  AND (?::timestamptz IS NULL OR (created_at, id) < (?::timestamptz, ?::uuid))
                ORDER BY created_at DESC, id DESC LIMIT ?
                """,
                JobStore::map,
                filter.kind(),
                filter.kind(),
                filter.state().map(JobState::value),
                filter.state().map(JobState::value),
                filter.tenantId(),
                filter.tenantId(),
                after.map(Cursors.Created::createdAt),
                after.map(Cursors.Created::createdAt),
                after.map(Cursors.Created::id),
                limit + 1);
        List<Job> items = rows.subList(0, Math.min(limit, rows.size()));
        Optional<String> next = rows.size() > limit
                ? Optional.of(new Cursors.Created(
                                items.getLast().createdAt(), items.getLast().id())
                        .encode())
                : Optional.empty();
        return new Page(List.copyOf(items), next);
    }

    /**
     * Asks a job to stop. One not under way now (pending, waiting for a retry, or its runner's lease
     * lapsed) is cancelled at once and returned as such; a running one is marked and stops at its
     * next step boundary. Empty when the job does not exist or has already finished.
     */
    public Optional<Job> requestCancel(UUID id) {
        return jdbc.queryOne("""
                UPDATE jobs SET cancel_requested = true, updated_at = now(),
                    state = CASE WHEN locked_by IS NULL OR lease_until < now() THEN 'cancelled' ELSE state END,
                    finished_at = CASE WHEN locked_by IS NULL OR lease_until < now() THEN now() END,
                    payload = CASE WHEN locked_by IS NULL OR lease_until < now() THEN %s ELSE payload END,
                    locked_by = CASE WHEN locked_by IS NULL OR lease_until < now() THEN NULL ELSE locked_by END,
                    lease_until = CASE WHEN locked_by IS NULL OR lease_until < now() THEN NULL ELSE lease_until END
                WHERE id = ? AND state IN ('pending', 'running')
                RETURNING *
                """.formatted(FINISHED_PAYLOAD), JobStore::map, id);
    }

    /** Ends the job as cancelled at a step boundary when cancellation was asked for; false otherwise. */
    public boolean cancelIfRequested(UUID id, String worker) {
        return jdbc.update("""
                UPDATE jobs SET state = 'cancelled', locked_by = NULL, lease_until = NULL, progress = NULL,
                                payload = %s, finished_at = now(), updated_at = now()
                WHERE id = ? AND locked_by = ? AND cancel_requested
                """.formatted(FINISHED_PAYLOAD), id, worker) == 1;
    }

    /**
     * Puts a claimed job back without counting an attempt, to be claimed again after {@code delay}:
     * the tenant it would change is leased to another job.
     */
    public void waitForTenant(UUID id, String worker, String reason, Duration delay) {
        jdbc.update("""
                UPDATE jobs SET state = 'pending', error = ?, locked_by = NULL, lease_until = NULL, run_after = now() + ?::interval,
                                updated_at = now()
                WHERE id = ? AND locked_by = ?
                """, reason, interval(delay), id, worker);
    }

    @Override
    public void report(UUID jobId, long done, long failed, long total) {
        jdbc.update("""
                UPDATE jobs SET progress = jsonb_build_object(
                        'done', ?::bigint, 'failed', ?::bigint, 'total', ?::bigint, 'at', now(),
                        'firstAt', coalesce(progress->'firstAt', to_jsonb(now())),
                        'firstProcessed', coalesce(progress->'firstProcessed', to_jsonb(?::bigint)))
                WHERE id = ? AND state = 'running'
                """, done, failed, total, done + failed, jobId);
    }

    @Override
    public boolean cancelRequested(UUID jobId) {
        return jdbc.queryOne("SELECT cancel_requested FROM jobs WHERE id = ?", row -> row.getBoolean(1), jobId)
                .orElse(false);
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
                UPDATE jobs SET next_step = ?, attempts = 0, error = NULL, progress = NULL, lease_until = now() + ?::interval, updated_at = now()
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
                UPDATE jobs SET state = 'succeeded', error = NULL, progress = NULL, locked_by = NULL, lease_until = NULL,
                                payload = %s, finished_at = now(), updated_at = now()
                WHERE id = ? AND locked_by = ?
                """.formatted(FINISHED_PAYLOAD), id, worker) == 1;
    }

    /** Marks the job failed for good; false when the lease was no longer this worker's. */
    public boolean fail(UUID id, String worker, String error) {
        return jdbc.update("""
                UPDATE jobs SET state = 'failed', attempts = attempts + 1, error = ?, progress = NULL, locked_by = NULL, lease_until = NULL,
                                payload = %s, finished_at = now(), updated_at = now()
                WHERE id = ? AND locked_by = ?
                """.formatted(FINISHED_PAYLOAD), error, id, worker) == 1;
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
                Optional.ofNullable(row.getTimestamp("finished_at")).map(Timestamp::toInstant),
                Optional.ofNullable(row.getString("progress")).map(text -> progress(Json.read(text))),
                row.getBoolean("cancel_requested"));
    }

    private static StepProgress progress(JsonNode node) {
        return new StepProgress(
                node.path("done").asLong(),
                node.path("failed").asLong(),
                node.path("total").asLong(),
                instant(node.path("at")),
                instant(node.path("firstAt")),
                node.path("firstProcessed").asLong());
    }

    /** A timestamptz as to_jsonb writes it: ISO-8601 with an offset. */
    private static Instant instant(JsonNode node) {
        return java.time.OffsetDateTime.parse(node.asString()).toInstant();
    }
}
