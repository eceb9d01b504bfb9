package io.silo.testing;

import io.silo.postgres.embedded.EmbeddedServer;
import io.silo.postgres.jdbc.Jdbc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Embedded PostgreSQL servers shared by every test of one JVM: started on first use (about two
 * seconds), with fsync off because test data may be lost, and stopped when the JVM exits.
 * {@link #primary()} serves most tests; {@link #secondary()} and {@link #tertiary()} are further,
 * independent servers for multi-cluster tests (a third is started only by the tests that ask for it).
 *
 * <p>Thread-safe.
 */
public final class TestPostgres {
    private static final ConcurrentMap<String, TestPostgres> SERVERS = new ConcurrentHashMap<>();
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final String name;
    private final EmbeddedServer server;

    private TestPostgres(String name, EmbeddedServer server) {
        this.name = name;
        this.server = server;
    }

    /** The server most tests use. */
    public static TestPostgres primary() {
        return named("primary");
    }

    /** A second server, for tests that place tenants on more than one cluster. */
    public static TestPostgres secondary() {
        return named("secondary");
    }

    /** A third server, for tests that place an organization's services on three clusters. */
    public static TestPostgres tertiary() {
        return named("tertiary");
    }

    private static TestPostgres named(String name) {
        return SERVERS.computeIfAbsent(name, TestPostgres::start);
    }

    private static TestPostgres start(String name) {
        try {
            Path home = Files.createTempDirectory("silo-test-pg-" + name + "-");
            EmbeddedServer server = EmbeddedServer.start(home, 0, false, 400);
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                server.close();
                                deleteQuietly(home);
                            },
                            "stop-test-postgres-" + name));
            return new TestPostgres(name, server);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String name() {
        return name;
    }

    public int port() {
        return server.port();
    }

    public String user() {
        return server.user();
    }

    public String password() {
        return server.password();
    }

    /** The JDBC URL of one database of this server. */
    public String url(String database) {
        return server.jdbcUrl(database);
    }

    /** A new empty database with a unique name. */
    public String createDatabase(String prefix) {
        String database = prefix + "_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        admin().useHandle(handle -> {
            handle.execute("CREATE DATABASE " + database);
        });
        return database;
    }

    /**
     * Drops every database but the system ones and every role but the superuser, so that the next
     * test class finds the server as new. Connections still open to those databases are ended.
     */
    public void reset() {
        Jdbc admin = admin();
        dropReplication(admin);
        List<String> databases = admin.query(
                "SELECT datname FROM pg_database WHERE datname NOT IN ('postgres', 'template0', 'template1')",
                row -> row.getString(1));
        admin.useHandle(handle -> {
            for (String database : databases) {
                handle.execute("ALTER DATABASE \"" + database + "\" IS_TEMPLATE false");
                handle.execute("DROP DATABASE \"" + database + "\" WITH (FORCE)");
            }
            List<String> roles = handle.query(
                    "SELECT rolname FROM pg_roles WHERE rolname NOT LIKE 'pg\\_%' AND rolname <> current_user",
                    row -> row.getString(1));
            for (String role : roles) {
                // privileges a test granted it on the maintenance database (CONNECT for an administrative role) go
                // first
                handle.execute("DROP OWNED BY \"" + role + "\"");
                handle.execute("DROP ROLE \"" + role + "\"");
            }
        });
    }

    /**
     * Drops what a move's logical replication left (a test that stopped half way): subscriptions and
     * replication slots keep their databases from being dropped.
     */
    private void dropReplication(Jdbc admin) {
        List<String> subscribed = admin.query(
                "SELECT DISTINCT d.datname FROM pg_subscription s JOIN pg_database d ON d.oid = s.subdbid",
                row -> row.getString(1));
        for (String database : subscribed) {
            jdbc(database).useHandle(handle -> {
                for (String name : handle.query(
                        "SELECT subname FROM pg_subscription s JOIN pg_database d ON d.oid = s.subdbid"
                                + " WHERE d.datname = current_database()",
                        row -> row.getString(1))) {
                    handle.execute("ALTER SUBSCRIPTION \"" + name + "\" DISABLE");
                    handle.execute("ALTER SUBSCRIPTION \"" + name + "\" SET (slot_name = NONE)");
                    handle.execute("DROP SUBSCRIPTION \"" + name + "\"");
                }
            });
        }
        admin.useHandle(handle -> {
            handle.query(
                    "SELECT pg_terminate_backend(active_pid, 5000) FROM pg_replication_slots WHERE active_pid IS NOT NULL",
                    row -> row.getBoolean(1));
            handle.query("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots", row -> 1);
        });
    }

    /** How {@link #restart} stops the server, as {@code pg_ctl stop -m} names it. */
    public enum Shutdown {
        /** Clients are disconnected, then the server checkpoints and stops. */
        FAST,
        /** The server quits at once, as in a crash; it recovers from its log when it starts. */
        IMMEDIATE
    }

    /**
     * Restarts the server on the same port and data ({@code pg_ctl restart}); returns once it
     * accepts connections again. Connections open before are broken.
     */
    public void restart(Shutdown how) {
        Path dataDir = server.dataDir();
        try {
            // postmaster.opts starts with the server binary's path; pg_ctl is next to it
            String options =
                    Files.readString(dataDir.resolve("postmaster.opts")).trim();
            Path postgres = Path.of(options.substring(0, options.indexOf(' ')).replace("\"", ""));
            List<String> command = new ArrayList<>();
            if (System.getProperty("user.name").equals("root")) {
                // pg_ctl refuses root; zonky started the server the same way, in a user namespace
                command.addAll(List.of("unshare", "-U"));
            }
            command.addAll(List.of(
                    postgres.resolveSibling("pg_ctl").toString(),
                    "restart",
                    "-D",
                    dataDir.toString(),
                    "-m",
                    how.name().toLowerCase(Locale.ROOT),
                    "-w",
                    "-t",
                    "60"));
            // to a file, not a pipe: the server pg_ctl starts inherits it and would hold a pipe open
            Path log = dataDir.resolveSibling("pg_ctl.log");
            Process pgCtl = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (pgCtl.waitFor() != 0) {
                throw new IllegalStateException("pg_ctl restart of " + name + " exited with " + pgCtl.exitValue() + ": "
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while restarting " + name, e);
        }
    }

    /** Plain JDBC on the {@code postgres} database as the superuser. */
    public Jdbc admin() {
        return jdbc("postgres");
    }

    /** Plain JDBC on one database as the superuser, one new connection per call. */
    public Jdbc jdbc(String database) {
        return new Jdbc(new SimpleDataSource(this::connect, database));
    }

    /** A new connection to {@code database} as the superuser. */
    public Connection connect(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user());
        props.setProperty("password", password());
        return DriverManager.getConnection(url(database), props);
    }

    private static void deleteQuietly(Path path) {
        try (var files = Files.walk(path)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(file -> file.toFile().delete());
        } catch (IOException e) {
            // the temporary directory is left for the OS to clean
        }
    }
}
