package io.silo.postgres.activity;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * One line of a tenant's activity log: who did what to which target, from where.
 *
 * @param action a dotted verb such as {@code document.insert} or {@code user.create}
 * @param service the service whose data changed
 * @param targetType e.g. the collection name, or {@code user}
 * @param details anything else worth keeping; never secrets
 */
public record ActivityEntry(
        Optional<Long> id,
        Optional<Instant> at,
        Optional<UUID> userId,
        Optional<String> username,
        Optional<String> role,
        String action,
        String service,
        String targetType,
        String targetId,
        Optional<String> targetName,
        Map<String, Object> details,
        String ipAddress,
        String userAgent,
        String requestId) {

    public ActivityEntry {
        details = Map.copyOf(details);
    }
}
