package io.silo.postgres.control;

import io.silo.json.Json;
import io.silo.postgres.jdbc.Handle;
import io.silo.postgres.jdbc.Jdbc;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a rollout reads and writes in the control database: the databases of a service below a
 * version, the version each one reached ({@code tenant_databases.schema_version}), and what each
 * rollout job did to each database ({@code rollouts}, {@code rollout_databases}), which outlives
 * the job's own progress.
 *
 * <p>Thread-safe.
 */
public final class RolloutStore {
    /** The failures a summary lists in full; the count covers all. */
    private static final int MAX_FAILURES_LISTED = 100;

    private final Jdbc jdbc;

    public RolloutStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** One tenant database a rollout may move. */
    public record Target(UUID tenantId, String slug, String clusterId, String database, int schemaVersion) {}

    /** Done and failed databases of a rollout so far, and how many it plans in all. */
    public record Counts(int done, int failed, int total) {}

    /**
     * The ready databases of {@code service} below {@code version} (and those a crashed rollout left
     * write-fenced), of every tenant that is not being deleted, or of {@code tenants} only when that
     * is not empty; ordered by tenant slug.
     */
    public List<Target> behind(String service, int version, Collection<UUID> tenants) {
        return jdbc.query(
                "SELECT d.tenant_id, t.slug, d.cluster_id, d.database_name, d.schema_version"
                        + " FROM tenant_databases d JOIN tenants t ON t.id = d.tenant_id"
                        + " WHERE d.service = ? AND d.state IN ('ready', 'write-fenced') AND d.schema_version < ?"
                        + " AND t.status IN ('active', 'suspended')"
                        + " AND (cardinality(?::uuid[]) = 0 OR d.tenant_id = ANY (?::uuid[]))"
                        + " ORDER BY t.slug",
                row -> new Target(
                        row.getObject(1, UUID.class),
                        row.getString(2),
                        row.getString(3),
                        row.getString(4),
                        row.getInt(5)),
                service,
                version,
                tenants.toArray(UUID[]::new),
                tenants.toArray(UUID[]::new));
    }

    /**
     * Records the version a database reached, never moving it back, and lifts a write fence in the
     * same change: every instance learns both at once (the placement's notification).
     */
    public void reached(UUID tenantId, String service, int version) {
        jdbc.useTransaction(handle -> reached(handle, service, new UUID[] {tenantId}, new Integer[] {version}));
    }

    /** {@link #reached} for each tenant's database of {@code service} and the version at the same index. */
    private static void reached(Handle handle, String service, UUID[] tenantIds, Integer[] versions) {
        handle.update(
                "UPDATE tenant_databases d SET schema_version = greatest(d.schema_version, r.version),"
                        + " state = CASE WHEN d.state = 'write-fenced' THEN 'ready' ELSE d.state END,"
                        + " updated_at = now()"
                        + " FROM unnest(?::uuid[], ?::int[]) AS r (tenant_id, version)"
                        + " WHERE d.tenant_id = r.tenant_id AND d.service = ?"
                        + " AND (d.schema_version < r.version OR d.state = 'write-fenced')",
                tenantIds,
                versions,
                service);
    }

    /**
     * Fences a ready database's writes: every instance refuses them (503 {@code database-fenced},
     * {@code Retry-After}) once the placement's notification reaches it; reads go on.
     */
    public void fence(UUID tenantId, String service) {
        jdbc.update(
                "UPDATE tenant_databases SET state = 'write-fenced', updated_at = now()"
                        + " WHERE tenant_id = ? AND service = ? AND state = 'ready'",
                tenantId,
                service);
    }

    /** Records a new rollout job's plan: {@code total} databases. Call after the job row exists. */
    public void begin(UUID jobId, String service, int version, int total) {
        jdbc.update(
                "INSERT INTO rollouts (job_id, service, version, total) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                jobId,
                service,
                version,
                total);
    }

    /**
     * Those of {@code targets} whose database is still where the rollout found it: an organization
     * moved to another cluster since (its old copy kept for a while) must not have that copy migrated
     * and its version recorded for the new one. One query for a slice of a rollout: asked once its
     * tenants' leases are held, the answer holds while they are, as a move holds its tenant's lease.
     */
    public Set<Target> stillPlaced(List<Target> targets, String service) {
        if (targets.isEmpty()) {
            return Set.of();
        }
        Set<String> placed = new HashSet<>(jdbc.query(
                "SELECT d.tenant_id::text || ' ' || d.cluster_id || ' ' || d.database_name FROM tenant_databases d"
                        + " JOIN unnest(?::uuid[], ?::text[], ?::text[]) AS t (tenant_id, cluster_id, database_name)"
                        + " ON d.tenant_id = t.tenant_id AND d.cluster_id = t.cluster_id"
                        + " AND d.database_name = t.database_name"
                        + " WHERE d.service = ?",
                row -> row.getString(1),
                targets.stream().map(Target::tenantId).toArray(UUID[]::new),
                targets.stream().map(Target::clusterId).toArray(String[]::new),
                targets.stream().map(Target::database).toArray(String[]::new),
                service));
        return targets.stream()
                .filter(target ->
                        placed.contains(target.tenantId() + " " + target.clusterId() + " " + target.database()))
                .collect(Collectors.toUnmodifiableSet());
    }

    /**
     * One database's end in a rollout: the version it reached when the control plane does not know
     * it yet, why it stays behind ({@code failure} empty: it is done), and how long its writes were
     * fenced if they were.
     *
     * @param migrated whether the rollout ran the database's migration under its tenant's lease: only
     *     then is a write fence it finds up its own to lift (a database it left alone, its lease
     *     taken by a move, keeps the move's fence)
     */
    public record End(
            Target target, boolean migrated, OptionalInt reached, Optional<String> failure, Optional<Duration> fence) {
        /** A database the rollout did not touch, and why. */
        public static End untouched(Target target, String reason) {
            return new End(target, false, OptionalInt.empty(), Optional.of(reason), Optional.empty());
        }
    }

    /**
     * Ends databases' parts in a rollout in one transaction: the versions they reached, their
     * outcomes, the write fences their failed steps left lifted, and {@code alsoInTransaction} (their
     * tenants' leases given back). A rollout records its databases' ends a few at a time, off the
     * path of the databases that migrate.
     *
     * <p>The commit does not wait for the disk: the job's step, recorded when its slice of databases
     * ends, does, and flushes these with it. A crash before that loses at most these ends together
     * with the step, which then runs again and records them again (the databases found migrated); the
     * version a lost end recorded leaves the control plane behind the database, never ahead of it.
     */
    public void finish(UUID jobId, String service, List<End> ends, Jdbc.HandleConsumer alsoInTransaction) {
        jdbc.useTransaction(handle -> {
            handle.execute("SET LOCAL synchronous_commit = off");
            List<End> reached =
                    ends.stream().filter(end -> end.reached().isPresent()).toList();
            if (!reached.isEmpty()) {
                reached(
                        handle,
                        service,
                        reached.stream().map(end -> end.target().tenantId()).toArray(UUID[]::new),
                        reached.stream().map(end -> end.reached().getAsInt()).toArray(Integer[]::new));
            }
            UUID[] failed = ends.stream()
                    .filter(end -> end.migrated() && end.failure().isPresent())
                    .map(end -> end.target().tenantId())
                    .toArray(UUID[]::new);
            if (failed.length > 0) {
                handle.update(
                        "UPDATE tenant_databases SET state = 'ready', updated_at = now()"
                                + " WHERE tenant_id = ANY (?::uuid[]) AND service = ? AND state = 'write-fenced'",
                        failed,
                        service);
            }
            handle.update(
                    """
                    INSERT INTO rollout_databases (job_id, database_name, tenant_id, slug, from_version, status, reason, fence_ms)
                    SELECT ?, * FROM unnest(?::text[], ?::uuid[], ?::text[], ?::int[], ?::text[], ?::text[], ?::bigint[])
                    ON CONFLICT (job_id, database_name)
                    DO UPDATE SET status = excluded.status, reason = excluded.reason,
                        fence_ms = coalesce(excluded.fence_ms, rollout_databases.fence_ms), updated_at = now()
                    """,
                    jobId,
                    ends.stream().map(end -> end.target().database()).toArray(String[]::new),
                    ends.stream().map(end -> end.target().tenantId()).toArray(UUID[]::new),
                    ends.stream().map(end -> end.target().slug()).toArray(String[]::new),
                    ends.stream().map(end -> end.target().schemaVersion()).toArray(Integer[]::new),
                    ends.stream()
                            .map(end -> end.failure().isEmpty() ? "done" : "failed")
                            .toArray(String[]::new),
                    ends.stream().map(end -> end.failure().orElse(null)).toArray(String[]::new),
                    ends.stream()
                            .map(end -> end.fence().map(Duration::toMillis).orElse(null))
                            .toArray(Long[]::new));
            alsoInTransaction.accept(handle);
        });
    }

    public Counts counts(UUID jobId) {
        return jdbc.queryOne(
                        "SELECT r.total, count(d.*) FILTER (WHERE d.status = 'done'),"
                                + " count(d.*) FILTER (WHERE d.status = 'failed')"
                                + " FROM rollouts r LEFT JOIN rollout_databases d ON d.job_id = r.job_id"
                                + " WHERE r.job_id = ? GROUP BY r.total",
                        row -> new Counts(row.getInt(2), row.getInt(3), row.getInt(1)),
                        jobId)
                .orElse(new Counts(0, 0, 0));
    }

    /**
     * A rollout's summary: {@code {total, done, failed, remaining, failures: [{tenant, database,
     * fromVersion, reason}], longestFence: {tenant, database, ms}}} ({@code longestFence} only when
     * some database's writes were fenced); empty for a job that is no rollout.
     */
    public Optional<JsonNode> summary(UUID jobId) {
        Counts counts = counts(jobId);
        boolean exists = jdbc.queryOne("SELECT 1 FROM rollouts WHERE job_id = ?", row -> 1, jobId)
                .isPresent();
        if (!exists) {
            return Optional.empty();
        }
        ObjectNode node = Json.object();
        node.put("total", counts.total())
                .put("done", counts.done())
                .put("failed", counts.failed())
                .put("remaining", Math.max(0, counts.total() - counts.done() - counts.failed()));
        var failures = node.putArray("failures");
        jdbc.query(
                "SELECT slug, database_name, from_version, reason FROM rollout_databases"
                        + " WHERE job_id = ? AND status = 'failed' ORDER BY slug LIMIT " + MAX_FAILURES_LISTED,
                row -> failures.addObject()
                        .put("tenant", row.getString(1))
                        .put("database", row.getString(2))
                        .put("fromVersion", row.getInt(3))
                        .put("reason", row.getString(4)),
                jobId);
        jdbc.queryOne(
                "SELECT slug, database_name, fence_ms FROM rollout_databases"
                        + " WHERE job_id = ? AND fence_ms IS NOT NULL ORDER BY fence_ms DESC, slug LIMIT 1",
                row -> node.putObject("longestFence")
                        .put("tenant", row.getString(1))
                        .put("database", row.getString(2))
                        .put("ms", row.getLong(3)),
                jobId);
        return Optional.of(node);
    }
}
