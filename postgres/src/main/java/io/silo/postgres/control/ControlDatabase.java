package io.silo.postgres.control;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.postgres.jdbc.Identifiers;
import io.silo.postgres.jdbc.Jdbc;
import io.silo.postgres.jdbc.JdbcUrls;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control database: its connection pool and its schema, migrated with Flyway on open. The
 * database is created when the server has none of that name yet.
 *
 * <p>Once running, the control database may go away while tenants are served: its
 * {@link ControlAvailability} tells, and while it is unavailable the pool's callers fail at once with
 * {@code control-database-unavailable} (what {@link #jdbc()} reports a lost connection as). A
 * connection is had within {@link #CONNECT_TIMEOUT} or not at all, and a read that waits longer than
 * {@link #SOCKET_TIMEOUT} for the server gives up, so a server that hangs cannot hold a request for
 * longer. A {@code connectTimeout}, {@code loginTimeout} or {@code socketTimeout} in the URL wins.
 *
 * <p>Thread-safe.
 */
public final class ControlDatabase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControlDatabase.class);

    /** The longest a caller waits for a connection: the pool's wait, and the driver's connect and login. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /**
     * The longest a statement waits for the server to answer. Control-plane statements touch a row or
     * a bounded page; the migrations, which may take longer, run on a connection of their own without it.
     */
    public static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(10);

    private final String url;
    private final String user;
    private final String password;
    private final HikariDataSource pool;
    private final ControlAvailability availability;
    private final DataSource guarded;
    private final Jdbc jdbc;

    private ControlDatabase(
            String url, String user, String password, HikariDataSource pool, ControlAvailability availability) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.pool = pool;
        this.availability = availability;
        this.guarded = new GuardedDataSource(pool, availability);
        this.jdbc = new Jdbc(guarded, ProblemType.CONTROL_DATABASE_UNAVAILABLE);
    }

    /** Connects (creating the database if needed), migrates the schema, and opens a pool. */
    public static ControlDatabase open(String url, String user, String password, int poolSize) {
        ensureDatabaseExists(url, user, password);
        HikariConfig config = new HikariConfig();
        config.setPoolName("control");
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(CONNECT_TIMEOUT.toMillis());
        config.setInitializationFailTimeout(CONNECT_TIMEOUT.toMillis());
        timeouts().forEach((key, value) -> config.addDataSourceProperty((String) key, value));
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw unreachable(url, e);
        }
        try {
            migrate(url, user, password);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return new ControlDatabase(url, user, password, pool, new ControlAvailability(Clock.systemUTC()));
    }

    /** JDBC on the pool; a connection lost or not had is {@code control-database-unavailable}. */
    public Jdbc jdbc() {
        return jdbc;
    }

    /** The pool, behind the availability: while the control database is unavailable, it fails at once. */
    public DataSource dataSource() {
        return guarded;
    }

    /** Whether the control database answers, as this instance last found out. */
    public ControlAvailability availability() {
        return availability;
    }

    public String url() {
        return url;
    }

    /**
     * A connection outside the pool, for LISTEN, which holds its connection for good. Tried whatever
     * the availability says, and its outcome tells the availability: the listener, which reconnects
     * in the background, is how an instance learns that the control database is back.
     */
    public Connection dedicatedConnection() throws SQLException {
        Properties props = timeouts();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("tcpKeepAlive", "true");
        Connection connection;
        try {
            connection = DriverManager.getConnection(url, props);
        } catch (SQLException e) {
            availability.failed(GuardedDataSource.describe(e));
            throw e;
        }
        availability.succeeded();
        return connection;
    }

    /** Whether the control database answers a trivial query within a second; false at once while it is unavailable. */
    public boolean isReachable() {
        try (Connection connection = guarded.getConnection()) {
            return connection.isValid(1);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        pool.close();
    }

    /** The driver's timeouts of every connection but the migrations' ({@link #SOCKET_TIMEOUT}). */
    private static Properties timeouts() {
        Properties props = new Properties();
        props.setProperty("connectTimeout", Long.toString(CONNECT_TIMEOUT.toSeconds()));
        props.setProperty("loginTimeout", Long.toString(CONNECT_TIMEOUT.toSeconds()));
        props.setProperty("socketTimeout", Long.toString(SOCKET_TIMEOUT.toSeconds()));
        return props;
    }

    /**
     * For a restore ({@link ControlDump}): creates the control database when missing and migrates
     * its schema up to {@code version} only, the version of the rows about to be loaded; opening it
     * afterwards migrates the rest.
     */
    public static void prepareForRestore(String url, String user, String password, String version) {
        ensureDatabaseExists(url, user, password);
        migrate(url, user, password, Optional.of(version));
    }

    private static void migrate(String url, String user, String password) {
        migrate(url, user, password, Optional.empty());
    }

    /** On a connection of its own, without the pool's socket timeout: a migration may rewrite a large table. */
    private static void migrate(String url, String user, String password, Optional<String> target) {
        try {
            var configuration = Flyway.configure()
                    .dataSource(url, user, password)
                    .locations("classpath:db/control")
                    .table("control_schema_history");
            target.ifPresent(configuration::target);
            var result = configuration.load().migrate();
            if (result.migrationsExecuted > 0) {
                log.info(
                        "control database migrated to version {} ({} migrations)",
                        result.targetSchemaVersion,
                        result.migrationsExecuted);
            }
        } catch (FlywayException e) {
            throw ProblemType.CONTROL_MIGRATION_FAILED.exception(
                    "control database migration failed: " + e.getMessage(), e);
        }
    }

    private static void ensureDatabaseExists(String url, String user, String password) {
        String database = JdbcUrls.database(url);
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "5");
        try (Connection connection = DriverManager.getConnection(JdbcUrls.withDatabase(url, "postgres"), props);
                var check = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            check.setString(1, database);
            boolean exists;
            try (var rows = check.executeQuery()) {
                exists = rows.next();
            }
            if (exists) {
                closeToPublic(connection, database);
                return;
            }
            try (var create = connection.createStatement()) {
                create.execute("CREATE DATABASE " + Identifiers.quote(database));
                log.info("created control database {}", database);
            }
            closeToPublic(connection, database);
        } catch (SQLException e) {
            if ("42P04".equals(e.getSQLState())) {
                return; // created concurrently by another instance
            }
            throw unreachable(url, e);
        }
    }

    /**
     * Tenant roles live on this server too; none may connect to the control plane. Done at every
     * start, so a crash right after creating the database, or a database an operator made, ends
     * closed as well. Without the privilege to do it, Silo says so and goes on.
     */
    private static void closeToPublic(Connection connection, String database) {
        try (var revoke = connection.createStatement()) {
            revoke.execute("REVOKE ALL ON DATABASE " + Identifiers.quote(database) + " FROM PUBLIC");
        } catch (SQLException e) {
            log.warn(
                    "could not revoke PUBLIC access to the control database {}: {}; do it by hand",
                    database,
                    e.getMessage());
        }
    }

    private static SiloException unreachable(String url, Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return ProblemType.CONTROL_DATABASE_UNREACHABLE
                .exception(
                        "cannot reach the control database at " + JdbcUrls.redacted(url) + ": " + root.getMessage(), e)
                .retryAfter(Duration.ofSeconds(5));
    }
}
