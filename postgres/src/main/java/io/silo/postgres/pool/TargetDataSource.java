package io.silo.postgres.pool;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} view of one tenant database: each connection comes from the registry, so
 * that code written against a data source (such as {@code Jdbc}) runs on the tenant's pool under
 * the cluster's budget. Failures are {@link io.silo.error.SiloException}s, not SQL exceptions.
 *
 * <p>Thread-safe.
 */
final class TargetDataSource implements DataSource {
    private final PoolRegistry registry;
    private final DatabaseTarget target;

    TargetDataSource(PoolRegistry registry, DatabaseTarget target) {
        this.registry = registry;
        this.target = target;
    }

    @Override
    public Connection getConnection() {
        return registry.connection(target);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("tenant connections use the tenant's role only");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // nothing logs through it
    }

    @Override
    public void setLoginTimeout(int seconds) {
        // pools.acquireTimeout governs
    }

    @Override
    public int getLoginTimeout() {
        return 0;
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

    @Override
    public String toString() {
        return "TargetDataSource[" + target + "]";
    }
}
