package io.silo.postgres.control;

import io.silo.json.Json;
import io.silo.postgres.jdbc.Handle;
import io.silo.postgres.jdbc.Jdbc;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * The moves of organizations between clusters ({@code tenant_moves}): where each database was before
 * the move, how far the move got ({@code copying, fenced, switched}, then {@code dropped} once the old
 * copies are gone, or {@code rolled-back}), what it measured. The placement itself lives in
 * {@code tenant_databases}; the switch changes both in one transaction ({@link #switchPlacement}), so each
 * database of an organization is always on exactly one cluster. A move carries the databases its
 * {@code prepare} recorded ({@link Move#databases}): all of the organization's not on the target, or
 * those of the services it names.
 *
 * <p>Thread-safe.
 */
public final class MoveStore {
    /** The services whose databases a move carries, as recorded by its {@code prepare} (parameter: the job id). */
    private static final String CARRIED =
            "(SELECT o->>'service' FROM tenant_moves m, jsonb_array_elements(m.databases) o WHERE m.job_id = ?)";

    private final Jdbc jdbc;

    public MoveStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** How far a move got; {@link #value()} is the text stored in {@code tenant_moves.state} and shown. */
    public enum State {
        /** Copying the databases to the target; writes still go to the source. */
        COPYING,
        /** Writes fenced, catching up and verifying before the switch. */
        FENCED,
        /** The placement points at the target; the old copies wait out their grace. */
        SWITCHED,
        /** Switched, and the old copies are gone. */
        DROPPED,
        /** Undone before the switch: the databases are where they were. */
        ROLLED_BACK;

        /** The lower-case form stored and shown: {@code rolled-back}. */
        public String value() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static State of(String value) {
            return valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    /** Where one database of the organization was before the move. */
    public record Origin(String service, String database, String cluster) {}

    /**
     * A move as recorded.
     *
     * @param method {@code logical} or {@code copy}, once chosen
     * @param counts rows per database and table on both sides, once verified
     * @param services the services the move carries; empty: every database not on the target
     */
    public record Move(
            UUID jobId,
            UUID tenantId,
            String slug,
            String targetCluster,
            Optional<String> method,
            State state,
            List<Origin> databases,
            Optional<JsonNode> counts,
            Optional<Instant> fencedAt,
            Optional<Long> fenceMillis,
            Optional<Instant> switchedAt,
            Optional<Instant> dropAfter,
            List<String> services) {
        public Move {
            databases = List.copyOf(databases);
            services = List.copyOf(services);
        }

        /** Whether the move carries the database of {@code service}. */
        public boolean carries(String service) {
            return services.isEmpty() || services.contains(service);
        }

        /** Before the switch: what the move did can still be undone. */
        public boolean underWay() {
            return state == State.COPYING || state == State.FENCED;
        }
    }

    /**
     * Records a move when none of the organization is under way; false when one is (the partial unique
     * index {@code tenant_moves_under_way} decides, so two administrators cannot both start one).
     */
    public boolean insert(Handle handle, UUID jobId, UUID tenantId, String slug, String target, List<String> services) {
        String[] carried = services.isEmpty() ? null : services.toArray(String[]::new);
        return handle.update("""
                INSERT INTO tenant_moves (job_id, tenant_id, slug, target_cluster, services) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING
                """, jobId, tenantId, slug, target, carried) == 1;
    }

    public Optional<Move> find(UUID jobId) {
        return jdbc.queryOne("SELECT * FROM tenant_moves WHERE job_id = ?", MoveStore::map, jobId);
    }

    /** The move of the organization under way, if any. */
    public Optional<Move> underWay(UUID tenantId) {
        return jdbc.queryOne(
                "SELECT * FROM tenant_moves WHERE tenant_id = ? AND state IN ('copying', 'fenced')",
                MoveStore::map,
                tenantId);
    }

    /** Records where the databases are and how they travel, unless recorded already (a step run again). */
    public void prepared(UUID jobId, List<Origin> databases, String method) {
        jdbc.update("""
                UPDATE tenant_moves SET databases = ?::jsonb, method = ?, updated_at = now()
                WHERE job_id = ? AND method IS NULL
                """, Json.write(databases), method, jobId);
    }

    /**
     * Fences the organization's writes: every database the move carries {@code write-fenced} (the placement's
     * NOTIFY tells every instance) and the move {@code fenced}, in one transaction. The fence's start is
     * the database's clock at that commit, which is when writers start to be refused.
     */
    public void fence(UUID jobId, UUID tenantId) {
        jdbc.useTransaction(handle -> {
            int moved = handle.update(
                    "UPDATE tenant_moves SET state = 'fenced', fenced_at = now(), updated_at = now()"
                            + " WHERE job_id = ? AND state = 'copying'",
                    jobId);
            if (moved == 1) {
                handle.update(
                        "UPDATE tenant_databases SET state = 'write-fenced', updated_at = now()"
                                + " WHERE tenant_id = ? AND state = 'ready' AND service IN " + CARRIED,
                        tenantId,
                        jobId);
            }
        });
    }

    /** Keeps the rows counted on both sides. */
    public void counted(UUID jobId, JsonNode counts) {
        jdbc.update(
                "UPDATE tenant_moves SET counts = ?::jsonb, updated_at = now() WHERE job_id = ?",
                Json.write(counts),
                jobId);
    }

    /**
     * The switch: every database the move carries to {@code target}, ready again, and the move
     * {@code switched} with the fence's length and the end of the old copies' grace, in one transaction.
     * False when the move was switched already (a step run again) or is no longer under way.
     */
    public boolean switchPlacement(UUID jobId, UUID tenantId, String target, Duration grace) {
        return jdbc.inTransaction(handle -> {
            int moved = handle.update("""
                    UPDATE tenant_moves SET state = 'switched', switched_at = now(),
                        fence_ms = (extract(epoch FROM clock_timestamp() - fenced_at) * 1000)::bigint,
                        drop_after = now() + ?::interval, updated_at = now()
                    WHERE job_id = ? AND state = 'fenced'
                    """, grace.toMillis() + " milliseconds", jobId);
            if (moved == 0) {
                return false;
            }
            handle.update(
                    "UPDATE tenant_databases SET cluster_id = ?, state = 'ready', updated_at = now()"
                            + " WHERE tenant_id = ? AND state IN ('ready', 'write-fenced') AND service IN " + CARRIED,
                    target,
                    tenantId,
                    jobId);
            return true;
        });
    }

    /**
     * Undoes a move that did not switch: its databases ready again where they are, the move {@code
     * rolled-back}. False when it was no longer under way.
     */
    public boolean rollBack(UUID jobId, UUID tenantId) {
        return jdbc.inTransaction(handle -> {
            int moved = handle.update(
                    "UPDATE tenant_moves SET state = 'rolled-back', updated_at = now()"
                            + " WHERE job_id = ? AND state IN ('copying', 'fenced')",
                    jobId);
            if (moved == 1) {
                handle.update(
                        "UPDATE tenant_databases SET state = 'ready', updated_at = now()"
                                + " WHERE tenant_id = ? AND state = 'write-fenced'",
                        tenantId);
            }
            return moved == 1;
        });
    }

    /** Records whether the rolled-back move left copies or subscriptions on its target (it was away). */
    public void leftOnTarget(UUID jobId, boolean left) {
        jdbc.update("UPDATE tenant_moves SET target_leftovers = ?, updated_at = now() WHERE job_id = ?", left, jobId);
    }

    /** Rolled-back moves that left something on their target, oldest first: housekeeping removes it. */
    public List<Move> withLeftoversOnTarget(int limit) {
        return jdbc.query("""
                SELECT * FROM tenant_moves WHERE target_leftovers AND state = 'rolled-back'
                ORDER BY updated_at LIMIT ?
                """, MoveStore::map, limit);
    }

    /**
     * Whether {@code database} on {@code cluster} is still in use, and so no leftover of a rolled-back
     * move of the tenant to drop: placed there (a later move took the copy over), the old copy of a
     * later move away from there in its grace, or the target of a move of the tenant under way.
     */
    public boolean inUse(UUID tenantId, String cluster, String database) {
        return jdbc.queryOne(
                        """
                        SELECT EXISTS (SELECT 1 FROM tenant_databases WHERE cluster_id = ? AND database_name = ?)
                            OR EXISTS (SELECT 1 FROM tenant_moves WHERE tenant_id = ? AND state = 'switched'
                                         AND databases @> jsonb_build_array(
                                                 jsonb_build_object('database', ?::text, 'cluster', ?::text)))
                            OR EXISTS (SELECT 1 FROM tenant_moves WHERE tenant_id = ?
                                         AND state IN ('copying', 'fenced') AND target_cluster = ?)
                        """,
                        row -> row.getBoolean(1),
                        cluster,
                        database,
                        tenantId,
                        database,
                        cluster,
                        tenantId,
                        cluster)
                .orElse(true);
    }

    /**
     * Moves still under way whose job ended (or is gone): a roll back that could not finish, the
     * organization maybe still fenced. Housekeeping rolls them back again.
     */
    public List<Move> abandoned(int limit) {
        return jdbc.query("""
                SELECT m.* FROM tenant_moves m LEFT JOIN jobs j ON j.id = m.job_id
                WHERE m.state IN ('copying', 'fenced')
                  AND (j.id IS NULL OR j.state IN ('succeeded', 'failed', 'cancelled'))
                ORDER BY m.updated_at LIMIT ?
                """, MoveStore::map, limit);
    }

    /**
     * The databases of moves under way, per target cluster: they land there at the switch, so a capacity
     * check counts them as if they were there already.
     */
    public Map<String, Long> databasesMovingPerTarget() {
        Map<String, Long> counts = new LinkedHashMap<>();
        jdbc.query("""
                SELECT m.target_cluster, count(*) FROM tenant_moves m
                JOIN tenant_databases d ON d.tenant_id = m.tenant_id
                WHERE m.state IN ('copying', 'fenced') AND d.state <> 'detached' AND d.cluster_id <> m.target_cluster
                  AND (m.services IS NULL OR d.service = ANY(m.services))
                GROUP BY m.target_cluster
                """, row -> counts.put(row.getString(1), row.getLong(2)));
        return counts;
    }

    /** Switched moves whose old copies' grace ended by {@code now}, oldest first. */
    public List<Move> expired(Instant now, int limit) {
        return jdbc.query(
                "SELECT * FROM tenant_moves WHERE state = 'switched' AND drop_after <= ? ORDER BY drop_after LIMIT ?",
                MoveStore::map,
                now,
                limit);
    }

    /** The old copies are gone. */
    public void dropped(UUID jobId) {
        jdbc.update(
                "UPDATE tenant_moves SET state = 'dropped', updated_at = now() WHERE job_id = ? AND state = 'switched'",
                jobId);
    }

    private static Move map(ResultSet row) throws SQLException {
        List<Origin> databases = new ArrayList<>();
        for (JsonNode node : Json.read(row.getString("databases"))) {
            databases.add(new Origin(
                    node.path("service").asString(),
                    node.path("database").asString(),
                    node.path("cluster").asString()));
        }
        return new Move(
                row.getObject("job_id", UUID.class),
                row.getObject("tenant_id", UUID.class),
                row.getString("slug"),
                row.getString("target_cluster"),
                Optional.ofNullable(row.getString("method")),
                State.of(row.getString("state")),
                databases,
                Optional.ofNullable(row.getString("counts")).map(Json::read),
                instant(row, "fenced_at"),
                Optional.ofNullable(row.getObject("fence_ms", Long.class)),
                instant(row, "switched_at"),
                instant(row, "drop_after"),
                services(row));
    }

    private static List<String> services(ResultSet row) throws SQLException {
        java.sql.Array array = row.getArray("services");
        return array == null ? List.of() : List.of((String[]) array.getArray());
    }

    private static Optional<Instant> instant(ResultSet row, String column) throws SQLException {
        return Optional.ofNullable(row.getTimestamp(column)).map(java.sql.Timestamp::toInstant);
    }
}
