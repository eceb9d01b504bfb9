package io.silo.naming;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * What a tenant offers to database-name patterns: one value per variable. The service is not
 * here; it comes from the template being named.
 *
 * <p>Immutable and thread-safe.
 *
 * @param tenantId the tenant's id, for {@code {tenantId}}
 * @param slug the tenant's slug, for {@code {slug}}
 * @param name the organization's name as people wrote it, for {@code {name}}
 * @param businessType the organization's business type, for {@code {businessType}}, if it has one
 * @param adminUsername the login name of the tenant's first administrator, for {@code {adminUsername}}, if known
 * @param created when the tenant was created, for {@code {createdMillis}} (milliseconds since the epoch)
 */
public record NamingContext(
        UUID tenantId,
        String slug,
        String name,
        Optional<String> businessType,
        Optional<String> adminUsername,
        Instant created) {

    public NamingContext {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(slug, "slug");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(businessType, "businessType");
        Objects.requireNonNull(adminUsername, "adminUsername");
        Objects.requireNonNull(created, "created");
    }

    /** A context without business type or administrator user name. */
    public static NamingContext of(UUID tenantId, String slug, String name, Instant created) {
        return new NamingContext(tenantId, slug, name, Optional.empty(), Optional.empty(), created);
    }

    /** A copy with {@code {businessType}} set. */
    public NamingContext withBusinessType(String type) {
        return new NamingContext(tenantId, slug, name, Optional.of(type), adminUsername, created);
    }

    /** A copy with {@code {adminUsername}} set. */
    public NamingContext withAdminUsername(String username) {
        return new NamingContext(tenantId, slug, name, businessType, Optional.of(username), created);
    }
}
