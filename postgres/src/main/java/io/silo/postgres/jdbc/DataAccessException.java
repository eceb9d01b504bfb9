package io.silo.postgres.jdbc;

import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import java.sql.SQLException;
import java.util.Optional;
import org.postgresql.util.PSQLException;

/**
 * A failed statement. Keeps the SQLSTATE so callers can tell a unique violation from a broken
 * connection; the SQL text goes to the log, never to a client.
 */
public final class DataAccessException extends SiloException {
    private static final long serialVersionUID = 1L;

    private final String sqlState;
    private final String constraint;

    public DataAccessException(String sql, SQLException cause) {
        super(problemOf(stateOf(cause)), firstLine(cause.getMessage()) + " [in: " + abbreviate(sql) + "]", cause);
        this.sqlState = stateOf(cause);
        this.constraint = cause instanceof PSQLException psql && psql.getServerErrorMessage() != null
                ? psql.getServerErrorMessage().getConstraint()
                : null;
    }

    public Optional<String> sqlState() {
        return Optional.ofNullable(sqlState);
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
     * lent) throws without one, and is a lost connection (08003) like any other.
     */
    private static String stateOf(SQLException cause) {
        if (cause.getSQLState() == null && "Connection is closed".equals(cause.getMessage())) {
            return "08003";
        }
        return cause.getSQLState();
    }

    /** A lost connection is a database away; anything else a failed statement. */
    private static ProblemType problemOf(String state) {
        return connectionLost(state) ? ProblemType.DATABASE_UNAVAILABLE : ProblemType.DATABASE_ERROR;
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
