package io.silo.bench.stack;

import io.silo.postgres.embedded.EmbeddedServer;
import io.silo.postgres.jdbc.JdbcUrls;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The PostgreSQL server of a run: an embedded one that the benchmark starts in its work directory
 * and stops at the end, or one you configure, which it only connects to. Both Silo and the
 * baseline use it; the benchmark connects as the superuser (or the configured administrative role).
 *
 * <p>Thread-safe.
 */
public final class PostgresServer implements AutoCloseable {
    private static final Duration STOP_WITHIN = Duration.ofMinutes(5);

    private final Optional<EmbeddedServer> embedded;
    private final String maintenanceUrl;
    private final String user;
    private final String password;

    private PostgresServer(Optional<EmbeddedServer> embedded, String maintenanceUrl, String user, String password) {
        this.embedded = embedded;
        this.maintenanceUrl = maintenanceUrl;
        this.user = user;
        this.password = password;
    }

    /** Starts an embedded server with its data under {@code home}. */
    public static PostgresServer embedded(Path home, boolean fsync, int maxConnections) {
        EmbeddedServer server = EmbeddedServer.start(home, 0, fsync, maxConnections);
        return new PostgresServer(Optional.of(server), server.jdbcUrl("postgres"), server.user(), server.password());
    }

    /** A server you run; {@code url} names any database on it (the benchmark uses {@code postgres} for itself). */
    public static PostgresServer external(String url, String user, String password) {
        return new PostgresServer(Optional.empty(), JdbcUrls.withDatabase(url, "postgres"), user, password);
    }

    public boolean isEmbedded() {
        return embedded.isPresent();
    }

    /** The JDBC URL of one database. */
    public String url(String database) {
        return JdbcUrls.withDatabase(maintenanceUrl, database);
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** Host and port, for tools such as {@code pgbench}. */
    public String host() {
        return URI.create(maintenanceUrl.substring("jdbc:".length())).getHost();
    }

    public int port() {
        int port = URI.create(maintenanceUrl.substring("jdbc:".length())).getPort();
        return port < 0 ? 5432 : port;
    }

    /** A new connection to {@code database} as the administrative role. */
    public Connection connect(String database) throws SQLException {
        return connect(database, new Properties());
    }

    /** A new connection with further driver properties, e.g. {@code prepareThreshold}. */
    public Connection connect(String database, Properties extra) throws SQLException {
        Properties props = new Properties();
        props.putAll(extra);
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("ApplicationName", "silo bench");
        return DriverManager.getConnection(url(database), props);
    }

    /** The server's version string, e.g. {@code 18.1}. */
    public String version() {
        try (Connection connection = connect("postgres");
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SHOW server_version")) {
            row.next();
            return row.getString(1);
        } catch (SQLException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /** A server setting, e.g. {@code max_connections}. */
    public String setting(String name) {
        try (Connection connection = connect("postgres");
                var statement = connection.prepareStatement("SELECT current_setting(?)")) {
            statement.setString(1, name);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getString(1);
            }
        } catch (SQLException e) {
            return "unknown";
        }
    }

    /**
     * Writes every dirty page to disk now ({@code CHECKPOINT}), so that a phase measured next does not
     * pay for the writes of the one before it, nor meet a timed checkpoint halfway; false when the
     * role may not (neither superuser nor {@code pg_checkpoint}).
     */
    public boolean checkpoint() {
        try (Connection connection = connect("postgres");
                Statement statement = connection.createStatement()) {
            statement.execute("CHECKPOINT");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /** The postmaster's process id, when the server is the embedded one: its CPU time is then measured. */
    public OptionalLong postmasterPid() {
        if (embedded.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            String first = Files.readAllLines(embedded.get().dataDir().resolve("postmaster.pid"))
                    .getFirst()
                    .trim();
            return OptionalLong.of(Long.parseLong(first));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * Stops an embedded server. zonky gives {@code pg_ctl stop} five seconds; with thousands of
     * databases the shutdown checkpoint takes longer, so a timeout is followed by waiting for the
     * postmaster to finish on its own, so that the work directory can be deleted.
     */
    @Override
    public void close() {
        if (embedded.isEmpty()) {
            return;
        }
        OptionalLong postmaster = postmasterPid();
        try {
            embedded.get().close();
        } catch (RuntimeException e) {
            postmaster.stream()
                    .mapToObj(ProcessHandle::of)
                    .flatMap(Optional::stream)
                    .forEach(PostgresServer::awaitExit);
        }
    }

    private static void awaitExit(ProcessHandle postmaster) {
        try {
            postmaster.onExit().get(STOP_WITHIN.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "the embedded PostgreSQL (pid " + postmaster.pid() + ") did not stop within "
                            + STOP_WITHIN.toMinutes() + " minutes",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
