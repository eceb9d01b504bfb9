package io.silo.bench.load;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * The fair baseline for many tenants: each request picks its tenant by the same Zipf distribution
 * as the routed load and takes a connection to that tenant's database from a {@link ConnectionLru}
 * with Silo's budget. A read is a server-prepared {@code SELECT doc … WHERE id = $1} in auto-commit;
 * an insert is what Silo's insert does in the database, by hand: the document and its activity row
 * in one transaction. No HTTP, no token, no routing, no JSON.
 *
 * <p>Not thread-safe: one per driver thread; the connections are shared.
 */
public final class RawJdbcClient implements Client {
    /** What each request does. */
    public enum Kind {
        READ,
        INSERT
    }

    /** A connection and its statements, prepared once. */
    public record Prepared(
            Connection connection, PreparedStatement read, PreparedStatement insert, PreparedStatement activity)
            implements ConnectionLru.Held {

        /** Prepares the statements on {@code connection} for {@code collection}. */
        public static Prepared on(Connection connection, String collection) throws SQLException {
            return new Prepared(
                    connection,
                    connection.prepareStatement("SELECT doc FROM " + collection + " WHERE id = ?"),
                    connection.prepareStatement("INSERT INTO " + collection
                            + " (id, doc, version, created_at, updated_at) VALUES (?, ?::jsonb, 1, ?, ?)"),
                    connection.prepareStatement("""
                            INSERT INTO silo_activity (user_id, username, role, action, service, target_type, target_id,
                                                       details, ip_address, user_agent, request_id)
                            VALUES (?, 'bench', 'manager', 'document.insert', ?, ?, ?, '{}'::jsonb, '127.0.0.1',
                                    'bench', ?)
                            """));
        }
    }

    private final Workload workload;
    private final Kind kind;
    private final ConnectionLru<Prepared> connections;
    private final RandomGenerator random;
    private final String prefix;
    private long sequence;

    public RawJdbcClient(Workload workload, Kind kind, ConnectionLru<Prepared> connections, RandomGenerator random) {
        this.workload = workload;
        this.kind = kind;
        this.connections = connections;
        this.random = random;
        this.prefix = "R" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
    }

    @Override
    public Outcome call() {
        int rank = workload.zipf().next(random);
        TenantTarget tenant = workload.tenants().get(rank);
        boolean hot = workload.hot(rank);
        Prepared prepared;
        try {
            prepared = connections.take(tenant.database());
        } catch (SQLException e) {
            return new Outcome(Outcome.NO_ANSWER, hot);
        }
        boolean broken = false;
        try {
            return new Outcome(kind == Kind.READ ? read(prepared, tenant) : insert(prepared), hot);
        } catch (SQLException e) {
            broken = true;
            return new Outcome(Outcome.NO_ANSWER, hot);
        } finally {
            connections.give(tenant.database(), prepared, broken);
        }
    }

    private int read(Prepared prepared, TenantTarget tenant) throws SQLException {
        prepared.read()
                .setObject(
                        1,
                        tenant.documents().get(random.nextInt(tenant.documents().size())));
        try (ResultSet rows = prepared.read().executeQuery()) {
            return rows.next() && rows.getString(1) != null ? 200 : 404;
        }
    }

    private int insert(Prepared prepared) throws SQLException {
        Connection connection = prepared.connection();
        UUID id = UUID.randomUUID();
        Timestamp now = Timestamp.from(Instant.now());
        connection.setAutoCommit(false);
        try {
            prepared.insert().setObject(1, id);
            prepared.insert().setString(2, Invoices.json(prefix, sequence++));
            prepared.insert().setTimestamp(3, now);
            prepared.insert().setTimestamp(4, now);
            prepared.insert().executeUpdate();
            prepared.activity().setObject(1, UUID.randomUUID());
            prepared.activity().setString(2, workload.service());
            prepared.activity().setString(3, workload.collection());
            prepared.activity().setString(4, id.toString());
            prepared.activity().setString(5, "bench-" + sequence);
            prepared.activity().executeUpdate();
            connection.commit();
            return 201;
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    @Override
    public void close() {
        // the connections belong to the phase's ConnectionLru
    }
}
