package io.silo.app.identity;

import io.silo.app.access.Access;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.identity.User;
import io.silo.template.ServiceTemplate;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which users and roles a {@link Steward} reaches. Administrators, of the organization or of the
 * platform, reach everyone. A service manager reaches only the users who are plain members of the
 * organization ({@code member} in {@code core}) and whose every other role is one they manage,
 * and gives, changes and takes back only those roles: whoever holds anything else is the
 * administrators', and is not found for the manager. Immutable, so thread-safe.
 */
final class Reach {
    private static final Reach EVERYONE = new Reach(Optional.empty());

    /** The managed roles by service; empty for everyone. */
    private final Optional<Map<String, Set<String>>> manages;

    private Reach(Optional<Map<String, Set<String>>> manages) {
        this.manages = manages;
    }

    static Reach of(Steward steward) {
        return steward instanceof Steward.ServiceManager manager ? new Reach(Optional.of(manager.manages())) : EVERYONE;
    }

    /** Whether the steward may see and change {@code user}. */
    boolean reaches(User user) {
        if (manages.isEmpty()) {
            return true;
        }
        boolean anyManaged = false;
        for (Map.Entry<String, String> role : user.roles().entrySet()) {
            if (ServiceTemplate.CORE.equals(role.getKey())) {
                if (!Access.ORG_MEMBER.equals(role.getValue())) {
                    return false;
                }
            } else if (managed(role.getKey(), role.getValue())) {
                anyManaged = true;
            } else {
                return false;
            }
        }
        return anyManaged;
    }

    /** Checks the roles of a new user: at least one, each a managed one, named (no default). */
    void checkCreating(Map<String, Optional<String>> requested) {
        if (manages.isEmpty()) {
            return;
        }
        if (requested.isEmpty()) {
            throw refused("services", "name the role of the new user: one of " + manages.get());
        }
        requested.forEach((service, role) -> {
            if (role.filter(name -> managed(service, name)).isEmpty()) {
                throw refused("services." + service, "you may give only the roles " + manages.get());
            }
        });
    }

    /** Checks a patch of roles: each service one whose roles are managed, each role a managed one or null (taken back). */
    void checkChanging(Map<String, Optional<String>> changes) {
        if (manages.isEmpty()) {
            return;
        }
        changes.forEach((service, role) -> {
            boolean allowed = ServiceTemplate.CORE.equals(service)
                    ? false
                    : manages.get().containsKey(service)
                            && role.map(name -> managed(service, name)).orElse(true);
            if (!allowed) {
                throw refused("services." + service, "you may give and take back only the roles " + manages.get());
            }
        });
    }

    private boolean managed(String service, String role) {
        return manages.orElseThrow().getOrDefault(service, Set.of()).contains(role);
    }

    private static SiloException refused(String field, String why) {
        return ProblemType.ROLE_NOT_MANAGED.exception(why).with("field", field);
    }
}
