package io.silo.postgres.control;

import io.silo.json.Json;
import io.silo.postgres.jdbc.Jdbc;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * What the steps of an import job found ({@code import_job_steps}) and, once it ended, its report
 * ({@code import_reports}). A step that runs again after a crash replaces its own row, so a resumed
 * job's report counts each step once; the step rows are deleted when the report is written.
 *
 * <p>Thread-safe.
 */
public final class ImportJobStore {
    private final Jdbc jdbc;

    public ImportJobStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Records (or replaces) what step {@code index} of the job found. */
    public void step(UUID jobId, int index, String step, JsonNode outcome) {
        jdbc.update("""
                INSERT INTO import_job_steps (job_id, step_index, step, outcome) VALUES (?, ?, ?, ?::jsonb)
                ON CONFLICT (job_id, step_index) DO UPDATE SET step = excluded.step, outcome = excluded.outcome,
                    recorded_at = now()
                """, jobId, index, step, Json.write(outcome));
    }

    /** What the recorded steps before {@code index} found, in the plan's order. */
    public List<JsonNode> stepsBefore(UUID jobId, int index) {
        return jdbc.query(
                "SELECT outcome FROM import_job_steps WHERE job_id = ? AND step_index < ? ORDER BY step_index",
                row -> Json.read(row.getString(1)),
                jobId,
                index);
    }

    /** Keeps the job's report, and drops its steps' rows: one transaction. */
    public void finish(UUID jobId, String source, boolean complete, JsonNode report) {
        jdbc.useTransaction(handle -> {
            handle.update("""
                    INSERT INTO import_reports (job_id, source, complete, report) VALUES (?, ?, ?, ?::jsonb)
                    ON CONFLICT (job_id) DO UPDATE SET complete = excluded.complete, report = excluded.report,
                        finished_at = now()
                    """, jobId, source, complete, Json.write(report));
            handle.update("DELETE FROM import_job_steps WHERE job_id = ?", jobId);
        });
    }

    /** The report of an import job that ended, if the job is one. */
    public Optional<JsonNode> report(UUID jobId) {
        return jdbc.queryOne(
                "SELECT report FROM import_reports WHERE job_id = ?", row -> Json.read(row.getString(1)), jobId);
    }

    /** Drops the steps' rows of a job that ended without a report (failed or cancelled). */
    public void forget(UUID jobId) {
        jdbc.update("DELETE FROM import_job_steps WHERE job_id = ?", jobId);
    }
}
