package io.silo.postgres.jdbc;

import io.silo.error.ProblemType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Parameterized statements on one connection. Values are always bound, never pasted into SQL;
 * an {@link Instant} binds as {@code timestamptz}. JSON goes in as a string with a
 * {@code ?::jsonb} cast in the statement.
 *
 * <p>Not thread-safe: a handle belongs to the thread that holds its connection.
 */
public final class Handle {
    private final Connection connection;
    private final ProblemType lostConnection;

    /** A handle on a tenant's or a cluster's database: a lost connection is {@code database-unavailable}. */
    public Handle(Connection connection) {
        this(connection, ProblemType.DATABASE_UNAVAILABLE);
    }

    /** A handle whose lost connection is {@code lostConnection} ({@link DataAccessException}). */
    public Handle(Connection connection, ProblemType lostConnection) {
        this.connection = connection;
        this.lostConnection = lostConnection;
    }

    public Connection connection() {
        return connection;
    }

    public <T> List<T> query(String sql, RowMapper<T> mapper, Object... params) {
        try (PreparedStatement statement = prepare(sql, params);
                ResultSet rows = statement.executeQuery()) {
            List<T> out = new ArrayList<>();
            while (rows.next()) {
                out.add(mapper.map(rows));
            }
            return out;
        } catch (SQLException e) {
            throw new DataAccessException(sql, e, lostConnection);
        }
    }

    /**
     * Rows while {@code more} accepts the rows so far, fetched in batches rather than all at once
     * (inside a transaction), so that a budget can stop a large result before it is all in memory.
     */
    public <T> List<T> queryWhile(
            String sql, RowMapper<T> mapper, java.util.function.Predicate<List<T>> more, Object... params) {
        try (PreparedStatement statement = prepare(sql, params)) {
            statement.setFetchSize(64);
            try (ResultSet rows = statement.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (more.test(out) && rows.next()) {
                    out.add(mapper.map(rows));
                }
                return out;
            }
        } catch (SQLException e) {
            throw new DataAccessException(sql, e, lostConnection);
        }
    }

    public <T> Optional<T> queryOne(String sql, RowMapper<T> mapper, Object... params) {
        List<T> rows = query(sql, mapper, params);
        if (rows.size() > 1) {
            throw new IllegalStateException("expected at most one row, got " + rows.size() + " from: " + sql);
        }
        // a mapper may map a SQL NULL to null: that is "no value", not a failure
        return rows.isEmpty() ? Optional.empty() : Optional.ofNullable(rows.getFirst());
    }

    public int update(String sql, Object... params) {
        try (PreparedStatement statement = prepare(sql, params)) {
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new DataAccessException(sql, e, lostConnection);
        }
    }

    /** Whether the connection is in a transaction the caller commits, rather than in auto-commit. */
    public boolean inTransaction() {
        try {
            return !connection.getAutoCommit();
        } catch (SQLException e) {
            throw new DataAccessException("(auto-commit)", e, lostConnection);
        }
    }

    /** Runs a statement that takes no parameters and may not run in a transaction (DDL such as CREATE DATABASE). */
    public void execute(String sql) {
        try (var statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new DataAccessException(sql, e, lostConnection);
        }
    }

    private PreparedStatement prepare(String sql, Object... params) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        try {
            for (int i = 0; i < params.length; i++) {
                bind(statement, i + 1, params[i]);
            }
            return statement;
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }

    private static void bind(PreparedStatement statement, int index, Object value) throws SQLException {
        switch (value) {
            case null -> statement.setObject(index, null);
            case Instant instant -> statement.setTimestamp(index, Timestamp.from(instant));
            case Optional<?> optional -> bind(statement, index, optional.orElse(null));
            case java.util.UUID[] uuids ->
                statement.setArray(index, statement.getConnection().createArrayOf("uuid", uuids));
            case Long[] longs ->
                statement.setArray(index, statement.getConnection().createArrayOf("bigint", longs));
            case String[] strings ->
                statement.setArray(index, statement.getConnection().createArrayOf("text", strings));
            default -> statement.setObject(index, value);
        }
    }
}
