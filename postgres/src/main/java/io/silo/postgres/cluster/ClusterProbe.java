package io.silo.postgres.cluster;

import io.silo.cluster.Cluster;
import io.silo.postgres.jdbc.JdbcUrls;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Tests whether a cluster answers: one fresh connection and a trivial query, bounded in time. The
 * server's version comes with the connection (pgjdbc reads it from the startup answer), so naming it
 * costs no query.
 *
 * <p>Thread-safe.
 */
public final class ClusterProbe {
    private static final int TIMEOUT_SECONDS = 3;

    private ClusterProbe() {}

    /**
     * The outcome of one probe: {@code version} is the server's ({@code server_version}) when it
     * answered, else empty; {@code error} says why not when it did not, else empty.
     */
    public record Result(String cluster, boolean reachable, long latencyMillis, String version, String error) {}

    public static Result probe(Cluster cluster) {
        return probeUrl(cluster, cluster.url());
    }

    /**
     * Probes one database of the cluster (a tenant's), connecting as the cluster's administrator:
     * the same bounded connection and query, so a cluster that is down costs at most the timeout.
     */
    public static Result probe(Cluster cluster, String database) {
        return probeUrl(cluster, JdbcUrls.withDatabase(cluster.url(), database));
    }

    private static Result probeUrl(Cluster cluster, String url) {
        long start = System.nanoTime();
        Properties props = new Properties();
        props.setProperty("user", cluster.user());
        props.setProperty("password", cluster.password());
        props.setProperty("connectTimeout", Integer.toString(TIMEOUT_SECONDS));
        props.setProperty("socketTimeout", Integer.toString(TIMEOUT_SECONDS));
        props.setProperty("loginTimeout", Integer.toString(TIMEOUT_SECONDS));
        try (Connection connection = DriverManager.getConnection(url, props);
                var statement = connection.createStatement()) {
            statement.execute("SELECT 1");
            String version = connection.getMetaData().getDatabaseProductVersion();
            return new Result(cluster.id(), true, (System.nanoTime() - start) / 1_000_000, version, "");
        } catch (SQLException e) {
            String reason = e.getMessage() == null
                    ? e.getClass().getSimpleName()
                    : e.getMessage().lines().findFirst().orElse("");
            return new Result(
                    cluster.id(),
                    false,
                    (System.nanoTime() - start) / 1_000_000,
                    "",
                    "cannot reach " + JdbcUrls.redacted(url) + ": " + reason);
        }
    }
}
