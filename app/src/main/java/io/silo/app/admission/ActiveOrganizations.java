package io.silo.app.admission;

import io.silo.postgres.control.TenantStore;
import io.silo.template.ServiceTemplate;
import io.silo.tenant.Admission;
import io.silo.tenant.Tenant;
import io.silo.tenant.TenantDatabase;
import java.util.Optional;
import java.util.UUID;

/**
 * The organization of a signed-in member, read from the registry (not the cache), which must still
 * be one the route may reach ({@link Admission}): the identity routes re-read it at once.
 *
 * <p>Thread-safe.
 */
public final class ActiveOrganizations {
    private final TenantStore tenants;

    public ActiveOrganizations(TenantStore tenants) {
        this.tenants = tenants;
    }

    /** The member's organization, read now, when {@code route} may reach it ({@link Admission}); else its problem. */
    public Tenant active(UUID tenantId, Admission.Route route) {
        Optional<Tenant> tenant = tenants.find(tenantId);
        Admission.check(Admission.organization(
                tenant.map(Tenant::status), tenant.map(Tenant::slug).orElse(tenantId.toString()), route));
        if (route == Admission.Route.WRITE) {
            // user changes are written to the core database
            Admission.check(Admission.database(
                    tenant.get().database(ServiceTemplate.CORE).map(TenantDatabase::state),
                    tenant.get().slug(),
                    ServiceTemplate.CORE,
                    route));
        }
        return tenant.orElseThrow();
    }

    /** The member's organization, for reads. */
    public Tenant active(UUID tenantId) {
        return active(tenantId, Admission.Route.READ);
    }
}
