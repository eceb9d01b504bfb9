package io.silo.audit;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * One action in a tenant's own activity log (the {@code silo_activity} table of its databases):
 * who did what to which target, from where. The tenant-side counterpart of {@link AuditEntry}.
 *
 * @param actor who acted
 * @param action a dotted verb such as {@code user.create} or {@code login}
 * @param service the service concerned, if any
 * @param target what was acted on
 * @param details anything else worth keeping; never secrets
 */
public record ActivityEntry(Actor actor, String action, Optional<String> service, Target target, Map<String, Object> details) {

    public ActivityEntry {
        details = Map.copyOf(details);
    }

    /**
     * Who acted and from where.
     *
     * @param userId the acting user, when known
     * @param name the login name the actor used or has
     * @param role the actor's role in the organization ({@code admin}, {@code member}), or empty
     */
    public record Actor(Optional<UUID> userId, String name, String role, String ipAddress, String userAgent, String requestId) {}

    /** What was acted on: a type such as {@code user}, its id and a name for people. */
    public record Target(String type, String id, String name) {}
}
