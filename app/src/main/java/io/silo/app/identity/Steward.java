package io.silo.app.identity;

import io.silo.app.session.Principal;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Who manages an organization's users in one request, and how far they reach: an administrator of
 * the organization (every user, every role), a platform administrator acting on it (the same,
 * recorded in the master audit log as well), or a member whose role in a service manages lower
 * roles of it ({@code manages} in the service's template: a POS manager and the shop's cashiers).
 * {@link Users} checks the steward in the organization's core database on every change: a token's
 * roles may be a lifetime old. Immutable, so thread-safe.
 */
public sealed interface Steward {

    /** The organization whose users are managed. */
    UUID tenantId();

    /** An administrator of their own organization ({@code admin} in {@code core}). */
    static Steward of(Principal.Member admin) {
        return new OrgAdmin(admin);
    }

    /** An organization's administrator: every user and role of it. */
    record OrgAdmin(Principal.Member member) implements Steward {
        public OrgAdmin {
            Objects.requireNonNull(member, "member");
        }

        @Override
        public UUID tenantId() {
            return member.tenantId();
        }
    }

    /** A platform administrator acting on one organization: every user and role of it. */
    record Platform(Principal.PlatformAdmin admin, UUID tenantId) implements Steward {
        public Platform {
            Objects.requireNonNull(admin, "admin");
            Objects.requireNonNull(tenantId, "tenantId");
        }
    }

    /**
     * A member whose roles manage others' roles: only users whose roles all lie within
     * {@code manages} (and who are plain members of the organization), and only to and from those roles.
     *
     * @param manages the roles the member manages, by service: {@code pos -> [cashier]}
     */
    record ServiceManager(Principal.Member member, Map<String, Set<String>> manages) implements Steward {
        public ServiceManager {
            Objects.requireNonNull(member, "member");
            manages = Map.copyOf(manages);
        }

        @Override
        public UUID tenantId() {
            return member.tenantId();
        }
    }
}
