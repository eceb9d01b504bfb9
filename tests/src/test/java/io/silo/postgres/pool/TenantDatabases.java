package io.silo.postgres.pool;

import io.silo.cluster.Cluster;
import io.silo.crypto.Secrets;
import io.silo.testing.TestPostgres;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real tenant databases on the shared test servers: each with its own login role, the only role
 * besides the superuser that may connect to it.
 */
public final class TenantDatabases {
    private static final AtomicInteger ROLES = new AtomicInteger();

    private TenantDatabases() {}

    /** A tenant's role and one of its databases. */
    public record TenantDatabase(UUID tenantId, String role, String password, String database) {

        public DatabaseTarget target(Cluster cluster) {
            return new DatabaseTarget(tenantId, "core", cluster, database, role, password);
        }
    }

    /** A new role and a new database only it may connect to. */
    public static TenantDatabase create(TestPostgres server, String prefix) {
        String role = prefix + "_role_" + ProcessHandle.current().pid() + "_" + ROLES.incrementAndGet();
        String password = Secrets.password();
        String database = server.createDatabase(prefix);
        server.admin().useHandle(handle -> {
            handle.execute("CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "'");
            // New databases let PUBLIC connect; a tenant database lets only its tenant's role.
            handle.execute("REVOKE CONNECT ON DATABASE " + database + " FROM PUBLIC");
            handle.execute("GRANT CONNECT ON DATABASE " + database + " TO " + role);
        });
        return new TenantDatabase(UUID.randomUUID(), role, password, database);
    }

    /** A cluster record for a test server. */
    public static Cluster cluster(String id, TestPostgres server, int budget) {
        return new Cluster(
                id, server.url("postgres"), server.user(), server.password(), Map.of(), 5000, budget, false, "active");
    }

    /** Server connections these roles hold now, as the server itself counts them. */
    public static int backends(TestPostgres server, Collection<String> roles) {
        return server.admin()
                .queryOne(
                        "SELECT count(*)::int FROM pg_stat_activity WHERE usename = ANY (?)",
                        row -> row.getInt(1),
                        (Object) roles.toArray(String[]::new))
                .orElseThrow();
    }
}
