package io.silo.app.identity;

import io.silo.app.access.Access;
import io.silo.app.admission.TenantGate;
import io.silo.app.session.Principal;
import io.silo.error.ProblemType;
import io.silo.identity.MemberProfile;
import io.silo.postgres.identity.UserStore;
import io.silo.postgres.placement.Placement;
import io.silo.postgres.routing.TenantConnections;
import io.silo.template.ServiceTemplate;
import io.silo.template.TemplateCatalog;
import java.util.List;
import java.util.UUID;

/**
 * The members of an organization as its members see each other: the public profile of each active
 * user (id, name, username, roles), for rosters and for choosing whom to write to. A member may list
 * them when one of their roles may ({@link Access#checkMemberList}); everything else about a user
 * is for the administrators' {@link Users}. Always the caller's own organization, whose users live
 * in its own core database: another organization's user is simply not found.
 *
 * <p>Decided on the token's roles, as the data routes are: removing or changing a role ends the
 * user's sessions at once, so a token never grants more than the user has.
 *
 * <p>Thread-safe.
 */
public final class Members {
    private final TenantGate gate;
    private final TenantConnections cores;
    private final UserStore store;
    private final Access access;
    private final TemplateCatalog templates;

    public Members(
            TenantGate gate, TenantConnections cores, UserStore store, Access access, TemplateCatalog templates) {
        this.gate = gate;
        this.cores = cores;
        this.store = store;
        this.access = access;
        this.templates = templates;
    }

    /**
     * A page of the organization's active members; {@code role} needs {@code service}, which must be
     * one the organization uses, and must be one of that service's roles.
     */
    public UserStore.ProfilePage list(Principal.Member caller, UserStore.ProfileQuery query) {
        Placement placement = admit(caller);
        query.service().ifPresent(service -> checkService(placement, service));
        query.role().ifPresent(role -> checkRole(query, role));
        return cores.inTransaction(caller.tenantId(), ServiceTemplate.CORE, core -> store.profiles(core, query));
    }

    /** One active member of the caller's organization; 404 {@code user-not-found} for anyone else. */
    public MemberProfile get(Principal.Member caller, UUID id) {
        admit(caller);
        return cores.inTransaction(caller.tenantId(), ServiceTemplate.CORE, core -> store.profile(core, id))
                .orElseThrow(() -> ProblemType.USER_NOT_FOUND.exception("no member " + id + " in your organization"));
    }

    private Placement admit(Principal.Member caller) {
        Placement placement = gate.admit(caller);
        access.checkMemberList(caller);
        return placement;
    }

    private void checkService(Placement placement, String service) {
        if (templates.find(service).isEmpty()) {
            throw ProblemType.UNKNOWN_SERVICE
                    .exception("no service '" + abbreviate(service) + "'")
                    .with("service", abbreviate(service));
        }
        if (placement.database(service).isEmpty()) {
            throw ProblemType.SERVICE_NOT_ENABLED
                    .exception("organization " + placement.slug() + " does not use the service '" + service + "'")
                    .with("service", service);
        }
    }

    private void checkRole(UserStore.ProfileQuery query, String role) {
        String service = query.service()
                .orElseThrow(() -> ProblemType.MISSING_FIELD
                        .exception("a role is a role in a service: name the service too (?service=…&role=…)")
                        .with("field", "service"));
        ServiceTemplate template = templates.require(service);
        if (template.role(role).isEmpty()) {
            throw ProblemType.UNKNOWN_ROLE
                    .exception("the service '" + service + "' has no role '" + abbreviate(role) + "'; its roles are "
                            + String.join(", ", template.roles().keySet()))
                    .with("field", "role")
                    .with("roles", List.copyOf(template.roles().keySet()));
        }
    }

    /** A name from a request, cut for messages: a client may send anything. */
    private static String abbreviate(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "..." : text;
    }
}
