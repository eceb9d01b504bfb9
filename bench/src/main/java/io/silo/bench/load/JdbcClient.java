package io.silo.bench.load;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.random.RandomGenerator;

/**
 * The baseline: what PostgreSQL alone does, as {@code pgbench -S -M prepared} measures it. The
 * client holds one connection, for the whole phase, to a tenant database drawn by the same Zipf
 * distribution as the routed load, and reads random documents of it with a server-prepared
 * {@code SELECT doc FROM <collection> WHERE id = $1} in auto-commit mode. No HTTP, no tokens, no
 * routing, no pool, no JSON: the limit Silo cannot beat.
 *
 * <p>Not thread-safe: one per driver thread.
 */
public final class JdbcClient implements Client {
    /** Opens a connection to one database, with server-side prepared statements from the first execution. */
    @FunctionalInterface
    public interface Connector {
        Connection connect(String database) throws SQLException;
    }

    private final TenantTarget tenant;
    private final boolean hot;
    private final RandomGenerator random;
    private final Connection connection;
    private final PreparedStatement select;

    public JdbcClient(Workload workload, Connector connector, RandomGenerator random) {
        int rank = workload.zipf().next(random);
        this.tenant = workload.tenants().get(rank);
        this.hot = workload.hot(rank);
        this.random = random;
        try {
            this.connection = connector.connect(tenant.database());
            this.select = connection.prepareStatement("SELECT doc FROM " + workload.collection() + " WHERE id = ?");
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "baseline client cannot connect to database " + tenant.database() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Outcome call() {
        try {
            select.setObject(
                    1, tenant.documents().get(random.nextInt(tenant.documents().size())));
            try (ResultSet rows = select.executeQuery()) {
                return new Outcome(rows.next() && rows.getString(1) != null ? 200 : 404, hot);
            }
        } catch (SQLException e) {
            return new Outcome(Outcome.NO_ANSWER, hot);
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            // the phase is over; a connection that fails to close is gone anyway
        }
    }
}
