package io.silo.tenant;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * An organization as the control plane knows it: identity, status, commercial terms, contacts,
 * and where each of its databases lives. Its users are not here: they live in its core database.
 *
 * @param slug URL-safe unique name; {@code {org}} in routes accepts it or the id
 * @param businessType free-form category, e.g. {@code computer}; some naming patterns use it
 * @param license free-form plan name, e.g. {@code free}, {@code pro}
 * @param features enabled feature flags
 * @param externalId the organization's id in another system ({@code org_techcorp_001}, a MongoDB
 *                   ObjectId), unique and never any organization's slug; {@code {org}} accepts it too
 * @param deleteAfter when an organization its administrator closed is deleted, unless a platform
 *                    administrator activates it before; empty for every other
 * @param corsOrigins the origins of the organization's own browser front ends, exactly as browsers send
 *                    them ({@code https://app.example.com}); its members' answers may be read there
 * @param passwordMinLength the organization's own shortest password, when it set one stricter than the
 *                          deployment's ({@code passwordPolicy.minLength}); the deployment's floor still holds
 */
public record Tenant(
        UUID id,
        String slug,
        String name,
        Optional<String> businessType,
        TenantStatus status,
        Optional<String> statusReason,
        Optional<String> license,
        Quotas quotas,
        List<String> features,
        Optional<Contact> adminContact,
        Optional<Contact> billingContact,
        Optional<String> notes,
        List<String> corsOrigins,
        Instant createdAt,
        Instant updatedAt,
        List<TenantDatabase> databases,
        Optional<Integer> passwordMinLength,
        Optional<String> externalId,
        Optional<Instant> deleteAfter) {

    public Tenant {
        features = List.copyOf(features);
        corsOrigins = List.copyOf(corsOrigins);
        databases = List.copyOf(databases);
        java.util.Objects.requireNonNull(externalId, "externalId");
        java.util.Objects.requireNonNull(deleteAfter, "deleteAfter");
    }

    /**
     * Whether the organization uses {@code service} now: it has a database for it that is not
     * detached (a removed service, restorable for a while, is not in use).
     */
    public boolean usesService(String service) {
        return database(service)
                .filter(database -> database.state() != DatabaseState.DETACHED)
                .isPresent();
    }

    /** The database of {@code service}, whatever its state, detached included. */
    public Optional<TenantDatabase> database(String service) {
        return databases.stream()
                .filter(database -> database.service().equals(service))
                .findFirst();
    }
}
