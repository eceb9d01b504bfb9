package io.silo.postgres.jdbc;

import io.silo.error.ProblemType;
import java.sql.Connection;
import java.sql.SQLException;

/** Commit on success, roll back on any failure, and restore auto-commit either way. */
public final class Transactions {
    private Transactions() {}

    public static <T> T run(Connection connection, Jdbc.HandleFunction<T> work) throws SQLException {
        return run(connection, ProblemType.DATABASE_UNAVAILABLE, work);
    }

    /** As {@link #run(Connection, Jdbc.HandleFunction)}, on a database whose lost connection is {@code lostConnection}. */
    public static <T> T run(Connection connection, ProblemType lostConnection, Jdbc.HandleFunction<T> work)
            throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            T result = work.apply(new Handle(connection, lostConnection));
            connection.commit();
            return result;
        } catch (RuntimeException | Error e) {
            try {
                connection.rollback();
            } catch (SQLException rollbackFailure) {
                e.addSuppressed(rollbackFailure);
            }
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }
}
