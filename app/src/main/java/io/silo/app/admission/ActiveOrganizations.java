package io.silo.app.admission;

import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.postgres.control.TenantStore;
import io.silo.tenant.Tenant;
import io.silo.tenant.TenantStatus;
import java.util.UUID;

/**
 * The organization of a signed-in member, which must still be active: a token outlives a
 * suspension by up to one access-token lifetime, and this closes that gap for identity routes.
 *
 * <p>Thread-safe.
 */
public final class ActiveOrganizations {
    private final TenantStore tenants;

    public ActiveOrganizations(TenantStore tenants) {
        this.tenants = tenants;
    }

    /** The member's organization, when it is active; else a 401 or 403 saying why. */
    public Tenant active(UUID tenantId) {
        Tenant tenant = tenants.find(tenantId)
                .orElseThrow(
                        () -> ProblemType.INVALID_TOKEN.exception("the organization of this token no longer exists"));
        if (tenant.status() == TenantStatus.SUSPENDED) {
            throw suspended(tenant);
        }
        if (tenant.status() != TenantStatus.ACTIVE) {
            throw ProblemType.ORGANIZATION_UNAVAILABLE.exception(
                    "organization " + tenant.slug() + " is " + tenant.status().value());
        }
        return tenant;
    }

    public static SiloException suspended(Tenant tenant) {
        return ProblemType.ORGANIZATION_SUSPENDED
                .exception("organization " + tenant.slug() + " is suspended; ask the platform operator")
                .with("organization", tenant.slug());
    }
}
