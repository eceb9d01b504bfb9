package io.silo.postgres.control;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.postgres.jdbc.Jdbc;
import io.silo.postgres.jdbc.JdbcUrls;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
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
 * <p>Thread-safe.
 */
public final class ControlDatabase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControlDatabase.class);

    private final String url;
    private final String user;
    private final String password;
    private final HikariDataSource pool;
    private final Jdbc jdbc;

    private ControlDatabase(String url, String user, String password, HikariDataSource pool) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.pool = pool;
        this.jdbc = new Jdbc(pool);
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
        config.setConnectionTimeout(Duration.ofSeconds(5).toMillis());
        config.setInitializationFailTimeout(Duration.ofSeconds(5).toMillis());
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw unreachable(url, e);
        }
        try {
            migrate(pool);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return new ControlDatabase(url, user, password, pool);
    }

    public Jdbc jdbc() {
        return jdbc;
    }

    public DataSource dataSource() {
        return pool;
    }

    public String url() {
        return url;
    }

    /** A connection outside the pool, for LISTEN, which holds its connection for good. */
    public Connection dedicatedConnection() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("tcpKeepAlive", "true");
        return DriverManager.getConnection(url, props);
    }

    /** Whether the control database answers a trivial query within a second. */
    public boolean isReachable() {
        try (Connection connection = pool.getConnection()) {
            return connection.isValid(1);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        pool.close();
    }

    private static void migrate(DataSource dataSource) {
        try {
            var result = Flyway.configure()
                    .dataSource(dataSource)
                    .locations("classpath:db/control")
                    .table("control_schema_history")
                    .load()
                    .migrate();
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
                String quoted = "\"" + database.replace("\"", "\"\"") + "\"";
                create.execute("CREATE DATABASE " + quoted);
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
            revoke.execute("REVOKE ALL ON DATABASE \"" + database.replace("\"", "\"\"") + "\" FROM PUBLIC");
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
