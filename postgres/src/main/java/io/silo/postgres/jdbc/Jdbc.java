package io.silo.postgres.jdbc;

import io.silo.error.ProblemType;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Small, explicit JDBC on a {@link DataSource}: one connection per call, or one transaction for a
 * block of calls. No mapping magic; every statement is visible SQL. A connection that cannot be had
 * or breaks is reported as the problem this instance was given, so that a client learns which
 * database is away ({@link DataAccessException}).
 *
 * <p>Thread-safe when the data source is.
 */
public final class Jdbc {
    private final DataSource dataSource;
    private final ProblemType lostConnection;

    /** JDBC on a tenant's or a cluster's database: a lost connection is {@code database-unavailable}. */
    public Jdbc(DataSource dataSource) {
        this(dataSource, ProblemType.DATABASE_UNAVAILABLE);
    }

    /** JDBC on a database whose lost connection is {@code lostConnection}, a problem of kind UNAVAILABLE. */
    public Jdbc(DataSource dataSource, ProblemType lostConnection) {
        this.dataSource = dataSource;
        this.lostConnection = lostConnection;
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
            return work.apply(new Handle(connection, lostConnection));
        } catch (SQLException e) {
            throw new DataAccessException("(connect)", e, lostConnection);
        }
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    public <T> T inTransaction(HandleFunction<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            return Transactions.run(connection, lostConnection, work);
        } catch (SQLException e) {
            throw new DataAccessException("(connect)", e, lostConnection);
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
