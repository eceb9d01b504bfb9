package io.silo.postgres.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Small, explicit JDBC on a {@link DataSource}: one connection per call, or one transaction for a
 * block of calls. No mapping magic; every statement is visible SQL.
 *
 * <p>Thread-safe when the data source is.
 */
public final class Jdbc {
    private final DataSource dataSource;

    public Jdbc(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public <T> List<T> query(String sql, RowMapper<T> mapper, Object... params) {
        return withHandle(handle -> handle.query(sql, mapper, params));
    }

    public <T> Optional<T> queryOne(String sql, RowMapper<T> mapper, Object... params) {
        return withHandle(handle -> handle.queryOne(sql, mapper, params));
    }

    public int update(String sql, Object... params) {
        return withHandle(handle -> handle.update(sql, params));
    }

    /** Runs {@code work} on one connection in auto-commit mode. */
    public <T> T withHandle(HandleFunction<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            return work.apply(new Handle(connection));
        } catch (SQLException e) {
            throw new DataAccessException("(connect)", e);
        }
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    public <T> T inTransaction(HandleFunction<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            return Transactions.run(connection, work);
        } catch (SQLException e) {
            throw new DataAccessException("(connect)", e);
        }
    }

    /** Like {@link #withHandle}, for work that returns nothing. */
    public void useHandle(HandleConsumer work) {
        withHandle(handle -> {
            work.accept(handle);
            return null;
        });
    }

    /** Like {@link #inTransaction}, for work that returns nothing. */
    public void useTransaction(HandleConsumer work) {
        inTransaction(handle -> {
            work.accept(handle);
            return null;
        });
    }

    /** Work on a handle that returns nothing. */
    @FunctionalInterface
    public interface HandleConsumer {
        void accept(Handle handle);
    }

    /** Work on a handle. */
    @FunctionalInterface
    public interface HandleFunction<T> {
        T apply(Handle handle);
    }
}
