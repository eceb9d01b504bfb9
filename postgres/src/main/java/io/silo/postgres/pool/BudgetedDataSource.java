package io.silo.postgres.pool;

import io.silo.postgres.internal.SynchronousCloseSocketFactory;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The data source HikariCP opens physical connections from, for one tenant pool: it takes a permit
 * of the cluster's budget first and gives it back when the connection closes, and it fails at once
 * when the cluster is known to be down or the database known to refuse the role.
 *
 * <p>Only HikariCP's connection adder calls it, on a virtual thread, so waiting for the budget
 * blocks no request thread and no platform thread.
 *
 * <p>Thread-safe.
 */
final class BudgetedDataSource implements DataSource {
    private static final Executor DIRECT = Runnable::run;

    /** How long requests keep waiting in a pool before it asks for another connection. */
    static final long SUSTAINED_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(3);

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final TenantPool pool;
    private final ClusterPools cluster;
    private final PGSimpleDataSource postgres = new PGSimpleDataSource();
    private final int loginTimeoutSeconds;
    private final int socketTimeoutMillis;
    private final UUID tenantId;
    private final RolePasswords rolePasswords;

    BudgetedDataSource(TenantPool pool, ClusterPools cluster, DatabaseTarget target, PoolSettings settings) {
        this.pool = pool;
        this.cluster = cluster;
        this.loginTimeoutSeconds = settings.connectTimeoutSeconds();
        this.socketTimeoutMillis = settings.socketTimeoutMillis();
        this.tenantId = target.tenantId();
        this.rolePasswords = settings.rolePasswords();
        postgres.setURL(target.url());
        postgres.setUser(target.role());
        postgres.setPassword(target.password());
        postgres.setConnectTimeout(loginTimeoutSeconds);
        // Bounds the login on a server that accepts the socket but never answers; cleared once connected.
        postgres.setSocketTimeout(loginTimeoutSeconds);
        postgres.setTcpKeepAlive(true);
        // A closed connection's permit comes back only once its backend has exited: see the factory.
        postgres.setSocketFactory(SynchronousCloseSocketFactory.class.getName());
        postgres.setApplicationName("silo");
        // a runaway query, or a transaction left open, must not hold a connection of the budget tenants share
        long statementMillis = settings.statementTimeout().toMillis();
        postgres.setOptions("-c statement_timeout=" + statementMillis + " -c idle_in_transaction_session_timeout="
                + 2 * statementMillis);
    }

    @Override
    public Connection getConnection() throws SQLException {
        try {
            pool.checkConnectAllowed();
            pool.creating(TenantPool.Creating.WAITING_FOR_BUDGET);
            if (pool.connections() == 0) {
                // the database's first connection: worth another database's idle one when the budget is full
                cluster.budget().acquire(pool, () -> cluster.reclaimOne(pool));
            } else {
                acquireSurplus();
            }
            return open();
        } catch (SQLException | RuntimeException e) {
            pool.failed(e);
            throw e;
        } finally {
            pool.creating(TenantPool.Creating.NOTHING);
        }
    }

    /**
     * A permit for a second (or further) connection of this database, which HikariCP asks for as
     * soon as one request finds none idle. Most such waits end within a read's time, when the
     * connection comes back, and a login costs milliseconds of the server's CPU; so the pool grows
     * only when requests keep waiting for {@link #SUSTAINED_WAIT_NANOS}, and then only from spare
     * permits, above a reserve kept for databases that have no connection. Other databases' idle
     * connections are closed for it only when its requests have waited a quarter of the acquire
     * timeout: its connections are held by something slow.
     *
     * @throws AcquireFailure {@code NOT_NEEDED} when nobody waits any more (HikariCP asks again if
     *         they do), {@code BUDGET_EXHAUSTED} at the deadline
     */
    private void acquireSurplus() throws SQLException {
        long since = System.nanoTime();
        while (true) {
            if (!pool.wanted()) {
                throw new AcquireFailure(AcquireFailure.Reason.NOT_NEEDED, "the wait ended without another connection");
            }
            long waited = System.nanoTime() - since;
            if (waited >= SUSTAINED_WAIT_NANOS && cluster.budget().tryAcquireSpare()) {
                pool.grew();
                return;
            }
            if (waited >= pool.growAfterNanos()) {
                cluster.budget().acquire(pool, () -> cluster.reclaimOne(pool));
                pool.grew();
                return;
            }
            LockSupport.parkNanos(POLL_NANOS);
            if (Thread.interrupted()) {
                throw new SQLException("interrupted while waiting to grow pool " + pool.key());
            }
        }
    }

    /** Opens the physical connection on a permit already taken; the permit goes back if that fails. */
    private Connection open() throws SQLException {
        Connection physical;
        try {
            physical = cluster.login(pool.deadline(), () -> {
                // the turn may have come after the cluster went down or the pool began to close
                pool.checkConnectAllowed();
                pool.creating(TenantPool.Creating.CONNECTING);
                return login();
            });
        } catch (SQLException | RuntimeException e) {
            cluster.budget().release();
            throw e;
        }
        try {
            // Queries may run longer than a login, never longer than the statement timeout: a server
            // that stops answering mid-query frees the request and its connection after that, and a little more.
            physical.setNetworkTimeout(DIRECT, socketTimeoutMillis);
        } catch (SQLException e) {
            closeQuietly(physical, e);
            cluster.budget().release();
            throw e;
        }
        pool.connected();
        pool.opened();
        return EndingConnection.releasing(physical, ended -> {
            pool.closedOne(ended);
            cluster.budget().release();
        });
    }

    /**
     * A login with the role's password; when the server refuses it (SQLSTATE 28P01: a rotation
     * changed it), with the passwords the control database holds for the role now, the first that
     * works becoming this pool's. The pool learns of the change through its placement too, and is
     * replaced then; this bridges the moments before.
     */
    private Connection login() throws SQLException {
        try {
            return postgres.getConnection();
        } catch (SQLException refused) {
            if (!"28P01".equals(refused.getSQLState())) {
                throw refused;
            }
            for (String candidate : candidates(refused)) {
                try {
                    Connection connection = postgres.getConnection(postgres.getUser(), candidate);
                    postgres.setPassword(candidate);
                    return connection;
                } catch (SQLException again) {
                    if (!"28P01".equals(again.getSQLState())) {
                        throw again;
                    }
                }
            }
            throw refused;
        }
    }

    private List<String> candidates(SQLException refused) {
        try {
            return rolePasswords.of(tenantId).stream()
                    .filter(candidate -> !candidate.equals(postgres.getPassword()))
                    .toList();
        } catch (RuntimeException e) {
            refused.addSuppressed(e); // the control database away: the refusal stands
            return List.of();
        }
    }

    private static void closeQuietly(Connection connection, SQLException failure) {
        try {
            connection.close();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("a tenant pool connects as its tenant's role only");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // the driver logs through java.util.logging; nothing to set
    }

    /** Ignored: HikariCP derives a login timeout from its connection timeout, ours is set from the same value. */
    @Override
    public void setLoginTimeout(int seconds) {
        // see Javadoc
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeoutSeconds;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new SQLException("not a wrapper of " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }
}
