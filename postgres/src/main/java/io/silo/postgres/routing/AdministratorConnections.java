package io.silo.postgres.routing;

import io.silo.error.SiloException;
import io.silo.postgres.cluster.ClusterAdmins;
import io.silo.postgres.control.TenantStore;
import io.silo.postgres.internal.Jdbc;
import io.silo.tenant.Tenant;
import io.silo.tenant.TenantDatabase;
import java.util.UUID;

/**
 * Interim routing: a new connection as the cluster administrator for each unit of work. Correct
 * but slow and without the tenant role's isolation; replaced by pooled routing.
 *
 * <p>Thread-safe.
 */
public final class AdministratorConnections implements TenantConnections {
    private final TenantStore tenants;
    private final ClusterAdmins admins;

    public AdministratorConnections(TenantStore tenants, ClusterAdmins admins) {
        this.tenants = tenants;
        this.admins = admins;
    }

    @Override
    public <T> T inTransaction(UUID tenantId, String service, Jdbc.HandleFunction<T> work) {
        Tenant tenant = tenants.find(tenantId).orElseThrow(() -> SiloException.notFound("organization-not-found", "no organization " + tenantId));
        TenantDatabase database = tenant.database(service).orElseThrow(() -> SiloException.notFound("service-not-enabled",
                "organization " + tenant.slug() + " does not use the service " + service));
        return admins.of(database.clusterId()).inDatabase(database.databaseName(), work);
    }
}
