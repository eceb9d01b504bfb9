package io.silo.postgres.cluster;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.silo.cluster.Cluster;
import io.silo.error.ProblemType;
import io.silo.postgres.jdbc.DataAccessException;
import io.silo.postgres.jdbc.Handle;
import io.silo.postgres.jdbc.Identifiers;
import io.silo.postgres.jdbc.Jdbc;
import io.silo.postgres.jdbc.JdbcUrls;
import io.silo.postgres.jdbc.Transactions;
import io.silo.template.ServiceTemplate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Administration of one cluster as its administrative role: databases, tenant roles, grants,
 * and per-template template databases. Every operation is idempotent, because jobs repeat
 * steps after a crash.
 *
 * <p>Role passwords travel as SCRAM verifiers computed here ({@link GeneratedPasswordVerifier}), so no
 * statement or server log ever holds them.
 *
 * <p>Thread-safe.
 */
public final class ClusterAdmin implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterAdmin.class);

    /** The databases every PostgreSQL server has and no tenant needs. */
    private static final List<String> MAINTENANCE_DATABASES = java.util.List.of("postgres", "template1");

    /** How long an administrative connection may take to open. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private volatile Cluster cluster;
    private final HikariDataSource pool;
    private final Jdbc jdbc;
    private final Properties timeouts = new Properties();
    private final int socketTimeoutMillis;
    private volatile boolean prepared;

    /**
     * @param statementTimeout the longest a statement may run; the socket waits that and the connect
     *                         timeout more, so a server that stops answering frees the job's thread
     */
    public ClusterAdmin(Cluster cluster, Duration statementTimeout) {
        this.cluster = cluster;
        timeouts.setProperty("connectTimeout", Long.toString(CONNECT_TIMEOUT.toSeconds()));
        timeouts.setProperty("loginTimeout", Long.toString(CONNECT_TIMEOUT.toSeconds()));
        this.socketTimeoutMillis = (int) Math.min(
                Integer.MAX_VALUE, statementTimeout.plus(CONNECT_TIMEOUT).toMillis());
        timeouts.setProperty("socketTimeout", Long.toString(socketTimeoutMillis / 1000));
        timeouts.setProperty("options", "-c statement_timeout=" + statementTimeout.toMillis());
        timeouts.setProperty("tcpKeepAlive", "true");
        HikariConfig config = new HikariConfig();
        config.setDataSourceProperties(timeouts);
        config.setPoolName("admin-" + cluster.id());
        config.setJdbcUrl(cluster.url());
        config.setUsername(cluster.user());
        config.setPassword(cluster.password());
        config.setMaximumPoolSize(4);
        config.setMinimumIdle(0);
        config.setIdleTimeout(Duration.ofMinutes(2).toMillis());
        config.setConnectionTimeout(CONNECT_TIMEOUT.toMillis());
        config.setInitializationFailTimeout(-1);
        this.pool = new HikariDataSource(config);
        this.jdbc = new Jdbc(pool);
    }

    public Cluster cluster() {
        return cluster;
    }

    /**
     * Takes up the cluster as the registry holds it now, its administrative password changed by a
     * rotation: connections opened from here on use it; those open stay good, for PostgreSQL checks
     * a password at login only.
     */
    public void useCredentials(Cluster current) {
        if (!current.id().equals(cluster.id())) {
            throw new IllegalArgumentException("cluster " + current.id() + " is not " + cluster.id());
        }
        cluster = current;
        pool.getHikariConfigMXBean().setPassword(current.password());
    }

    /**
     * Gives the cluster's administrative role the password {@code next} (as a SCRAM verifier), logged
     * in with the first of {@code candidates} the server accepts: the current password, or the staged
     * one when an interrupted rotation had set it already.
     */
    public static void setOwnPassword(Cluster cluster, List<String> candidates, String next) {
        SQLException refused = null;
        for (String candidate : candidates) {
            Properties props = new Properties();
            props.setProperty("user", cluster.user());
            props.setProperty("password", candidate);
            props.setProperty("connectTimeout", Long.toString(CONNECT_TIMEOUT.toSeconds()));
            try (Connection connection = DriverManager.getConnection(cluster.url(), props);
                    var statement = connection.createStatement()) {
                statement.execute(GeneratedPasswordVerifier.alterRole("CURRENT_USER", next));
                return;
            } catch (SQLException e) {
                if (!"28P01".equals(e.getSQLState())) {
                    // the message names the statement without its verifier
                    throw new DataAccessException("ALTER ROLE CURRENT_USER PASSWORD '…' on cluster " + cluster.id(), e);
                }
                refused = e;
            }
        }
        throw new DataAccessException("(log in to cluster " + cluster.id() + " to change its password)", refused);
    }

    public boolean databaseExists(String database) {
        return jdbc.queryOne("SELECT 1 FROM pg_database WHERE datname = ?", row -> 1, database)
                .isPresent();
    }

    /** The comment on a database, where Silo records which tenant owns it. */
    public java.util.Optional<String> databaseComment(String database) {
        return jdbc.queryOne(
                        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = ?",
                        row -> row.getString(1),
                        database)
                .flatMap(java.util.Optional::ofNullable);
    }

    /** The databases of this server whose comment says a Silo tenant owns them, by name, with that comment. */
    public java.util.Map<String, String> tenantDatabases() {
        java.util.Map<String, String> found = new java.util.TreeMap<>();
        jdbc.query(
                        "SELECT datname, shobj_description(oid, 'pg_database') FROM pg_database"
                                + " WHERE shobj_description(oid, 'pg_database') LIKE 'silo tenant %'",
                        row -> java.util.Map.entry(row.getString(1), row.getString(2)))
                .forEach(entry -> found.put(entry.getKey(), entry.getValue()));
        return found;
    }

    /** Creates {@code database} as a copy of {@code template}; {@link #secureDatabase} must follow. */
    public void createDatabase(String database, String template) {
        jdbc.useHandle(handle -> {
            handle.execute(
                    "CREATE DATABASE " + Identifiers.quote(database) + " TEMPLATE " + Identifiers.quote(template));
        });
    }

    /** Closes a database to everyone but the administrator and records its owner in its comment. */
    public void secureDatabase(String database, String ownerComment) {
        jdbc.inTransaction(
                handle -> { // one commit, not one per statement
                    handle.execute("REVOKE ALL ON DATABASE " + Identifiers.quote(database) + " FROM PUBLIC");
                    handle.execute("COMMENT ON DATABASE " + Identifiers.quote(database) + " IS "
                            + Identifiers.literal(ownerComment));
                    return null;
                });
    }

    /** Drops a database if it exists, ending its sessions first. */
    public void dropDatabase(String database) {
        jdbc.useHandle(handle -> {
            handle.execute("DROP DATABASE IF EXISTS " + Identifiers.quote(database) + " WITH (FORCE)");
        });
    }

    /**
     * Creates a login role with no other power, or resets its password when it exists; the cluster's
     * maintenance databases are closed to it first.
     */
    public void ensureRole(String role, String password) {
        prepare();
        jdbc.useHandle(handle -> {
            if (handle.queryOne("SELECT 1 FROM pg_roles WHERE rolname = ?", row -> 1, role)
                    .isEmpty()) {
                try {
                    handle.execute("CREATE ROLE " + Identifiers.quote(role)
                            + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION");
                } catch (DataAccessException e) {
                    if (!"42710".equals(e.sqlState().orElse(""))) {
                        throw e; // 42710: created concurrently, which is fine
                    }
                }
            }
            try (var statement = handle.connection().createStatement()) {
                statement.execute(GeneratedPasswordVerifier.alterRole(Identifiers.quote(role), password));
            } catch (SQLException e) {
                // the message names the statement without its verifier
                throw new DataAccessException("ALTER ROLE " + Identifiers.quote(role) + " PASSWORD '…'", e);
            }
        });
    }

    /** Drops a role if it exists. Its databases must be gone first. */
    public void dropRole(String role) {
        jdbc.useHandle(handle -> {
            handle.execute("DROP ROLE IF EXISTS " + Identifiers.quote(role));
        });
    }

    /**
     * Lets {@code role} connect to {@code database} and use its tables: read and write the
     * collections, append to and read the activity log, read the schema version. Tables that
     * later migrations create get the same rights through default privileges.
     */
    public void grantTenantAccess(String database, String role) {
        jdbc.useHandle(handle -> {
            handle.execute(
                    "GRANT CONNECT ON DATABASE " + Identifiers.quote(database) + " TO " + Identifiers.quote(role));
        });
        inDatabase(database, handle -> {
            String who = Identifiers.quote(role);
            handle.execute("GRANT USAGE ON SCHEMA public TO " + who);
            handle.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + who);
            handle.execute("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO " + who);
            handle.execute(
                    "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "
                            + who);
            handle.execute("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO " + who);
            if (tableExists(handle, "silo_activity")) {
                handle.execute(
                        "REVOKE UPDATE, DELETE ON silo_activity FROM " + who); // the log is append-only for tenants
            }
            if (tableExists(handle, "silo_schema")) {
                handle.execute("REVOKE INSERT, UPDATE, DELETE ON silo_schema FROM " + who);
            }
            if (tableExists(handle, "silo_migrations")) {
                handle.execute("REVOKE INSERT, UPDATE, DELETE ON silo_migrations FROM " + who);
            }
            return null;
        });
    }

    /**
     * The template database for a template version on this cluster, built on first use: created
     * under a temporary name, given the schema, then renamed, so that a database of the final name
     * is always complete. Concurrent builders serialize on an advisory lock.
     */
    public String ensureTemplate(ServiceTemplate template, SchemaInstaller installer) {
        prepare();
        String name = TemplateNames.of(template);
        if (databaseExists(name)) {
            return name;
        }
        jdbc.useHandle(handle -> {
            handle.queryOne("SELECT pg_advisory_lock(hashtext(?))", row -> 1, name);
            try {
                if (handle.queryOne("SELECT 1 FROM pg_database WHERE datname = ?", row -> 1, name)
                        .isEmpty()) {
                    build(handle, template, name, installer);
                }
            } finally {
                handle.queryOne("SELECT pg_advisory_unlock(hashtext(?))", row -> 1, name);
            }
        });
        return name;
    }

    private void build(Handle handle, ServiceTemplate template, String name, SchemaInstaller installer) {
        String building = name + "_b";
        handle.execute("DROP DATABASE IF EXISTS " + Identifiers.quote(building) + " WITH (FORCE)");
        handle.execute("CREATE DATABASE " + Identifiers.quote(building) + " TEMPLATE template0 ENCODING 'UTF8'");
        handle.execute("REVOKE ALL ON DATABASE " + Identifiers.quote(building) + " FROM PUBLIC");
        try (Connection connection = connect(building)) {
            installer.install(connection, template); // the installer runs its own transaction
            try (var statement = connection.createStatement()) {
                // PostgreSQL 15 already does this; say it anyway, so that no tenant role may ever plant objects
                statement.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
            }
        } catch (SQLException e) {
            throw new DataAccessException("(connect to " + building + " on cluster " + cluster.id() + ")", e);
        }
        handle.execute("ALTER DATABASE " + Identifiers.quote(building) + " RENAME TO " + Identifiers.quote(name));
        handle.execute("ALTER DATABASE " + Identifiers.quote(name) + " WITH IS_TEMPLATE true");
        handle.execute("COMMENT ON DATABASE " + Identifiers.quote(name) + " IS "
                + Identifiers.literal(
                        "silo template " + template.service() + " v" + template.version() + " " + template.checksum()));
        log.info("built template database {} on cluster {}", name, cluster.id());
    }

    /** The databases of the server that accept connections: the ones autovacuum visits. */
    public int databaseCount() {
        return jdbc.queryOne("SELECT count(*) FROM pg_database WHERE datallowconn", row -> row.getInt(1))
                .orElse(0);
    }

    /** The server's {@code autovacuum_naptime} in force. */
    public Duration autovacuumNaptime() {
        return jdbc.queryOne(
                        "SELECT setting::int FROM pg_settings WHERE name = 'autovacuum_naptime'",
                        row -> Duration.ofSeconds(row.getInt(1)))
                .orElseThrow();
    }

    /**
     * Sets the server's {@code autovacuum_naptime} for good ({@code ALTER SYSTEM}, which needs a superuser
     * or that privilege on the parameter) and has the server reload its configuration.
     */
    public void setAutovacuumNaptime(Duration naptime) {
        jdbc.useHandle(handle -> {
            handle.execute("ALTER SYSTEM SET autovacuum_naptime = '" + naptime.toSeconds() + "s'");
            handle.queryOne("SELECT pg_reload_conf()", row -> row.getBoolean(1));
        });
    }

    /**
     * Readies the cluster before this instance first puts a tenant on it: checks the version (Silo
     * relies on PostgreSQL 15 or newer: DROP DATABASE … FORCE, default privileges on public, pgjdbc
     * SCRAM) and closes the server's maintenance databases ({@code postgres}, {@code template1}) to
     * {@code PUBLIC}, so that a tenant role, whose password could one day leak, connects to its own
     * databases only. The administrative role keeps its access as their owner or a superuser; a role
     * that is neither cannot revoke (PostgreSQL warns and changes nothing), and Silo then names every
     * database still open to every role in its log, as it does for databases that are not Silo's.
     */
    private void prepare() {
        if (prepared) {
            return;
        }
        int version = jdbc.queryOne("SELECT current_setting('server_version_num')::int", row -> row.getInt(1))
                .orElse(0);
        if (version < 150000) {
            throw ProblemType.CLUSTER_TOO_OLD.exception(
                    "cluster " + cluster.id() + " runs PostgreSQL " + (version / 10000) + "; Silo needs 15 or newer");
        }
        List<String> open = jdbc.inTransaction(handle -> {
            // only their owner (or a superuser) may: a role with CREATEDB and CREATEROLE alone is warned below instead
            List<String> ours = handle.query(
                    "SELECT datname FROM pg_database d WHERE datname IN ('postgres', 'template1')"
                            + " AND (pg_has_role(current_user, d.datdba, 'MEMBER')"
                            + " OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user))",
                    row -> row.getString(1));
            for (String maintenance : MAINTENANCE_DATABASES) {
                if (ours.contains(maintenance)) {
                    handle.execute(
                            "REVOKE CONNECT, TEMPORARY ON DATABASE " + Identifiers.quote(maintenance) + " FROM PUBLIC");
                }
            }
            return handle.query(
                    "SELECT datname FROM pg_database WHERE datallowconn"
                            + " AND has_database_privilege('public', datname, 'CONNECT') ORDER BY datname",
                    row -> row.getString(1));
        });
        if (!open.isEmpty()) {
            log.warn(
                    "databases {} of cluster {} accept connections from every role (CONNECT for PUBLIC), tenant roles"
                            + " included; revoke it unless they are meant to be public",
                    open,
                    cluster.id());
        }
        prepared = true;
    }

    /** Runs {@code work} in one transaction on a new administrative connection to {@code database}. */
    public <T> T inDatabase(String database, Jdbc.HandleFunction<T> work) {
        try (Connection connection = connect(database)) {
            return Transactions.run(connection, work);
        } catch (SQLException e) {
            throw new DataAccessException("(connect to " + database + " on cluster " + cluster.id() + ")", e);
        }
    }

    /** A new administrative connection to {@code database}, in auto-commit mode; the caller closes it. */
    public Connection connect(String database) throws SQLException {
        Properties props = new Properties();
        props.putAll(timeouts);
        // no loginTimeout, which costs a thread per connection (a rollout opens one per database):
        // the socket's own timeout bounds the login instead, and is lengthened once connected
        props.remove("loginTimeout");
        props.setProperty("socketTimeout", Long.toString(CONNECT_TIMEOUT.toSeconds()));
        // the notices of idempotent DDL ("already exists, skipping") are read by nobody
        props.setProperty("options", timeouts.getProperty("options") + " -c client_min_messages=warning");
        props.setProperty("user", cluster.user());
        props.setProperty("password", cluster.password());
        Connection connection = DriverManager.getConnection(JdbcUrls.withDatabase(cluster.url(), database), props);
        try {
            connection.setNetworkTimeout(Runnable::run, socketTimeoutMillis);
            return connection;
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
    }

    private static boolean tableExists(Handle handle, String table) {
        return handle.queryOne("SELECT to_regclass(?) IS NOT NULL", row -> row.getBoolean(1), "public." + table)
                .orElse(false);
    }

    @Override
    public void close() {
        pool.close();
    }
}
