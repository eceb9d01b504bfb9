package io.silo.app.session;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Who is calling: a platform administrator, or a member of one organization. */
public sealed interface Principal {

    /** The subject id in tokens. */
    UUID id();

    /** {@code admin} or {@code user}, as stored with refresh tokens. */
    String kind();

    /** An operator of Silo itself. */
    record PlatformAdmin(UUID id, String email) implements Principal {
        @Override
        public String kind() {
            return "admin";
        }
    }

    /**
     * A user of one organization.
     *
     * @param roles the user's role in each service, e.g. {@code billing -> manager}; the role in
     *              {@code core} ({@code admin} or {@code member}) governs the organization itself
     */
    record Member(UUID id, UUID tenantId, String tenantSlug, Optional<String> businessType, Map<String, String> roles)
            implements Principal {

        public Member {
            roles = Map.copyOf(roles);
        }

        @Override
        public String kind() {
            return "user";
        }

        public boolean isOrgAdmin() {
            return "admin".equals(roles.get("core"));
        }
    }
}
