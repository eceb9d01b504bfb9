package io.silo.bench.setup;

import io.silo.bench.stack.PostgresServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * What a database costs PostgreSQL alone: {@code CREATE DATABASE … TEMPLATE <silo_tpl_…>} from the
 * very template databases Silo copies, one at a time on an administrative connection, then
 * dropped again (untimed). Silo's provisioning does this and more per database; this is the floor.
 * A run measures it in rounds between its tenants, so both see the server in the same state.
 *
 * <p>Thread-safe: stateless.
 */
public final class RawCreateDatabase {
    private RawCreateDatabase() {}

    /** The template databases Silo built on this server for {@code services}, in that order. */
    public static List<String> templates(PostgresServer server, List<String> services) throws SQLException {
        List<String> found = new ArrayList<>();
        try (Connection connection = server.connect("postgres")) {
            for (String service : services) {
                try (var statement = connection.prepareStatement(
                        "SELECT datname FROM pg_database WHERE datname LIKE ? AND datistemplate ORDER BY datname DESC LIMIT 1")) {
                    statement.setString(1, "silo\\_tpl\\_" + service + "\\_v%");
                    try (var rows = statement.executeQuery()) {
                        if (!rows.next()) {
                            throw new IllegalStateException(
                                    "no template database of service " + service + " on the server yet");
                        }
                        found.add(rows.getString(1));
                    }
                }
            }
        }
        return found;
    }

    /** Creates one copy of each template, timing each CREATE DATABASE, and drops them again; returns the durations in nanoseconds. */
    public static List<Long> measure(PostgresServer server, List<String> templates, String tag) throws SQLException {
        List<Long> nanos = new ArrayList<>();
        List<String> created = new ArrayList<>();
        try (Connection connection = server.connect("postgres");
                Statement statement = connection.createStatement()) {
            try {
                for (int i = 0; i < templates.size(); i++) {
                    String name = "bench_raw_" + tag + "_" + i;
                    statement.execute("DROP DATABASE IF EXISTS " + name);
                    long start = System.nanoTime();
                    statement.execute("CREATE DATABASE " + name + " TEMPLATE \"" + templates.get(i) + "\"");
                    nanos.add(System.nanoTime() - start);
                    created.add(name);
                }
            } finally {
                for (String name : created) {
                    statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
                }
            }
        }
        return nanos;
    }
}
