package io.silo.postgres.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/** Commit on success, roll back on any failure, and restore auto-commit either way. */
public final class Transactions {
    private Transactions() {}

    public static <T> T run(Connection connection, Jdbc.HandleFunction<T> work) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            T result = work.apply(new Handle(connection));
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
