package io.silo.app.access;

import io.silo.app.session.Principal;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.template.RoleSpec;
import io.silo.template.ServiceTemplate;
import io.silo.template.TemplateCatalog;
import io.silo.tenant.Tenant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who may do what, decided in one place. Three kinds of power exist: a platform administrator
 * runs Silo itself; an organization administrator (role {@code admin} in the organization's
 * {@code core} service) manages its users; and every member holds at most one role per service,
 * whose template says which collections it may read and write. Every route asks here, and a
 * refusal is a 403 with a stable type.
 *
 * <p>Decisions use the roles carried by the access token, which are re-read from the core
 * database at every refresh, so a change of role takes effect within one access-token lifetime.
 * Routes that change users re-check the acting administrator against the core database too.
 *
 * <p>The checks of who the caller is are static: they need nothing but the principal. The
 * checks of services and collections consult the templates.
 *
 * <p>Immutable and thread-safe.
 */
public final class Access {
    /** The role in {@code core} that administers the organization. */
    public static final String ORG_ADMIN = "admin";
    /** The role in {@code core} of everyone else. */
    public static final String ORG_MEMBER = "member";

    private final TemplateCatalog templates;

    public Access(TemplateCatalog templates) {
        this.templates = templates;
    }

    /** The caller, who must be a platform administrator; else 403 {@code platform-admin-required}. */
    public static Principal.PlatformAdmin requirePlatformAdmin(Principal principal) {
        if (principal instanceof Principal.PlatformAdmin admin) {
            return admin;
        }
        throw ProblemType.PLATFORM_ADMIN_REQUIRED.exception("only a platform administrator may do this");
    }

    /** The caller, who must be a member of some organization; else 403 {@code member-required}. */
    public static Principal.Member requireMember(Principal principal) {
        if (principal instanceof Principal.Member member) {
            return member;
        }
        throw ProblemType.MEMBER_REQUIRED.exception("this route serves members of an organization; sign in as one");
    }

    /** The caller, who must administer their organization; else 403 {@code org-admin-required}. */
    public static Principal.Member requireOrgAdmin(Principal principal) {
        Principal.Member member = requireMember(principal);
        if (!member.isOrgAdmin()) {
            throw ProblemType.ORG_ADMIN_REQUIRED.exception("only an administrator of the organization may do this");
        }
        return member;
    }

    /**
     * The member's role in {@code service}, at its newest version; 403 {@code service-not-granted}
     * when it has none, or one the service's template no longer declares.
     */
    public RoleSpec requireService(Principal.Member member, String service) {
        return templates
                .find(service)
                .map(template -> requireRole(member, template))
                .orElseThrow(() -> notGranted(service));
    }

    /**
     * The member's role in {@code template}'s service as that version of the template declares it:
     * a database not yet migrated is used under the roles of its own version.
     */
    public static RoleSpec requireRole(Principal.Member member, ServiceTemplate template) {
        return Optional.ofNullable(member.roles().get(template.service()))
                .flatMap(template::role)
                .orElseThrow(() -> notGranted(template.service()));
    }

    private static SiloException notGranted(String service) {
        return ProblemType.SERVICE_NOT_GRANTED
                .exception("you have no role in the service '" + service + "'")
                .with("service", service);
    }

    /** Refuses with 403 {@code collection-forbidden} unless {@code role} in {@code service} may read {@code collection}. */
    public static void checkRead(RoleSpec role, String service, String collection) {
        if (!role.mayRead(collection)) {
            throw forbidden(role, "read", service, collection);
        }
    }

    /** Refuses with 403 {@code collection-forbidden} unless {@code role} in {@code service} may write {@code collection}. */
    public static void checkWrite(RoleSpec role, String service, String collection) {
        if (!role.mayWrite(collection)) {
            throw forbidden(role, "write", service, collection);
        }
    }

    /**
     * Refuses with 403 {@code member-list-forbidden} unless the member may list the organization's
     * members: its administrator always may; anyone else when one of their roles may, as its
     * template says ({@code listMembers}).
     */
    public void checkMemberList(Principal.Member member) {
        boolean allowed = member.isOrgAdmin()
                || member.roles().entrySet().stream()
                        .anyMatch(role -> templates
                                .find(role.getKey())
                                .flatMap(template -> template.role(role.getValue()))
                                .filter(RoleSpec::listMembers)
                                .isPresent());
        if (!allowed) {
            throw ProblemType.MEMBER_LIST_FORBIDDEN.exception(
                    "none of your roles may list the organization's members; an administrator may grant a role that can");
        }
    }

    /**
     * The roles that {@code roles} manage, by service ({@code manages} in the templates): what a
     * member holding them may give, change and take back through {@code /api/users}. Empty for most.
     */
    public Map<String, Set<String>> manages(Map<String, String> roles) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        roles.forEach((service, role) -> templates
                .find(service)
                .flatMap(template -> template.role(role))
                .map(RoleSpec::manages)
                .filter(managed -> !managed.isEmpty())
                .ifPresent(managed -> out.put(service, managed)));
        return out;
    }

    /**
     * The services, other than {@code core}, that the organization has and the member holds a
     * declared role in: what the member may use, in name order.
     */
    public List<String> services(Tenant tenant, Map<String, String> roles) {
        Set<String> out = new TreeSet<>();
        roles.forEach((service, role) -> {
            boolean usable = !ServiceTemplate.CORE.equals(service)
                    && tenant.usesService(service)
                    && templates
                            .find(service)
                            .flatMap(template -> template.role(role))
                            .isPresent();
            if (usable) {
                out.add(service);
            }
        });
        return List.copyOf(out);
    }

    /**
     * Checks roles an administrator assigns: each service must be one the organization has, each
     * role one its template declares ({@code core}: {@code admin} or {@code member}). An absent
     * or blank role means the service's default, its first declared role.
     *
     * @return the roles, complete and in the organization's service order
     */
    public Map<String, String> checkAssignable(Tenant tenant, Map<String, Optional<String>> requested) {
        Map<String, String> out = new LinkedHashMap<>();
        requested.forEach((service, role) -> {
            if (templates.find(service).isEmpty()) {
                throw ProblemType.UNKNOWN_SERVICE
                        .inBody("no service '" + abbreviate(service) + "'")
                        .with("field", "services." + abbreviate(service));
            }
            if (!tenant.usesService(service)) {
                throw ProblemType.SERVICE_NOT_ENABLED
                        .inBody("organization " + tenant.slug() + " does not use the service '" + service + "'")
                        .with("field", "services." + service)
                        .with("service", service);
            }
            ServiceTemplate template = templates.require(service);
            String name = role.filter(text -> !text.isBlank()).orElse(template.defaultRole());
            if (template.role(name).isEmpty()) {
                throw ProblemType.UNKNOWN_ROLE
                        .exception("the service '" + service + "' has no role '" + name + "'; its roles are "
                                + String.join(", ", template.roles().keySet()))
                        .with("field", "services." + service)
                        .with("roles", List.copyOf(template.roles().keySet()));
            }
            out.put(service, name);
        });
        return out;
    }

    private static SiloException forbidden(RoleSpec role, String verb, String service, String collection) {
        return ProblemType.COLLECTION_FORBIDDEN
                .exception("the role '" + role.name() + "' in " + service + " may not " + verb + " the collection '"
                        + collection + "'")
                .with("service", service)
                .with("collection", collection);
    }

    /** A name from a request, cut for messages: a client may send anything. */
    private static String abbreviate(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "..." : text;
    }
}
