package io.silo.postgres.cluster;

import io.silo.cluster.Cluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The size on disk of every database of a cluster, in one query on one fresh connection, bounded in
 * time like {@link ClusterProbe}: {@code pg_database_size} of each database the role may connect to.
 *
 * <p>Thread-safe.
 */
public final class DatabaseSizes {
    private static final int TIMEOUT_SECONDS = 10;

    private DatabaseSizes() {}

    /** Bytes by database name; a database the role may not connect to is left out. */
    public static Map<String, Long> measure(Cluster cluster) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", cluster.user());
        props.setProperty("password", cluster.password());
        props.setProperty("connectTimeout", Integer.toString(TIMEOUT_SECONDS));
        props.setProperty("socketTimeout", Integer.toString(TIMEOUT_SECONDS));
        props.setProperty("loginTimeout", Integer.toString(TIMEOUT_SECONDS));
        Map<String, Long> sizes = new HashMap<>();
        try (Connection connection = DriverManager.getConnection(cluster.url(), props);
                var statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT datname, pg_database_size(oid) FROM pg_database"
                        + " WHERE NOT datistemplate AND has_database_privilege(datname, 'CONNECT')")) {
            while (rows.next()) {
                sizes.put(rows.getString(1), rows.getLong(2));
            }
        }
        return sizes;
    }
}
