package io.silo.testing;

import io.silo.postgres.jdbc.Jdbc;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * One database of a {@link TestPostgres} server, reached as its superuser.
 *
 * <p>Thread-safe.
 */
public record TestDatabase(TestPostgres server, String name) {

    public String url() {
        return server.url(name);
    }

    public Jdbc jdbc() {
        return server.jdbc(name);
    }

    /** A new connection; the caller closes it. */
    public Connection connect() throws SQLException {
        return server.connect(name);
    }
}
