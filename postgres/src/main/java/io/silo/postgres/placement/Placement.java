package io.silo.postgres.placement;

import io.silo.tenant.Features;
import io.silo.tenant.Quotas;
import io.silo.tenant.TenantStatus;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Where a tenant's databases live and how to open them: the tenant's status, its own PostgreSQL
 * role, and for each service the cluster and database. Immutable, so thread-safe.
 *
 * @param tenantId the tenant
 * @param slug its URL-safe unique name
 * @param status whether it may be served
 * @param businessType free text chosen at creation, e.g. {@code retail}
 * @param role the tenant's PostgreSQL role
 * @param password that role's password, opened from its sealed form; never printed by {@link #toString()}
 * @param databases the tenant's databases by service name
 * @param corsOrigins the origins of the tenant's own browser front ends, exactly as browsers send them
 * @param quotas the tenant's limits: the data plane enforces those on a collection's document count
 *               from here, so that a write needs no query of the control database
 * @param features what the tenant's {@code features} switch off, enforced from here as well
 */
public record Placement(
        UUID tenantId,
        String slug,
        TenantStatus status,
        Optional<String> businessType,
        String role,
        String password,
        Map<String, ServiceDatabase> databases,
        Set<String> corsOrigins,
        Quotas quotas,
        Features features) {

    public Placement {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(slug, "slug");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(businessType, "businessType");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(password, "password");
        databases = Map.copyOf(databases);
        corsOrigins = Set.copyOf(corsOrigins);
        Objects.requireNonNull(quotas, "quotas");
        Objects.requireNonNull(features, "features");
    }

    /** Whether requests may be served: the tenant is active (not provisioning, suspended, failed or being deleted). */
    public boolean isActive() {
        return status == TenantStatus.ACTIVE;
    }

    /** Whether the tenant lists {@code origin} as the origin of one of its browser front ends. */
    public boolean listsOrigin(String origin) {
        return corsOrigins.contains(origin);
    }

    /** The database of one service, if the tenant has that service. */
    public Optional<ServiceDatabase> database(String service) {
        return Optional.ofNullable(databases.get(service));
    }

    @Override
    public String toString() {
        return "Placement[tenant=" + tenantId + ", slug=" + slug + ", status=" + status.value() + ", role=" + role
                + ", databases=" + databases.values() + "]";
    }
}
