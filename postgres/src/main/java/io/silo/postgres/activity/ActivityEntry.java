package io.silo.postgres.activity;

import io.silo.audit.AuditEntry;
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

    /** A new entry (not yet stored: no id, no time) of {@code action} on {@code service}'s data. */
    public static Builder builder(String action, String service) {
        return new Builder(action, service);
    }

    /** Builds a new entry; every field but action and service starts empty. Not thread-safe. */
    public static final class Builder {
        private final String action;
        private final String service;
        private Optional<UUID> userId = Optional.empty();
        private Optional<String> username = Optional.empty();
        private Optional<String> role = Optional.empty();
        private String targetType = "";
        private String targetId = "";
        private Optional<String> targetName = Optional.empty();
        private Map<String, Object> details = Map.of();
        private String ipAddress = "";
        private String userAgent = "";
        private String requestId = "";

        private Builder(String action, String service) {
            this.action = action;
            this.service = service;
        }

        /** The user who acted, when known. */
        public Builder user(Optional<UUID> id, Optional<String> name, Optional<String> role) {
            this.userId = id;
            this.username = name;
            this.role = role;
            return this;
        }

        public Builder target(String type, String id) {
            this.targetType = type;
            this.targetId = id;
            return this;
        }

        public Builder targetName(Optional<String> name) {
            this.targetName = name;
            return this;
        }

        public Builder details(Map<String, Object> details) {
            this.details = details;
            return this;
        }

        /** Where the request came from: address, user agent and request id of {@code actor}. */
        public Builder client(AuditEntry.Actor actor) {
            this.ipAddress = actor.clientAddress();
            this.userAgent = actor.userAgent();
            this.requestId = actor.requestId();
            return this;
        }

        public ActivityEntry build() {
            return new ActivityEntry(
                    Optional.empty(),
                    Optional.empty(),
                    userId,
                    username,
                    role,
                    action,
                    service,
                    targetType,
                    targetId,
                    targetName,
                    details,
                    ipAddress,
                    userAgent,
                    requestId);
        }
    }
}
