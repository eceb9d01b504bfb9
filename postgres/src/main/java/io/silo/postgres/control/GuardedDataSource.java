package io.silo.postgres.control;

import io.silo.postgres.internal.Circuit;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The control database's pool behind its {@link ControlAvailability}: a connection the pool cannot
 * lend makes the control database unavailable, and while it is, callers get an
 * {@link SQLTransientConnectionException} (SQLSTATE 08001) at once rather than after the pool's
 * connection timeout, which is what every one of them would otherwise wait while the server is away
 * or hangs.
 *
 * <p>Thread-safe.
 */
final class GuardedDataSource implements DataSource {
    private final DataSource pool;
    private final ControlAvailability availability;

    GuardedDataSource(DataSource pool, ControlAvailability availability) {
        this.pool = pool;
        this.availability = availability;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Circuit.Admission admission = availability.admit();
        if (admission == Circuit.Admission.REJECT) {
            throw new SQLTransientConnectionException(availability.rejection() + "; not tried", "08001");
        }
        Connection connection;
        try {
            connection = pool.getConnection();
        } catch (SQLException e) {
            String reason = describe(e);
            if (e instanceof SQLTransientConnectionException && e.getCause() == null
                    || e.getCause() instanceof InterruptedException) {
                // HikariCP's timeout with no failure to open a connection behind it: every connection was
                // busy, which is load, not an outage; or this caller was interrupted while it waited (a
                // worker stopped, a task cancelled), which says nothing of the database. This caller is
                // told, the others are not refused
                if (admission == Circuit.Admission.PROBE) {
                    availability.probeEnded();
                }
            } else {
                // refused, timed out opening, a password no longer accepted: the control database is away
                // for this instance's purposes, and its callers are told so at once
                availability.failed(reason);
            }
            throw new SQLTransientConnectionException(reason, "08001", e);
        } catch (RuntimeException | Error e) {
            if (admission == Circuit.Admission.PROBE) {
                availability.probeEnded();
            }
            throw e;
        }
        availability.succeeded();
        return connection;
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the control database's pool has one user");
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return pool.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        pool.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        pool.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return pool.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return pool.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return type.isInstance(this) ? type.cast(this) : pool.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return type.isInstance(this) || pool.isWrapperFor(type);
    }

    /** The pool's own message, and the driver's reason when the pool gives one (a refused connection, a timeout). */
    static String describe(Throwable e) {
        String described = firstLine(e);
        return e.getCause() == null || e.getCause() == e ? described : described + ": " + firstLine(e.getCause());
    }

    private static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.lines().findFirst().orElse(message);
    }
}
