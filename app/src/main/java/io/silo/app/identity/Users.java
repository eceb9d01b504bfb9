package io.silo.app.identity;

import io.silo.app.access.Access;
import io.silo.app.admission.ActiveOrganizations;
import io.silo.app.input.Fields;
import io.silo.app.session.Principal;
import io.silo.app.session.Sessions;
import io.silo.app.throttle.Throttle;
import io.silo.audit.AuditEntry;
import io.silo.crypto.Ids;
import io.silo.crypto.PasswordHasher;
import io.silo.crypto.PasswordPolicy;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.identity.User;
import io.silo.json.Json;
import io.silo.postgres.activity.ActivityEntry;
import io.silo.postgres.activity.ActivityLog;
import io.silo.postgres.control.AuditLog;
import io.silo.postgres.identity.DirectoryRelay;
import io.silo.postgres.identity.DirectoryStore;
import io.silo.postgres.identity.UserStore;
import io.silo.postgres.jdbc.DataAccessException;
import io.silo.postgres.jdbc.Handle;
import io.silo.postgres.routing.TenantConnections;
import io.silo.template.ServiceTemplate;
import io.silo.tenant.Admission;
import io.silo.tenant.Tenant;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The users of an organization, managed by its administrators, by platform administrators (also
 * recorded in the master audit log, after the change commits), and within a service by members whose
 * role manages lower roles of it ({@link Steward}). Each change writes the user, its
 * memberships, an outbox row and an activity record in one core-database transaction; the
 * directory is marked dirty before it and updated from the outbox after it, and a sweeper
 * finishes the update if this instance cannot. Deleting or disabling a user, or setting its
 * password, ends its sessions.
 *
 * <p>Thread-safe.
 */
public final class Users {
    private static final Logger log = LoggerFactory.getLogger(Users.class);

    private final ActivityLog activity;
    private final ActiveOrganizations gate;
    private final TenantConnections cores;
    private final UserStore store;
    private final DirectoryStore directory;
    private final DirectoryRelay relay;
    private final Sessions sessions;
    private final Access access;
    private final PasswordHasher hasher;
    private final Clock clock;
    private final CommitObserver observer;
    private final AuditLog audit;

    public Users(
            ActiveOrganizations gate,
            TenantConnections cores,
            UserStore store,
            DirectoryStore directory,
            DirectoryRelay relay,
            Sessions sessions,
            Access access,
            PasswordHasher hasher,
            Clock clock,
            CommitObserver observer,
            ActivityLog activity,
            AuditLog audit) {
        this.activity = activity;
        this.gate = gate;
        this.cores = cores;
        this.store = store;
        this.directory = directory;
        this.relay = relay;
        this.sessions = sessions;
        this.access = access;
        this.hasher = hasher;
        this.clock = clock;
        this.observer = observer;
        this.audit = audit;
    }

    /**
     * Who manages users in a request to {@code /api/users}: an administrator of the organization, else
     * a member one of whose roles manages others ({@code manages} in a template), else no one (403
     * {@code org-admin-required}).
     */
    public Steward steward(Principal principal) {
        Principal.Member member = Access.requireMember(principal);
        if (member.isOrgAdmin()) {
            return new Steward.OrgAdmin(member);
        }
        Map<String, java.util.Set<String>> manages = access.manages(member.roles());
        if (manages.isEmpty()) {
            return new Steward.OrgAdmin(Access.requireOrgAdmin(principal));
        }
        return new Steward.ServiceManager(member, manages);
    }

    /** Who a signed-in member is: their account, organization, and the services they may use. */
    public record Self(User user, Tenant tenant, List<String> services) {}

    /**
     * The caller's own account, read from the core database: the token may predate a deletion, a
     * disablement or a suspension, and those win.
     */
    public Self self(Principal.Member member) {
        Tenant tenant = gate.active(member.tenantId());
        User user = cores.inTransaction(tenant.id(), ServiceTemplate.CORE, core -> store.find(core, member.id()))
                .filter(User::active)
                .orElseThrow(
                        () -> ProblemType.INVALID_TOKEN.exception("the account of this token is gone or disabled"));
        return new Self(user, tenant, access.services(tenant, user.roles()));
    }

    /**
     * Creates a user in the administrator's organization, within its {@code maxUsers} quota, with a
     * password its policy admits (the deployment's floor, raised by the organization's own).
     */
    public User create(Principal.Member admin, NewMember body, AuditEntry.Actor client) {
        return create(Steward.of(admin), body, client);
    }

    /**
     * Creates one of the demo loader's own accounts: {@link #create} under {@link
     * PasswordPolicy#demoAccounts()} instead of the organization's policy, because the seeds publish
     * demo passwords as short as six characters. For the in-process demo loader only; no HTTP route
     * calls it, so no request can relax a policy.
     */
    public User createDemoAccount(Principal.Member admin, NewMember body, AuditEntry.Actor client) {
        Steward steward = Steward.of(admin);
        Tenant tenant = gate.active(steward.tenantId(), Admission.Route.WRITE);
        return create(steward, tenant, body, client, PasswordPolicy.demoAccounts());
    }

    /** The password policy of {@code tenant}: the deployment's, made stricter by the organization's own. */
    public PasswordPolicy policy(Tenant tenant) {
        return hasher.policy().forOrganization(tenant.passwordMinLength());
    }

    /** Creates a user in the steward's organization, within its {@code maxUsers} quota and the steward's reach. */
    public User create(Steward steward, NewMember body, AuditEntry.Actor client) {
        Tenant tenant = gate.active(steward.tenantId(), Admission.Route.WRITE);
        return create(steward, tenant, body, client, policy(tenant));
    }

    private User create(Steward steward, Tenant tenant, NewMember body, AuditEntry.Actor client, PasswordPolicy rules) {
        Optional<String> email = body.email().filter(text -> !text.isBlank()).map(text -> Fields.email(text, "email"));
        Optional<String> username =
                body.username().filter(text -> !text.isBlank()).map(text -> Fields.username(text, "username"));
        if (email.isEmpty() && username.isEmpty()) {
            throw ProblemType.MISSING_FIELD
                    .exception("a user needs an email or a username")
                    .with("field", "email");
        }
        String name = UserRequests.name(body.name());
        Map<String, Optional<String>> requested = UserRequests.services(body.services());
        Reach.of(steward).checkCreating(requested);
        Map<String, String> roles = rolesWithCore(tenant, requested);
        JsonNode profile = UserRequests.profile(body.profile());
        // the administrator and the quota are checked before the password is hashed, and again under the lock
        read(steward, tenant, core -> {
            checkUserQuota(core, tenant);
            return null;
        });
        String hash = hasher.hash(body.password(), rules, claimant(tenant, client));
        UserStore.NewUser user = new UserStore.NewUser(Ids.next(), email, username, name, hash, roles, profile);
        User created = change(steward, tenant, (core, actor) -> {
            store.lockMembership(core);
            checkUserQuota(core, tenant);
            User inserted = store.insertIfAbsent(core, user);
            activity.record(core, activity(actor, client, "user.create", inserted, Map.of("services", roles)));
            return inserted;
        });
        audited(steward, client, tenant, "user.create", created, Map.of("services", roles));
        log.info("user {} created in organization {}", created.id(), tenant.slug());
        return created;
    }

    public UserStore.Page list(
            Principal.Member admin,
            Optional<String> status,
            Optional<String> search,
            Optional<String> cursor,
            int limit) {
        return list(Steward.of(admin), status, search, cursor, limit);
    }

    /**
     * A page of the organization's users. A service manager's page holds only the users within their
     * reach, so it may hold fewer than {@code limit} while {@code nextCursor} goes on.
     */
    public UserStore.Page list(
            Steward steward, Optional<String> status, Optional<String> search, Optional<String> cursor, int limit) {
        Tenant tenant = gate.active(steward.tenantId());
        status.ifPresent(value -> UserRequests.status(Json.tree(value)));
        Reach reach = Reach.of(steward);
        UserStore.Page page = read(steward, tenant, core -> store.page(core, status, search, cursor, limit));
        return new UserStore.Page(page.items().stream().filter(reach::reaches).toList(), page.nextCursor());
    }

    public User get(Principal.Member admin, UUID id) {
        return get(Steward.of(admin), id);
    }

    /** A user within the steward's reach; any other is not found. */
    public User get(Steward steward, UUID id) {
        Tenant tenant = gate.active(steward.tenantId());
        Reach reach = Reach.of(steward);
        return read(
                steward,
                tenant,
                core -> store.find(core, id).filter(reach::reaches).orElseThrow(() -> notFound(id)));
    }

    /**
     * Applies a patch of {@code name}, {@code email}, {@code username}, {@code status},
     * {@code services} (a role per service, {@code null} removes one), {@code password} and
     * {@code profile} (replaced whole). The last active administrator cannot be demoted or disabled.
     */
    public User update(Principal.Member admin, UUID id, JsonNode patch, AuditEntry.Actor client) {
        return update(Steward.of(admin), id, patch, client);
    }

    /** {@link #update(Principal.Member, UUID, JsonNode, AuditEntry.Actor)}, within the steward's reach. */
    public User update(Steward steward, UUID id, JsonNode patch, AuditEntry.Actor client) {
        Tenant tenant = gate.active(steward.tenantId(), Admission.Route.WRITE);
        if (!patch.isObject()) {
            throw ProblemType.INVALID_JSON.exception("the body must be a JSON object");
        }
        List<String> fields = new ArrayList<>();
        patch.propertyNames().forEach(fields::add);
        fields.stream()
                .filter(field -> !UserRequests.PATCHABLE.contains(field))
                .findFirst()
                .ifPresent(field -> {
                    throw ProblemType.UNKNOWN_FIELD
                            .exception("unknown field '" + field + "'; a user's fields are " + UserRequests.PATCHABLE)
                            .with("field", field);
                });
        Reach reach = Reach.of(steward);
        if (patch.has("services") && patch.get("services").isObject()) {
            reach.checkChanging(UserRequests.roleChanges(patch.get("services")));
        }
        Optional<String> newHash = newPasswordHash(steward, tenant, id, patch, client);
        User[] before = new User[1];
        User changed = change(steward, tenant, (core, actor) -> {
            store.lockMembership(core);
            User current = store.find(core, id).filter(reach::reaches).orElseThrow(() -> notFound(id));
            before[0] = current;
            UserStore.Edit edit = edit(tenant, current, patch, newHash);
            if (isActiveAdmin(current)
                    && !(edit.status().equals("active")
                            && Access.ORG_ADMIN.equals(edit.roles().get(ServiceTemplate.CORE)))) {
                requireAnotherAdmin(core, tenant);
            }
            User after = store.change(core, id, edit);
            activity.record(core, activity(actor, client, "user.update", after, Map.of("fields", fields)));
            return after;
        });
        audited(steward, client, tenant, "user.update", changed, Map.of("fields", fields));
        // a token names the roles it was issued with: one that grants more than the user now has must go
        boolean lostARole =
                !changed.roles().entrySet().containsAll(before[0].roles().entrySet());
        if (newHash.isPresent() || !changed.active() || lostARole) {
            sessions.revokeAll("user", id);
        }
        return changed;
    }

    /** Deletes a user of the administrator's organization; the last active administrator cannot be deleted. */
    public void delete(Principal.Member admin, UUID id, AuditEntry.Actor client) {
        delete(Steward.of(admin), id, client);
    }

    /** Deletes a user within the steward's reach; the last active administrator cannot be deleted. */
    public void delete(Steward steward, UUID id, AuditEntry.Actor client) {
        Tenant tenant = gate.active(steward.tenantId(), Admission.Route.WRITE);
        Reach reach = Reach.of(steward);
        User deleted = change(steward, tenant, (core, actor) -> {
            store.lockMembership(core);
            User current = store.find(core, id).filter(reach::reaches).orElseThrow(() -> notFound(id));
            if (isActiveAdmin(current)) {
                requireAnotherAdmin(core, tenant);
            }
            store.delete(core, id);
            activity.record(core, activity(actor, client, "user.delete", current, Map.of()));
            return current;
        });
        sessions.revokeAll("user", id);
        audited(steward, client, tenant, "user.delete", deleted, Map.of());
    }

    /** The most operations one bulk request may carry. */
    public static final int MAX_BULK = 100;

    /**
     * Several changes of the organization's users in one request, each applied on its own and in
     * order, as if sent one by one: one that is refused does not undo or stop the others, and its
     * outcome says why. Per item rather than all or nothing, because every change is a transaction of
     * the core database with its own password hash, directory update and session revocation; holding
     * one transaction (and the membership lock) through a hundred hashes would stall every sign-up and
     * user change of the organization meanwhile. A client that wants all or nothing sends the
     * failures' inverses, or one request at a time.
     */
    public List<UserOperation.Outcome> bulk(Steward steward, List<UserOperation> operations, AuditEntry.Actor client) {
        if (operations.isEmpty() || operations.size() > MAX_BULK) {
            throw ProblemType.INVALID_BATCH
                    .exception("a bulk request carries 1 to " + MAX_BULK + " operations, not " + operations.size())
                    .with("field", "operations");
        }
        List<UserOperation.Outcome> outcomes = new ArrayList<>();
        for (int index = 0; index < operations.size(); index++) {
            UserOperation operation = operations.get(index);
            try {
                Optional<User> user = switch (operation) {
                    case UserOperation.Create create -> Optional.of(create(steward, create.member(), client));
                    case UserOperation.Update update ->
                        Optional.of(update(steward, update.id(), update.changes(), client));
                    case UserOperation.Delete delete -> {
                        delete(steward, delete.id(), client);
                        yield Optional.empty();
                    }
                };
                outcomes.add(new UserOperation.Outcome(index, operation, user, Optional.empty()));
            } catch (SiloException e) {
                outcomes.add(new UserOperation.Outcome(index, operation, Optional.empty(), Optional.of(e)));
            }
        }
        return outcomes;
    }

    private UserStore.Edit edit(Tenant tenant, User current, JsonNode patch, Optional<String> newHash) {
        Optional<String> email = patch.has("email") ? UserRequests.email(patch.get("email"), "email") : current.email();
        Optional<String> username =
                patch.has("username") ? UserRequests.username(patch.get("username"), "username") : current.username();
        if (email.isEmpty() && username.isEmpty()) {
            throw ProblemType.MISSING_FIELD
                    .exception("a user needs an email or a username")
                    .with("field", "email");
        }
        String name = patch.has("name")
                ? UserRequests.name(
                        patch.path("name").isString() ? patch.path("name").asString() : null)
                : current.name();
        String status = patch.has("status") ? UserRequests.status(patch.get("status")) : current.status();
        JsonNode profile = patch.has("profile") ? UserRequests.profile(patch.get("profile")) : current.profile();
        Map<String, String> roles =
                patch.has("services") ? mergeRoles(tenant, current.roles(), patch.get("services")) : current.roles();
        return new UserStore.Edit(email, username, name, status, profile, roles, newHash, clock.instant());
    }

    /** The current roles with a patch applied: a role per named service, {@code null} removes the service but {@code core}. */
    private Map<String, String> mergeRoles(Tenant tenant, Map<String, String> current, JsonNode patch) {
        if (!patch.isObject()) {
            throw ProblemType.INVALID_JSON
                    .exception("services must be an object of service to role; null removes a service")
                    .with("field", "services");
        }
        Map<String, String> merged = new LinkedHashMap<>(current);
        Map<String, Optional<String>> assign = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : patch.properties()) {
            if (entry.getValue().isString()) {
                assign.put(
                        entry.getKey(), Optional.of(entry.getValue().asString().trim()));
            } else if (!entry.getValue().isNull()) {
                throw ProblemType.INVALID_JSON
                        .exception("the role of service '" + entry.getKey() + "' must be a string, or null "
                                + "to remove the service")
                        .with("field", "services." + entry.getKey());
            } else if (ServiceTemplate.CORE.equals(entry.getKey())) {
                throw ProblemType.CORE_ROLE_REQUIRED
                        .exception(
                                "every user has a role in core (admin or member); it can be" + " changed, not removed")
                        .with("field", "services.core");
            } else {
                merged.remove(entry.getKey());
            }
        }
        merged.putAll(access.checkAssignable(tenant, assign));
        return merged;
    }

    /** The roles a request's {@code services} asks for, with {@code core}, checked against the organization's templates. */
    Map<String, String> assignableRoles(Tenant tenant, JsonNode services) {
        return rolesWithCore(tenant, UserRequests.services(services));
    }

    /**
     * Creates the user of an accepted invitation: within the {@code maxUsers} quota, under the lock
     * every user change takes, recorded as the new user's own act; the directory follows as for
     * {@link #create}. The invitation stands for the administrator who sent it.
     */
    User createInvited(Tenant tenant, UserStore.NewUser user, AuditEntry.Actor client) {
        directory.markDirty(tenant.id(), clock.instant());
        User created;
        try {
            created = cores.inTransaction(tenant.id(), ServiceTemplate.CORE, core -> {
                store.lockMembership(core);
                checkUserQuota(core, tenant);
                User inserted = store.insertIfAbsent(core, user);
                activity.record(
                        core,
                        activity(Acting.of(inserted), client, "user.create", inserted, Map.of("invitation", true)));
                return inserted;
            });
        } catch (DataAccessException e) {
            throw taken(e);
        }
        relayAfterCommit(tenant);
        log.info("user {} joined organization {} by invitation", created.id(), tenant.slug());
        return created;
    }

    private Map<String, String> rolesWithCore(Tenant tenant, Map<String, Optional<String>> requested) {
        Map<String, Optional<String>> all = new LinkedHashMap<>();
        all.put(ServiceTemplate.CORE, Optional.empty());
        all.putAll(requested);
        return access.checkAssignable(tenant, all);
    }

    private static boolean isActiveAdmin(User user) {
        return user.active() && Access.ORG_ADMIN.equals(user.roles().get(ServiceTemplate.CORE));
    }

    private void requireAnotherAdmin(Handle core, Tenant tenant) {
        if (store.activeAdmins(core) <= 1) {
            throw ProblemType.LAST_ADMIN.exception("organization " + tenant.slug()
                    + " needs at least one active administrator;" + " make someone else administrator first");
        }
    }

    /**
     * The hash of the password a patch sets, if it sets one. The administrator and the user are
     * checked first (and again in the change): hashing is the expensive part, and only a current
     * administrator changing an existing user gets it.
     */
    private Optional<String> newPasswordHash(
            Steward steward, Tenant tenant, UUID id, JsonNode patch, AuditEntry.Actor client) {
        if (!patch.has("password")) {
            return Optional.empty();
        }
        String password = patch.path("password").asString("");
        PasswordPolicy rules = policy(tenant);
        rules.check(password);
        Reach reach = Reach.of(steward);
        read(
                steward,
                tenant,
                core -> store.find(core, id).filter(reach::reaches).orElseThrow(() -> notFound(id)));
        return Optional.of(hasher.hash(password, rules, claimant(tenant, client)));
    }

    private void checkUserQuota(Handle core, Tenant tenant) {
        long max = tenant.quotas().maxUsers().orElse(Long.MAX_VALUE);
        if (store.count(core) >= max) {
            throw ProblemType.QUOTA_EXCEEDED
                    .exception("organization " + tenant.slug() + " has reached its quota of " + max + " users")
                    .with("quota", "maxUsers")
                    .with("limit", max);
        }
    }

    private static PasswordHasher.Claimant claimant(Tenant tenant, AuditEntry.Actor client) {
        return new PasswordHasher.Claimant(tenant.id().toString(), Throttle.addressKey(client.clientAddress()));
    }

    /**
     * Runs a change in one core transaction on behalf of an administrator who must still be one
     * there (the token's roles may be up to one access lifetime old), marks the directory dirty
     * before, and relays the outbox after.
     */
    private <T> T change(Steward steward, Tenant tenant, BiFunction<Handle, Acting, T> work) {
        directory.markDirty(tenant.id(), clock.instant());
        T result;
        try {
            result = cores.inTransaction(
                    tenant.id(), ServiceTemplate.CORE, core -> work.apply(core, acting(core, steward)));
        } catch (DataAccessException e) {
            throw taken(e);
        }
        relayAfterCommit(tenant);
        return result;
    }

    private <T> T read(Steward steward, Tenant tenant, Function<Handle, T> work) {
        return cores.inTransaction(tenant.id(), ServiceTemplate.CORE, core -> {
            acting(core, steward);
            return work.apply(core);
        });
    }

    /**
     * Who acts, as the activity log names them, once checked in the core database: an organization's
     * administrator or a service manager must still be one (the token's roles may be a lifetime old);
     * a platform administrator was checked against the control database by the token.
     */
    private Acting acting(Handle core, Steward steward) {
        return switch (steward) {
            case Steward.OrgAdmin(Principal.Member member) -> Acting.of(currentAdmin(core, member));
            case Steward.Platform(Principal.PlatformAdmin admin, UUID tenant) ->
                new Acting(Optional.of(admin.id()), Optional.of(admin.email()), Optional.of(PLATFORM_ADMIN));
            case Steward.ServiceManager manager -> Acting.of(currentManager(core, manager));
        };
    }

    /** The manager, still active and still holding roles that manage what the token's did. */
    private User currentManager(Handle core, Steward.ServiceManager manager) {
        return store.find(core, manager.member().id())
                .filter(User::active)
                .filter(user -> access.manages(user.roles()).equals(manager.manages()))
                .orElseThrow(() -> ProblemType.ORG_ADMIN_REQUIRED.exception(
                        "your roles no longer let you manage users; sign in again"));
    }

    /** A platform administrator's change goes to the master audit log too, once it has committed. */
    private void audited(
            Steward steward,
            AuditEntry.Actor client,
            Tenant tenant,
            String action,
            User target,
            Map<String, Object> details) {
        if (!(steward instanceof Steward.Platform)) {
            return;
        }
        Map<String, Object> all = new LinkedHashMap<>(details);
        all.put("slug", tenant.slug());
        target.email().or(target::username).ifPresent(login -> all.put("user", login));
        try {
            audit.append(new AuditEntry(
                    client, "tenant." + action, "user", target.id().toString(), Optional.of(tenant.id()), all));
        } catch (RuntimeException e) {
            // the change committed in the core database, and its activity row with it
            log.error(
                    "{} of user {} in organization {} is not in the master audit log: {}",
                    action,
                    target.id(),
                    tenant.slug(),
                    e.getMessage());
        }
    }

    /**
     * Checks that {@code admin} is still an active administrator of their organization: the token may
     * predate a demotion, and the core database has the last word.
     */
    public void requireCurrentAdmin(Principal.Member admin) {
        cores.inTransaction(admin.tenantId(), ServiceTemplate.CORE, core -> currentAdmin(core, admin));
    }

    private User currentAdmin(Handle core, Principal.Member admin) {
        return store.find(core, admin.id())
                .filter(Users::isActiveAdmin)
                .orElseThrow(() -> ProblemType.ORG_ADMIN_REQUIRED.exception(
                        "you are no longer an administrator of this organization"));
    }

    private void relayAfterCommit(Tenant tenant) {
        try {
            observer.committed(tenant.id());
            relay.drain(tenant.id());
        } catch (RuntimeException e) {
            // committed in the core database; the sweeper applies the outbox once the dirty mark is old enough
            log.warn("directory update of organization {} deferred to the sweeper: {}", tenant.slug(), e.getMessage());
        }
    }

    private static ActivityEntry activity(
            Acting actor, AuditEntry.Actor client, String action, User target, Map<String, Object> details) {
        return ActivityEntry.builder(action, ServiceTemplate.CORE)
                .user(actor.id(), actor.name(), actor.role())
                .target("user", target.id().toString())
                .targetName(target.email().or(target::username))
                .details(details)
                .client(client)
                .build();
    }

    private static SiloException taken(DataAccessException e) {
        if (e.violated(UserStore.EMAIL_KEY)) {
            return ProblemType.EMAIL_TAKEN
                    .exception("another user of this organization has this email")
                    .with("field", "email");
        }
        if (e.violated(UserStore.USERNAME_KEY)) {
            return ProblemType.USERNAME_TAKEN
                    .exception("another user of this organization has this username")
                    .with("field", "username");
        }
        return e;
    }

    /** The activity log's name for the role of a platform administrator acting on an organization. */
    static final String PLATFORM_ADMIN = "platform-admin";

    /** Who acts, as the organization's activity log records them. */
    private record Acting(Optional<UUID> id, Optional<String> name, Optional<String> role) {
        static Acting of(User user) {
            return new Acting(
                    Optional.of(user.id()),
                    user.email().or(user::username),
                    Optional.ofNullable(user.roles().get(ServiceTemplate.CORE)));
        }
    }

    private static SiloException notFound(UUID id) {
        return ProblemType.USER_NOT_FOUND.exception("no user " + id + " in your organization");
    }
}
