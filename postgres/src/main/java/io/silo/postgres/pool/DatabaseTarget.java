package io.silo.postgres.pool;

import io.silo.cluster.Cluster;
import io.silo.postgres.jdbc.JdbcUrls;
import io.silo.postgres.placement.Placement;
import io.silo.postgres.placement.ServiceDatabase;
import java.util.Objects;
import java.util.UUID;

/**
 * One tenant database and the credentials that open it: the tenant's own role, so that a routing
 * bug cannot read another tenant's rows.
 *
 * <p>Immutable, so thread-safe.
 *
 * @param tenantId the tenant the database belongs to
 * @param service the service whose data it holds, e.g. {@code billing} or {@code core}
 * @param cluster the server it lives on
 * @param database its name on that server
 * @param role the tenant's PostgreSQL role
 * @param password that role's password; never printed by {@link #toString()}
 */
public record DatabaseTarget(
        UUID tenantId, String service, Cluster cluster, String database, String role, String password) {

    public DatabaseTarget {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(password, "password");
        if (database.isBlank() || role.isBlank()) {
            throw new IllegalArgumentException(
                    "a database target needs a database and a role, got '" + database + "' and '" + role + "'");
        }
    }

    /**
     * The target of one service database of a placement.
     *
     * @throws IllegalArgumentException when {@code cluster} is not the cluster the database is placed on
     */
    public static DatabaseTarget of(Placement placement, ServiceDatabase database, Cluster cluster) {
        if (!cluster.id().equals(database.clusterId())) {
            throw new IllegalArgumentException("database " + database.database() + " of tenant " + placement.tenantId()
                    + " lives on cluster " + database.clusterId() + ", not " + cluster.id());
        }
        return new DatabaseTarget(
                placement.tenantId(),
                database.service(),
                cluster,
                database.database(),
                placement.role(),
                placement.password());
    }

    /** The JDBC URL of this database: the cluster's URL with the database swapped in. */
    public String url() {
        return JdbcUrls.withDatabase(cluster.url(), database);
    }

    /** Whether a pool opened for this target may serve {@code other}: same place, same credentials. */
    boolean sameConnectionAs(DatabaseTarget other) {
        return tenantId.equals(other.tenantId)
                && database.equals(other.database)
                && cluster.id().equals(other.cluster.id())
                && cluster.url().equals(other.cluster.url())
                && role.equals(other.role)
                && password.equals(other.password);
    }

    @Override
    public String toString() {
        return "DatabaseTarget[tenant=" + tenantId + ", service=" + service + ", cluster=" + cluster.id()
                + ", database=" + database + ", role=" + role + "]";
    }
}
