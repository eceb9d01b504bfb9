package io.silo.postgres.jdbc;

import io.silo.error.ErrorKind;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Optional;
import org.postgresql.util.PSQLException;

/**
 * A failed statement. Keeps the SQLSTATE so callers can tell a unique violation from a broken
 * connection; the SQL text goes to the log, never to a client. A lost connection is a database
 * away, named by the problem its {@link Jdbc} was given ({@code database-unavailable} unless said
 * otherwise; the control database's is {@code control-database-unavailable}), with a
 * {@code Retry-After} of a second: the pool has dropped the dead connection by then.
 */
public final class DataAccessException extends SiloException {
    private static final long serialVersionUID = 1L;
    private static final Duration RETRY_AFTER_LOST = Duration.ofSeconds(1);

    private final String sqlState;
    private final String constraint;

    /** A failure on a tenant's or a cluster's database: a lost connection is {@code database-unavailable}. */
    public DataAccessException(String sql, SQLException cause) {
        this(sql, cause, ProblemType.DATABASE_UNAVAILABLE);
    }

    /**
     * A failure on a database whose lost connection is {@code lostConnection}, a problem of kind
     * {@link ErrorKind#UNAVAILABLE} that names the database to clients.
     */
    public DataAccessException(String sql, SQLException cause, ProblemType lostConnection) {
        super(
                problemOf(stateOf(cause), lostConnection),
                firstLine(cause.getMessage()) + " [in: " + abbreviate(sql) + "]",
                cause);
        this.sqlState = stateOf(cause);
        this.constraint = cause instanceof PSQLException psql && psql.getServerErrorMessage() != null
                ? psql.getServerErrorMessage().getConstraint()
                : null;
        if (isConnectionLost()) {
            retryAfter(RETRY_AFTER_LOST);
        }
    }

    public Optional<String> sqlState() {
        return Optional.ofNullable(sqlState);
    }

    /**
     * Whether the statement named a table the database does not have (SQLSTATE 42P01): in a tenant
     * database, one made before the table came into its baseline.
     */
    public boolean isMissingTable() {
        return "42P01".equals(sqlState);
    }

    /** Whether a unique constraint was violated (SQLSTATE 23505). */
    public boolean isUniqueViolation() {
        return "23505".equals(sqlState);
    }

    /** Whether the unique constraint named {@code constraint} was violated. */
    public boolean violated(String constraint) {
        return isUniqueViolation() && constraint.equals(this.constraint);
    }

    /** The constraint a violation names, as the server reported it. */
    public Optional<String> constraint() {
        return Optional.ofNullable(constraint);
    }

    /** Whether the statement was cancelled for running past {@code statement_timeout} (SQLSTATE 57014). */
    public boolean isStatementTimeout() {
        return "57014".equals(sqlState);
    }

    /**
     * The SQLSTATE; HikariCP's closed-connection stand-in (a connection the pool retired while it was
     * lent) throws without one, and is a lost connection (08003) like any other. So is HikariCP's
     * wait for a connection that timed out before any attempt to open one had failed (a server that
     * hangs, or a pool whose connections all stayed busy): no connection was had (08001).
     */
    private static String stateOf(SQLException cause) {
        if (cause.getSQLState() == null && "Connection is closed".equals(cause.getMessage())) {
            return "08003";
        }
        if (cause.getSQLState() == null && cause instanceof SQLTransientConnectionException) {
            return "08001";
        }
        return cause.getSQLState();
    }

    /** A lost connection is a database away; anything else a failed statement. */
    private static ProblemType problemOf(String state, ProblemType lostConnection) {
        if (lostConnection.kind() != ErrorKind.UNAVAILABLE) {
            throw new IllegalArgumentException(
                    "a lost connection must be a problem of kind UNAVAILABLE, not " + lostConnection.type());
        }
        return connectionLost(state) ? lostConnection : ProblemType.DATABASE_ERROR;
    }

    /**
     * Whether the connection itself was lost: SQLSTATE class 08, or the server ending the backend
     * (57P01 admin shutdown or {@code pg_terminate_backend}, 57P02 crash shutdown, 57P03 cannot
     * connect now, as during a restart).
     */
    private static boolean connectionLost(String state) {
        return state != null && (state.startsWith("08") || state.startsWith("57P0"));
    }

    /** Whether the connection was lost rather than the statement refused: nothing of a read went wrong. */
    public boolean isConnectionLost() {
        return connectionLost(sqlState);
    }

    private static String firstLine(String text) {
        return text == null ? "database error" : text.lines().findFirst().orElse(text);
    }

    private static String abbreviate(String sql) {
        String flat = sql.replaceAll("\\s+", " ").trim();
        return flat.length() > 120 ? flat.substring(0, 117) + "..." : flat;
    }
}
