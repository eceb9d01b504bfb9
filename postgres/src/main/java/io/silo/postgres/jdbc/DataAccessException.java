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
        super(problemOf(cause.getSQLState()), firstLine(cause.getMessage()) + " [in: " + abbreviate(sql) + "]", cause);
        this.sqlState = cause.getSQLState();
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

    /** A broken connection (SQLSTATE class 08) is a database away; anything else a failed statement. */
    private static ProblemType problemOf(String state) {
        return state != null && state.startsWith("08") ? ProblemType.DATABASE_UNAVAILABLE : ProblemType.DATABASE_ERROR;
    }

    private static String firstLine(String text) {
        return text == null ? "database error" : text.lines().findFirst().orElse(text);
    }

    private static String abbreviate(String sql) {
        String flat = sql.replaceAll("\\s+", " ").trim();
        return flat.length() > 120 ? flat.substring(0, 117) + "..." : flat;
    }
}
