package io.silo.postgres.cluster;

import io.silo.cluster.Cluster;
import io.silo.error.ProblemType;
import io.silo.postgres.jdbc.JdbcUrls;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Checks a server before it is registered as a cluster: it answers within a few seconds, takes the
 * credentials, runs PostgreSQL 15 or newer, and its role may create databases and roles (a
 * superuser, or {@code CREATEDB} and {@code CREATEROLE}), which is what provisioning will ask of it.
 *
 * <p>Thread-safe.
 */
public final class ClusterCheck {
    private static final int TIMEOUT_SECONDS = 5;

    private ClusterCheck() {}

    /** Returns the server's version ({@code server_version_num}); a server unfit to hold tenants is a 422 problem. */
    public static int check(Cluster cluster) {
        Properties props = new Properties();
        props.setProperty("user", cluster.user());
        props.setProperty("password", cluster.password());
        props.setProperty("connectTimeout", Integer.toString(TIMEOUT_SECONDS));
        props.setProperty("socketTimeout", Integer.toString(TIMEOUT_SECONDS));
        props.setProperty("loginTimeout", Integer.toString(TIMEOUT_SECONDS));
        props.setProperty("ApplicationName", "silo-cluster-check");
        int version;
        boolean mayProvision;
        try (Connection connection = DriverManager.getConnection(cluster.url(), props);
                var statement = connection.createStatement();
                ResultSet row = statement.executeQuery(
                        "SELECT current_setting('server_version_num')::int, rolsuper OR (rolcreatedb AND rolcreaterole)"
                                + " FROM pg_roles WHERE rolname = current_user")) {
            row.next();
            version = row.getInt(1);
            mayProvision = row.getBoolean(2);
        } catch (SQLException e) {
            String reason = e.getMessage() == null
                    ? e.getClass().getSimpleName()
                    : e.getMessage().lines().findFirst().orElse("");
            throw ProblemType.CLUSTER_UNUSABLE.exception("cluster " + cluster.id() + " at "
                    + JdbcUrls.redacted(cluster.url()) + " cannot be used: " + reason);
        }
        if (version < 150000) {
            throw ProblemType.CLUSTER_TOO_OLD.exception(
                    "cluster " + cluster.id() + " runs PostgreSQL " + (version / 10000) + "; Silo needs 15 or newer");
        }
        if (!mayProvision) {
            throw ProblemType.CLUSTER_UNUSABLE.exception("role " + cluster.user() + " of cluster " + cluster.id()
                    + " may not create databases and roles: make it a superuser, or grant CREATEDB and CREATEROLE");
        }
        return version;
    }
}
