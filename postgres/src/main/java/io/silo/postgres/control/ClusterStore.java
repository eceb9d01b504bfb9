package io.silo.postgres.control;

import io.silo.cluster.Cluster;
import io.silo.crypto.SecretBox;
import io.silo.json.Json;
import io.silo.postgres.jdbc.Handle;
import io.silo.postgres.jdbc.Jdbc;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import tools.jackson.core.type.TypeReference;

/**
 * The registry of clusters. Clusters named in the configuration are written here at start-up,
 * their passwords sealed, so every instance and the CLI see the same list. Whether a cluster takes
 * new tenants and its labels may change at run time ({@link #update}); placement reads this table
 * for every new organization, so a change holds on every instance from its commit.
 *
 * <p>Thread-safe.
 */
public final class ClusterStore {
    private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() {};

    private final Jdbc jdbc;
    private final SecretBox secrets;

    public ClusterStore(Jdbc jdbc, SecretBox secrets) {
        this.jdbc = jdbc;
        this.secrets = secrets;
    }

    /**
     * Inserts or updates a cluster as configured. Its status is kept, and so are its labels, and its
     * capacity and connection budget, once they were set at run time: the file seeds a cluster, it
     * does not undo an administrator's change.
     */
    public void upsert(Cluster cluster) {
        jdbc.update(
                """
                INSERT INTO clusters (id, jdbc_url, admin_user, admin_password, labels, capacity, connection_budget, is_control)
                VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET jdbc_url = excluded.jdbc_url, admin_user = excluded.admin_user,
                    admin_password = excluded.admin_password,
                    labels = CASE WHEN clusters.labels_set_at_run_time THEN clusters.labels ELSE excluded.labels END,
                    capacity = CASE WHEN clusters.limits_set_at_run_time THEN clusters.capacity ELSE excluded.capacity END,
                    connection_budget = CASE WHEN clusters.limits_set_at_run_time THEN clusters.connection_budget
                        ELSE excluded.connection_budget END, is_control = excluded.is_control, updated_at = now()
                """,
                cluster.id(),
                cluster.url(),
                cluster.user(),
                secrets.seal(cluster.password()),
                Json.write(cluster.labels()),
                cluster.capacity(),
                cluster.connectionBudget(),
                cluster.control());
    }

    /**
     * Registers a cluster at run time, its password sealed and its labels the database's from the
     * start; false when a cluster with its id exists already (nothing changed).
     */
    public boolean insert(Cluster cluster) {
        return jdbc.update(
                        """
                INSERT INTO clusters (id, jdbc_url, admin_user, admin_password, labels, capacity, connection_budget,
                    is_control, status, labels_set_at_run_time, limits_set_at_run_time)
                VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, false, ?, true, true)
                ON CONFLICT (id) DO NOTHING
                """,
                        cluster.id(),
                        cluster.url(),
                        cluster.user(),
                        secrets.seal(cluster.password()),
                        Json.write(cluster.labels()),
                        cluster.capacity(),
                        cluster.connectionBudget(),
                        cluster.status())
                == 1;
    }

    public List<Cluster> list() {
        return jdbc.query("SELECT * FROM clusters ORDER BY is_control DESC, id", this::map);
    }

    public Optional<Cluster> find(String id) {
        return jdbc.queryOne("SELECT * FROM clusters WHERE id = ?", this::map, id);
    }

    /**
     * The channel on which a cluster's removal, a change of its administrative password or of its
     * connection budget is announced, with its id: instances forget what they cached of it, take the
     * password up, or resize the budget at their next connection to it.
     */
    public static final String CHANNEL = "silo_clusters";

    /**
     * The cluster's next administrative password, staged before the server's role gets it: the one
     * staged before when a rotation was interrupted, else {@code fresh}. Empty when there is no such cluster.
     */
    public Optional<String> stagePassword(String id, String fresh) {
        return jdbc.inTransaction(handle -> handle.queryOne(
                        "SELECT admin_password_next FROM clusters WHERE id = ? FOR UPDATE",
                        row -> Optional.ofNullable(row.getString(1)),
                        id)
                .map(staged -> {
                    if (staged.isPresent()) {
                        return secrets.open(staged.get());
                    }
                    handle.update("UPDATE clusters SET admin_password_next = ? WHERE id = ?", secrets.seal(fresh), id);
                    return fresh;
                }));
    }

    /** The administrative passwords the control database holds for the cluster: the current one, then a staged one. */
    public List<String> passwords(String id) {
        return jdbc.queryOne(
                        "SELECT admin_password, admin_password_next FROM clusters WHERE id = ?",
                        row -> {
                            List<String> passwords = new java.util.ArrayList<>();
                            passwords.add(secrets.open(row.getString(1)));
                            Optional.ofNullable(row.getString(2))
                                    .map(secrets::open)
                                    .ifPresent(passwords::add);
                            return List.copyOf(passwords);
                        },
                        id)
                .orElse(List.of());
    }

    /** The clusters with a staged administrative password: a rotation under way, or one that stopped before its end. */
    public List<String> withStagedPassword() {
        return jdbc.query(
                "SELECT id FROM clusters WHERE admin_password_next IS NOT NULL ORDER BY id", row -> row.getString(1));
    }

    /**
     * Ends a rotation: under a lock on the cluster's row, so that rotations of one cluster never
     * interleave, {@code setOnServer} gets the passwords held (current, then staged) and the staged
     * one, and gives the server's role the latter; then the staged password becomes the cluster's,
     * which every instance hears of ({@link #CHANNEL}). False, and nothing done, when none is staged.
     */
    public boolean promoteStaged(String id, BiConsumer<List<String>, String> setOnServer) {
        return jdbc.inTransaction(handle -> handle.queryOne(
                        "SELECT admin_password, admin_password_next FROM clusters WHERE id = ? FOR UPDATE",
                        row -> row.getString(2) == null
                                ? Optional.<List<String>>empty()
                                : Optional.of(List.of(secrets.open(row.getString(1)), secrets.open(row.getString(2)))),
                        id)
                .flatMap(passwords -> passwords)
                .map(passwords -> {
                    setOnServer.accept(passwords, passwords.getLast());
                    handle.update("""
                            UPDATE clusters SET admin_password = admin_password_next, admin_password_next = NULL,
                                                updated_at = now()
                            WHERE id = ?
                            """, id);
                    return true;
                })
                .orElse(false));
    }

    /**
     * Changes what a platform administrator may change at run time, in one statement so that two
     * administrators changing different things both keep theirs. Empty when there is no such cluster.
     *
     * @param status {@code active} or {@code draining}; empty keeps it
     * @param labels the cluster's new labels, all of them; empty keeps them
     * @param capacity the most tenant databases placed there; empty keeps it
     * @param connectionBudget the most connections each instance opens to it; empty keeps it (a
     *     change is announced on {@link #CHANNEL}, by a trigger, so that every instance takes it up)
     */
    public Optional<Cluster> update(
            String id,
            Optional<String> status,
            Optional<Map<String, String>> labels,
            Optional<Integer> capacity,
            Optional<Integer> connectionBudget) {
        return jdbc.queryOne(
                """
                UPDATE clusters SET status = coalesce(?::text, status), labels = coalesce(?::jsonb, labels),
                    labels_set_at_run_time = labels_set_at_run_time OR ?,
                    capacity = coalesce(?::int, capacity), connection_budget = coalesce(?::int, connection_budget),
                    limits_set_at_run_time = limits_set_at_run_time OR ?, updated_at = now()
                WHERE id = ?
                RETURNING *
                """,
                this::map,
                status.orElse(null),
                labels.map(Json::write).orElse(null),
                labels.isPresent(),
                capacity.orElse(null),
                connectionBudget.orElse(null),
                capacity.isPresent() || connectionBudget.isPresent(),
                id);
    }

    /**
     * How many tenant databases keep a cluster: those placed there (any state, a removed service's
     * included), the old copies of organizations that moved away in their grace, and every database
     * of a move under way to it.
     */
    public long databasesOn(String id) {
        return jdbc.queryOne("""
                        SELECT (SELECT count(*) FROM tenant_databases WHERE cluster_id = ?)
                             + (SELECT count(*) FROM tenant_moves m, jsonb_array_elements(m.databases) d
                                WHERE m.state = 'switched' AND d->>'cluster' = ?)
                             + (SELECT count(*) FROM tenant_moves WHERE state IN ('copying', 'fenced') AND target_cluster = ?)
                        """, row -> row.getLong(1), id, id, id).orElse(0L);
    }

    /**
     * The capacity check made a reservation: locks the rows of the clusters {@code ids} until
     * {@code handle}'s transaction ends (in id order, so that two reservations cannot deadlock), then
     * counts what each holds now: the databases placed there and those of moves under way to it. A
     * second placement or move on one of these clusters waits for this transaction and then counts
     * what it recorded, so that two started in the same instant cannot both take the last room.
     *
     * @return the room of each of {@code ids} that exists, counted under its lock
     */
    public Map<String, Room> lockForPlacement(Handle handle, Collection<String> ids) {
        String[] sorted = ids.stream().distinct().sorted().toArray(String[]::new);
        handle.query("SELECT id FROM clusters WHERE id = ANY(?) ORDER BY id FOR UPDATE", row -> 1, (Object) sorted);
        Map<String, Room> rooms = new LinkedHashMap<>();
        handle.query("""
                SELECT c.id, c.capacity,
                       (SELECT count(*) FROM tenant_databases d WHERE d.cluster_id = c.id)
                     + (SELECT count(*) FROM tenant_moves m JOIN tenant_databases d ON d.tenant_id = m.tenant_id
                        WHERE m.state IN ('copying', 'fenced') AND m.target_cluster = c.id
                          AND d.state <> 'detached' AND d.cluster_id <> m.target_cluster
                          AND (m.services IS NULL OR d.service = ANY(m.services)))
                FROM clusters c WHERE c.id = ANY(?) ORDER BY c.id
                """, row -> rooms.put(row.getString(1), new Room(row.getInt(2), row.getLong(3))), (Object) sorted);
        return rooms;
    }

    /** A cluster's capacity and the tenant databases it holds or is promised. */
    public record Room(int capacity, long databases) {
        /** Whether {@code more} databases fit besides those counted. */
        public boolean fits(long more) {
            return databases + more <= capacity;
        }
    }

    /**
     * Removes a cluster that holds no tenant database, not the control database's, and tells every
     * instance (NOTIFY {@value #CHANNEL}) in the same transaction. False when nothing was removed: a
     * database placed there meanwhile (the foreign key of {@code tenant_databases}) or no such cluster.
     */
    public boolean remove(String id) {
        try {
            return jdbc.inTransaction(handle -> {
                if (handle.update("DELETE FROM clusters WHERE id = ? AND NOT is_control", id) == 0) {
                    return false;
                }
                handle.queryOne("SELECT pg_notify(?, ?)", row -> 1, CHANNEL, id);
                return true;
            });
        } catch (io.silo.postgres.jdbc.DataAccessException e) {
            if ("23503".equals(e.sqlState().orElse(""))) {
                return false; // a tenant database was placed there meanwhile
            }
            throw e;
        }
    }

    private Cluster map(ResultSet row) throws SQLException {
        return new Cluster(
                row.getString("id"),
                row.getString("jdbc_url"),
                row.getString("admin_user"),
                secrets.open(row.getString("admin_password")),
                Json.mapper().readValue(row.getString("labels"), LABELS),
                row.getInt("capacity"),
                row.getInt("connection_budget"),
                row.getBoolean("is_control"),
                row.getString("status"));
    }
}
