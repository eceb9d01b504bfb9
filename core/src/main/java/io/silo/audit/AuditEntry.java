package io.silo.audit;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * One platform action for the master audit log: who did what to which target, from where.
 *
 * @param actor who acted
 * @param action a dotted verb such as {@code tenant.create}
 * @param targetKind what kind of thing was acted on, e.g. {@code tenant}
 * @param targetId its identifier
 * @param tenantId the tenant concerned, if any
 * @param details anything else worth keeping; never secrets
 */
public record AuditEntry(
        Actor actor,
        String action,
        String targetKind,
        String targetId,
        Optional<UUID> tenantId,
        Map<String, Object> details) {

    public AuditEntry {
        details = Map.copyOf(details);
    }

    /** Who acted and from where. {@code kind} is {@code admin}, {@code user} or {@code system}. */
    public record Actor(String kind, String id, String name, String clientAddress, String userAgent, String requestId) {
        /** Silo itself, e.g. a job or start-up. */
        public static Actor system(String name) {
            return new Actor("system", "", name, "", "", "");
        }
    }
}
