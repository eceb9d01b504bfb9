package io.silo.postgres.move;

import io.silo.cluster.Cluster;
import io.silo.postgres.cluster.ClusterAdmin;
import io.silo.postgres.jdbc.DataAccessException;
import io.silo.postgres.jdbc.Handle;
import io.silo.postgres.jdbc.Identifiers;
import io.silo.postgres.jdbc.JdbcUrls;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;

/**
 * PostgreSQL's logical replication of one tenant database from its cluster to another, as a move
 * uses it: a publication of every table on the source database, a subscription on the target
 * database that copies the rows there and then streams every change, and the replication slot the
 * subscription holds on the source server. Names derive from the move's job id, so a step run
 * again after a crash finds what it made, and nothing is made twice.
 *
 * <p>The subscription connects from the target server to the source server with the source
 * cluster's administrative credentials (that role needs {@code REPLICATION} or superuser; {@code
 * docs/operations.md}): they are kept in the target's catalog only while the subscription exists,
 * and no statement that carries them is ever logged by Silo.
 *
 * <p>Thread-safe: stateless but for its two administrators.
 */
final class Replication {
    /** How many errors of a subscription mean it will not recover by PostgreSQL's own retries. */
    private static final int PERSISTENT_ERRORS = 3;

    private final ClusterAdmin source;
    private final ClusterAdmin target;
    private final String database;
    private final String publication;
    private final String subscription;

    /** @param index the database's position in the move, so that each has a slot of its own */
    Replication(ClusterAdmin source, ClusterAdmin target, String database, UUID jobId, int index) {
        this.source = source;
        this.target = target;
        this.database = database;
        String hex = jobId.toString().replace("-", "");
        this.publication = "silo_move_" + hex;
        this.subscription = "silo_move_" + hex + "_" + index;
    }

    /** The source server's {@code wal_level}: {@code logical} is needed. */
    static String walLevel(ClusterAdmin cluster) {
        return cluster.inDatabase(
                JdbcUrls.database(cluster.cluster().url()),
                handle -> handle.queryOne("SHOW wal_level", row -> row.getString(1))
                        .orElse("unknown"));
    }

    /** Publishes every table of the source database, unless it is published already. */
    void publish() {
        source.inDatabase(database, handle -> {
            if (handle.queryOne("SELECT 1 FROM pg_publication WHERE pubname = ?", row -> 1, publication)
                    .isEmpty()) {
                handle.execute("CREATE PUBLICATION " + Identifiers.quote(publication) + " FOR ALL TABLES");
            }
            return null;
        });
    }

    /** Subscribes the target database to the publication, its rows copied first, unless it is subscribed already. */
    void subscribe() {
        try (Connection connection = target.connect(database)) {
            Handle handle = new Handle(connection);
            if (handle.queryOne("SELECT 1 FROM pg_subscription WHERE subname = ?", row -> 1, subscription)
                    .isPresent()) {
                return;
            }
            String create = "CREATE SUBSCRIPTION " + Identifiers.quote(subscription) + " CONNECTION "
                    + Identifiers.literal(conninfo(source.cluster(), database)) + " PUBLICATION "
                    + Identifiers.quote(publication)
                    + " WITH (copy_data = true, create_slot = true, slot_name = " + Identifiers.literal(subscription)
                    // each applied change flushed at once, so the source hears promptly how far the copy is:
                    // the catch-up under the fence waits for that, not for the WAL writer's next round
                    + ", synchronous_commit = 'on')";
            try (var statement = connection.createStatement()) {
                statement.execute(create);
            } catch (SQLException e) {
                // the message names the statement without the credentials it carries
                throw new DataAccessException(
                        "CREATE SUBSCRIPTION " + subscription + " CONNECTION '…' (database " + database + ")", e);
            }
        } catch (SQLException e) {
            throw new DataAccessException(
                    "(connect to " + database + " on cluster "
                            + target.cluster().id() + ")",
                    e);
        }
    }

    /**
     * Whether every table finished its first copy and streams changes; throws when the subscription
     * keeps reporting errors (the target server's log has them).
     */
    boolean synced() {
        return target.inDatabase(database, handle -> {
            long errors =
                    handle.queryOne("""
                            SELECT coalesce(sum(s.apply_error_count + s.sync_error_count), 0)
                            FROM pg_stat_subscription_stats s WHERE s.subname = ?
                            """, row -> row.getLong(1), subscription).orElse(0L);
            // PostgreSQL retries a failed table sync or apply on its own (wal_retrieve_retry_interval, 5 s): one
            // error on a loaded server passes; errors that keep coming are a problem that will not (a mismatch)
            if (errors >= PERSISTENT_ERRORS) {
                throw new IllegalStateException("the subscription " + subscription + " of database " + database
                        + " on cluster " + target.cluster().id() + " reported " + errors
                        + " errors; see that server's log");
            }
            return handle.queryOne("""
                            SELECT count(*) > 0 AND count(*) FILTER (WHERE r.srsubstate <> 'r') = 0
                            FROM pg_subscription_rel r JOIN pg_subscription s ON s.oid = r.srsubid
                            WHERE s.subname = ?
                            """, row -> row.getBoolean(1), subscription).orElse(false);
        });
    }

    /*
     * Under the write fence a move's catch-up holds one connection to each side's database and
     * passes it here: a new administrative connection per poll cost tens of milliseconds each on a
     * loaded server, all of them inside the fence.
     */

    /** Whether the subscription exists and streams (it is stopped once the copy caught up); {@code copy} is the target database's. */
    boolean streaming(Handle copy) {
        return copy.queryOne(
                        "SELECT subenabled FROM pg_subscription WHERE subname = ?",
                        row -> row.getBoolean(1),
                        subscription)
                .orElse(false);
    }

    /** Stops the subscription's apply worker; the subscription stays until {@link #dropAll}. */
    void stop(Handle copy) {
        copy.execute("ALTER SUBSCRIPTION " + Identifiers.quote(subscription) + " DISABLE");
    }

    /**
     * How far the source server's write-ahead log is flushed now. Under the fence that is past every
     * write to the database: the fence's transaction waited for the writes under way and committed
     * synchronously, flushing every commit record before its own, asynchronous ones too (the write
     * position, read before that commit existed, once stopped a catch-up 19 rows short). Not the
     * insert position: at a page boundary it points past the next page's header, which no record
     * fills until more is written.
     */
    String sourcePosition(Handle original) {
        return original.queryOne("SELECT pg_current_wal_flush_lsn()::text", row -> row.getString(1))
                .orElseThrow();
    }

    /** Whether the target confirmed every change up to {@code position} of the source's log. */
    boolean caughtUp(Handle original, String position) {
        return original.queryOne(
                        "SELECT confirmed_flush_lsn >= ?::pg_lsn FROM pg_replication_slots WHERE slot_name = ?",
                        row -> row.getBoolean(1),
                        position,
                        subscription)
                .orElse(false);
    }

    /**
     * Drops the subscription, its slot and the publication, whatever of them exists: the
     * subscription is detached from its slot first, so that dropping it needs no connection to the
     * source, and the slot is dropped on the source, its sender ended if it still runs.
     */
    void dropAll() {
        dropSubscription();
        dropOnSource();
    }

    /** Drops the subscription on the target, detached from its slot first so that no connection to the source is needed. */
    void dropSubscription() {
        if (target.databaseExists(database)) {
            try (Connection connection = target.connect(database)) {
                Handle handle = new Handle(connection);
                if (handle.queryOne("SELECT 1 FROM pg_subscription WHERE subname = ?", row -> 1, subscription)
                        .isPresent()) {
                    String name = Identifiers.quote(subscription);
                    handle.execute("ALTER SUBSCRIPTION " + name + " DISABLE");
                    handle.execute("ALTER SUBSCRIPTION " + name + " SET (slot_name = NONE)");
                    handle.execute("DROP SUBSCRIPTION " + name);
                }
            } catch (SQLException e) {
                throw new DataAccessException(
                        "(connect to " + database + " on cluster "
                                + target.cluster().id() + ")",
                        e);
            }
        }
    }

    /** Drops the slot and the publication on the source: what a move left there without the target's help. */
    void dropOnSource() {
        dropSlot();
        if (source.databaseExists(database)) {
            source.inDatabase(database, handle -> {
                handle.execute("DROP PUBLICATION IF EXISTS " + Identifiers.quote(publication));
                return null;
            });
        }
    }

    private void dropSlot() {
        source.inDatabase(JdbcUrls.database(source.cluster().url()), handle -> {
            Optional<Integer> sender = handle.queryOne(
                    "SELECT coalesce(active_pid, 0) FROM pg_replication_slots WHERE slot_name = ?",
                    row -> row.getInt(1),
                    subscription);
            if (sender.isEmpty()) {
                return null;
            }
            if (sender.get() != 0) {
                handle.queryOne("SELECT pg_terminate_backend(?, 5000)", row -> row.getBoolean(1), sender.get());
            }
            handle.queryOne("SELECT pg_drop_replication_slot(?)", row -> 1, subscription);
            return null;
        });
    }

    /** A libpq connection string to {@code database} of {@code cluster}, as its administrator. */
    static String conninfo(Cluster cluster, String database) {
        URI uri = URI.create(cluster.url().substring("jdbc:".length()));
        String host = uri.getHost() == null ? "localhost" : uri.getHost();
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        return "host=" + value(host) + " port=" + port + " dbname=" + value(database) + " user=" + value(cluster.user())
                + " password=" + value(cluster.password());
    }

    private static String value(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
