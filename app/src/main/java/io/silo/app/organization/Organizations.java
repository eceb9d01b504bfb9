package io.silo.app.organization;

import io.silo.app.cluster.Placements;
import io.silo.app.input.Fields;
import io.silo.app.session.Principal;
import io.silo.app.throttle.Throttle;
import io.silo.audit.AuditEntry;
import io.silo.cluster.Cluster;
import io.silo.cluster.ServicePlacement;
import io.silo.crypto.Ids;
import io.silo.crypto.PasswordHasher;
import io.silo.crypto.SecretBox;
import io.silo.crypto.Secrets;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.job.Job;
import io.silo.job.JobState;
import io.silo.json.Json;
import io.silo.naming.DatabaseNamer;
import io.silo.naming.NamingContext;
import io.silo.postgres.cluster.ClusterAdmins;
import io.silo.postgres.control.AuditLog;
import io.silo.postgres.control.RefreshTokenStore;
import io.silo.postgres.control.TenantStore;
import io.silo.postgres.control.TenantStore.TenantRole;
import io.silo.postgres.identity.UserStore;
import io.silo.postgres.jdbc.DataAccessException;
import io.silo.postgres.jdbc.Handle;
import io.silo.postgres.jdbc.Jdbc;
import io.silo.postgres.job.JobRunner;
import io.silo.postgres.job.JobStore;
import io.silo.postgres.provision.DeletionJob;
import io.silo.postgres.provision.ProvisioningJob;
import io.silo.postgres.provision.RolePasswordRotation;
import io.silo.template.ServiceTemplate;
import io.silo.template.TemplateCatalog;
import io.silo.tenant.DatabaseState;
import io.silo.tenant.Quotas;
import io.silo.tenant.Slugs;
import io.silo.tenant.Tenant;
import io.silo.tenant.TenantDatabase;
import io.silo.tenant.TenantStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle of organizations, for platform administrators: create (and provision), read,
 * list, update, suspend, activate, delete. Every change commits together with its audit record;
 * provisioning and deletion are jobs, run at once by the requesting instance and resumed by any
 * instance after a crash.
 *
 * <p>Thread-safe.
 */
public final class Organizations {
    private static final Logger log = LoggerFactory.getLogger(Organizations.class);

    /** How long background workers leave a new job to the request that created it. */
    private static final Duration INLINE_GRACE = Duration.ofSeconds(2);

    private final Jdbc control;
    private final TenantStore tenants;
    private final Placements placements;
    private final ClusterAdmins admins;
    private final TemplateCatalog templates;
    private final JobStore jobs;
    private final JobRunner runner;
    private final RefreshTokenStore refreshTokens;
    private final PasswordHasher hasher;
    private final AuditLog audit;
    private final Clock clock;
    private final Duration waitForJobs;
    private final DatabaseNamer namer;
    private final SecretBox secrets;
    private final Consumer<UUID> statusChanged;
    private final Duration closeGrace;

    /**
     * @param statusChanged told after an organization's status or registry change commits: this
     *                      instance's placement cache follows at once, so that the answer to "activate"
     *                      (or a removed browser origin) holds for the very next request, not only once
     *                      the change's notification arrives
     */
    public Organizations(
            Jdbc control,
            TenantStore tenants,
            Placements placements,
            ClusterAdmins admins,
            TemplateCatalog templates,
            JobStore jobs,
            JobRunner runner,
            RefreshTokenStore refreshTokens,
            PasswordHasher hasher,
            AuditLog audit,
            Clock clock,
            Duration waitForJobs,
            DatabaseNamer namer,
            SecretBox secrets,
            Consumer<UUID> statusChanged,
            Duration closeGrace) {
        this.control = control;
        this.tenants = tenants;
        this.placements = placements;
        this.admins = admins;
        this.templates = templates;
        this.jobs = jobs;
        this.runner = runner;
        this.refreshTokens = refreshTokens;
        this.hasher = hasher;
        this.audit = audit;
        this.clock = clock;
        this.waitForJobs = waitForJobs;
        this.namer = namer;
        this.secrets = secrets;
        this.statusChanged = statusChanged;
        this.closeGrace = closeGrace;
    }

    /** An organization and the job that provisions or deletes it. */
    public record Outcome(Optional<Tenant> tenant, Job job) {}

    /** Records the organization, then provisions it, waiting a bounded time for the job. */
    public Outcome create(NewOrganization request, AuditEntry.Actor actor) {
        NewOrganization.FirstAdmin admin = request.admin().orElseThrow(Organizations::missingAdmin);
        check(request);
        String hash = hasher.hash(
                admin.password(), new PasswordHasher.Claimant("platform", Throttle.addressKey(actor.clientAddress())));
        return create(request, hash, actor, (handle, id) -> {});
    }

    /**
     * Like {@link #create(NewOrganization, AuditEntry.Actor)}, for a first administrator
     * whose password was hashed earlier (a verified sign-up): {@code admin.password} is ignored.
     * The demo loader creates its own organizations' administrators here, with passwords hashed under
     * {@link io.silo.crypto.PasswordPolicy#demoAccounts()} ({@code hasher.hash(password,
     * PasswordPolicy.demoAccounts(), who)}); no route reaches this with a hash of its caller's choosing.
     */
    public Outcome createWithHashedPassword(
            NewOrganization request,
            String adminPasswordHash,
            AuditEntry.Actor actor,
            BiConsumer<Handle, UUID> alsoInTransaction) {
        return create(request, adminPasswordHash, actor, alsoInTransaction);
    }

    /**
     * Checks what can be checked of a request before it is made: name, slug (and that it is
     * free now), business type, services, the first administrator's name, and that every database
     * can be named; creating does it before hashing the password. Sign-up uses it
     * so that a mistake is reported before the verification mail, not after it.
     */
    public void check(NewOrganization request) {
        String name = RequestChecks.name(request.name());
        String slug = request.slug().map(Slugs::check).orElseGet(() -> Slugs.fromName(name));
        Optional<String> businessType = RequestChecks.businessType(request.businessType());
        List<ServiceTemplate> services = services(request.services());
        if (tenants.resolve(slug).isPresent()) {
            throw ProblemType.SLUG_TAKEN
                    .exception("an organization with slug '" + slug + "' exists")
                    .with("field", "slug");
        }
        Optional<String> username =
                request.admin().flatMap(admin -> RequestChecks.username(admin.username(), "admin.username"));
        request.admin().ifPresent(admin -> RequestChecks.text(Optional.ofNullable(admin.name()), "admin.name", 200));
        NamingContext naming = new NamingContext(Ids.next(), slug, name, businessType, username, clock.instant());
        services.forEach(template -> namer.name(template.databaseNamePattern(), template.service(), naming));
        requestedPlacements(request, services);
    }

    /**
     * @param alsoInTransaction more work that must commit with the organization's record or not at
     *                          all (a sign-up marks itself verified); it gets the new organization's id
     */
    private Outcome create(
            NewOrganization request,
            String adminPasswordHash,
            AuditEntry.Actor actor,
            BiConsumer<Handle, UUID> alsoInTransaction) {
        String name = RequestChecks.name(request.name());
        String slug = request.slug().map(Slugs::check).orElseGet(() -> Slugs.fromName(name));
        Optional<String> businessType = RequestChecks.businessType(request.businessType());
        List<ServiceTemplate> services = services(request.services());
        Quotas quotas = request.quotas().isEmpty() ? Quotas.none() : Quotas.of(request.quotas());
        if (quotas.maxUsers().filter(max -> max < 1).isPresent()) {
            throw ProblemType.INVALID_QUOTA
                    .exception("quota maxUsers must leave room for the first administrator")
                    .with("field", "quotas.maxUsers");
        }
        UserStore.NewUser admin = firstAdmin(request.admin(), adminPasswordHash, services);
        UUID id = Ids.next();
        Instant now = clock.instant();
        Map<String, Cluster> chosen = placements.choose(placements.rules(
                services.stream().map(ServiceTemplate::service).toList(),
                request.cluster(),
                request.labels(),
                requestedPlacements(request, services)));
        NamingContext naming = new NamingContext(id, slug, name, businessType, admin.username(), now);
        List<TenantDatabase> databases = databases(services, naming, chosen, chosenNames(request, services));
        Tenant tenant = new Tenant(
                id,
                slug,
                name,
                businessType,
                TenantStatus.PROVISIONING,
                Optional.empty(),
                RequestChecks.text(request.license(), "license", 64),
                quotas,
                RequestChecks.features(request.features()),
                RequestChecks.contact(request.adminContact(), "adminContact"),
                RequestChecks.contact(request.billingContact(), "billingContact"),
                RequestChecks.text(request.notes(), "notes", 4000),
                RequestChecks.corsOrigins(request.corsOrigins(), "corsOrigins"),
                now,
                now,
                databases,
                Optional.empty(),
                RequestChecks.externalId(request.externalId()),
                Optional.empty());
        Job job =
                newJob(ProvisioningJob.KIND, id, ProvisioningJob.plan(tenant), ProvisioningJob.payload(admin, secrets));
        TenantRole role = new TenantRole("silo_t_" + id.toString().replace("-", ""), Secrets.password());
        insert(tenant, role, job, actor, alsoInTransaction);
        runner.runNow(job.id(), waitForJobs);
        // provisioning read the placement while the organization was provisioning; the answer "active" must hold
        // for the very next request here, not only once the status change's notification arrives
        statusChanged.accept(id);
        return new Outcome(tenants.find(id), jobs.find(job.id()).orElseThrow());
    }

    public Tenant get(String org) {
        return tenants.resolve(org)
                .orElseThrow(() -> ProblemType.ORGANIZATION_NOT_FOUND.exception("no organization '" + org + "'"));
    }

    public TenantStore.Page list(
            Optional<TenantStatus> status, Optional<String> search, Optional<String> cursor, int limit) {
        return tenants.list(status, search, cursor, limit);
    }

    /** As {@link #list(Optional, Optional, Optional, int)}, also by a cluster and a service they have a database of. */
    public TenantStore.Page list(
            Optional<TenantStatus> status,
            Optional<String> search,
            Optional<String> cluster,
            Optional<String> service,
            Optional<String> cursor,
            int limit) {
        return tenants.list(status, search, cluster, service, cursor, limit);
    }

    /**
     * An organization administrator's patch of their own organization, which may hold
     * {@code passwordPolicy} only; the caller must be checked as a current administrator before. Any
     * other organization, known or not, and any other field answer the 403 {@code
     * platform-admin-required} every member gets on this route, so the answer reveals nothing.
     *
     * @return the organization's own password minimum now
     */
    public Optional<Integer> updateOwnPasswordPolicy(
            Principal.Member admin, String org, tools.jackson.databind.JsonNode patch, AuditEntry.Actor actor) {
        boolean own = admin.isOrgAdmin()
                && tenants.resolve(org)
                        .filter(tenant -> tenant.id().equals(admin.tenantId()))
                        .isPresent();
        if (!own) {
            throw ProblemType.PLATFORM_ADMIN_REQUIRED.exception(
                    "only a platform administrator, or an administrator of this organization for its passwordPolicy,"
                            + " may do this");
        }
        java.util.List<String> fields = fieldNames(patch);
        if (!patch.isObject() || !fields.equals(List.of("passwordPolicy"))) {
            throw ProblemType.PLATFORM_ADMIN_REQUIRED.exception(
                    "an organization's administrator may change only its passwordPolicy here");
        }
        return update(admin.tenantId().toString(), patch, actor).passwordMinLength();
    }

    /** Applies a JSON merge patch of the registry fields: present fields change, {@code null} clears. */
    public Tenant update(String org, tools.jackson.databind.JsonNode patch, AuditEntry.Actor actor) {
        Tenant current = get(org);
        Tenant changed = OrganizationPatch.apply(current, patch);
        try {
            control.useTransaction(handle -> {
                tenants.update(handle, changed, clock.instant());
                if (patch.has("passwordPolicy")) {
                    tenants.updatePasswordMinLength(handle, changed.id(), changed.passwordMinLength());
                }
                audit.append(handle, entry(actor, "tenant.update", current, Map.of("fields", fieldNames(patch))));
            });
        } catch (DataAccessException e) {
            if (e.violated(TenantStore.EXTERNAL_ID_KEY) || e.violated(TenantStore.EXTERNAL_ID_IS_SLUG)) {
                throw externalIdTaken(changed.externalId().orElseThrow());
            }
            throw e;
        }
        // its allowed origins ride on the cached placement: a removed one must stop here at once
        statusChanged.accept(current.id());
        return tenants.find(current.id()).orElseThrow();
    }

    public Tenant suspend(String org, Optional<String> reason, AuditEntry.Actor actor) {
        Tenant tenant = get(org);
        transition(tenant, TenantStatus.ACTIVE, TenantStatus.SUSPENDED, reason, actor, "tenant.suspend");
        refreshTokens.revokeTenant(tenant.id(), clock.instant());
        return tenants.find(tenant.id()).orElseThrow();
    }

    public Tenant activate(String org, AuditEntry.Actor actor) {
        Tenant tenant = get(org);
        transition(tenant, TenantStatus.SUSPENDED, TenantStatus.ACTIVE, Optional.empty(), actor, "tenant.activate");
        return tenants.find(tenant.id()).orElseThrow();
    }

    /** Marks the organization deleting and runs the deletion job, waiting a bounded time for it. */
    public Outcome delete(String org, AuditEntry.Actor actor) {
        Tenant tenant = get(org);
        Optional<Job> running = jobs.unfinished(tenant.id()).stream()
                .filter(job -> job.kind().equals(DeletionJob.KIND))
                .findFirst();
        Job job = running.orElseGet(() -> {
            Job deletion = newJob(DeletionJob.KIND, tenant.id(), DeletionJob.plan(tenant), Json.object());
            control.useTransaction(handle -> {
                tenants.setStatus(handle, tenant.id(), TenantStatus.DELETING, Optional.empty(), clock.instant());
                jobs.create(handle, deletion, INLINE_GRACE);
                audit.append(
                        handle,
                        entry(
                                actor,
                                "tenant.delete",
                                tenant,
                                Map.of(
                                        "databases",
                                        tenant.databases().stream()
                                                .map(TenantDatabase::databaseName)
                                                .toList())));
            });
            statusChanged.accept(tenant.id());
            return deletion;
        });
        runner.runNow(job.id(), waitForJobs);
        return new Outcome(tenants.find(tenant.id()), jobs.find(job.id()).orElseThrow());
    }

    /**
     * Gives the organization's PostgreSQL role a new password by a job ({@code tenant.rotate-role-password}),
     * waiting a bounded time for it; a rotation already under way is answered instead of a second one.
     * 409 {@code organization-not-active} unless the organization is active or suspended.
     */
    public Outcome rotateRolePassword(String org, AuditEntry.Actor actor) {
        Tenant tenant = get(org);
        if (tenant.status() != TenantStatus.ACTIVE && tenant.status() != TenantStatus.SUSPENDED) {
            throw ProblemType.ORGANIZATION_NOT_ACTIVE.exception("organization " + tenant.slug() + " is "
                    + tenant.status().value() + "; its role password rotates once it is active or suspended");
        }
        Optional<Job> running = jobs.unfinished(tenant.id()).stream()
                .filter(job -> job.kind().equals(RolePasswordRotation.KIND))
                .findFirst();
        Job job = running.orElseGet(() -> {
            Job rotation = newJob(RolePasswordRotation.KIND, tenant.id(), RolePasswordRotation.STEPS, Json.object());
            control.useTransaction(handle -> {
                jobs.create(handle, rotation, INLINE_GRACE);
                audit.append(handle, entry(actor, "tenant.rotate-role-password", tenant, Map.of()));
            });
            return rotation;
        });
        runner.runNow(job.id(), waitForJobs);
        return new Outcome(tenants.find(tenant.id()), jobs.find(job.id()).orElseThrow());
    }

    /** The most closed organizations one housekeeping sweep starts deleting. */
    private static final int DELETIONS_PER_SWEEP = 10;

    /**
     * An organization's administrator closes their own organization: {@code confirm} must be its slug
     * (400 {@code confirmation-mismatch}). It is suspended at once (nobody signs in or reads its data,
     * refresh tokens are revoked), recorded in the master audit log ({@code tenant.close}), and deleted
     * by housekeeping once the grace ({@code services.removalGrace}, 7 days by default) has passed;
     * until then a platform administrator restores it by activating it.
     */
    public Tenant close(UUID tenantId, String confirm, AuditEntry.Actor actor) {
        Tenant tenant = tenants.find(tenantId)
                .orElseThrow(() -> ProblemType.ORGANIZATION_NOT_FOUND.exception("no organization " + tenantId));
        if (!tenant.slug().equals(confirm)) {
            throw ProblemType.CONFIRMATION_MISMATCH
                    .exception("to close the organization, send confirm=" + tenant.slug() + " (its slug)")
                    .with("field", "confirm");
        }
        Instant now = clock.instant();
        Instant deleteAfter = now.plus(closeGrace);
        boolean closed = control.inTransaction(handle -> {
            if (!tenants.close(
                    handle, tenantId, "closed by its administrator; deleted after " + deleteAfter, deleteAfter, now)) {
                return false;
            }
            audit.append(handle, entry(actor, "tenant.close", tenant, Map.of("deleteAfter", deleteAfter.toString())));
            return true;
        });
        if (!closed) {
            throw ProblemType.INVALID_STATUS_TRANSITION.exception(
                    "organization " + tenant.slug() + " is not active; only an active organization can be closed");
        }
        statusChanged.accept(tenantId);
        refreshTokens.revokeTenant(tenantId, now);
        return tenants.find(tenantId).orElseThrow();
    }

    /** Starts deleting the closed organizations whose grace has passed; how many. Housekeeping calls it. */
    public int deleteClosed() {
        int started = 0;
        for (UUID id : tenants.closedBefore(clock.instant(), DELETIONS_PER_SWEEP)) {
            try {
                delete(id.toString(), AuditEntry.Actor.system("organization closed by its administrator"));
                started++;
            } catch (RuntimeException e) {
                log.warn("deleting closed organization {} failed, retried at the next sweep: {}", id, e.getMessage());
            }
        }
        return started;
    }

    public Job job(UUID id) {
        return jobs.find(id).orElseThrow(() -> ProblemType.JOB_NOT_FOUND.exception("no job " + id));
    }

    private List<ServiceTemplate> services(List<String> requested) {
        if (requested == null || requested.isEmpty()) {
            throw ProblemType.MISSING_FIELD
                    .exception("field 'services' must name at least one service, e.g. [\"billing\"]")
                    .with("field", "services");
        }
        Set<String> seen = new HashSet<>();
        List<ServiceTemplate> out = new ArrayList<>();
        out.add(templates.core());
        for (String service : requested) {
            if (ServiceTemplate.CORE.equals(service)) {
                continue; // every organization has its core database anyway
            }
            if (!seen.add(service)) {
                throw ProblemType.DUPLICATE_SERVICE
                        .exception("service '" + service + "' is listed twice")
                        .with("field", "services");
            }
            out.add(templates
                    .find(service)
                    .orElseThrow(() -> ProblemType.UNKNOWN_SERVICE
                            .inBody("no service '" + service + "'; known: "
                                    + templates.all().stream()
                                            .map(ServiceTemplate::service)
                                            .toList())
                            .with("field", "services")));
        }
        return out;
    }

    private UserStore.NewUser firstAdmin(
            Optional<NewOrganization.FirstAdmin> first, String hash, List<ServiceTemplate> services) {
        NewOrganization.FirstAdmin body = first.orElseThrow(Organizations::missingAdmin);
        Optional<String> email =
                body.email().filter(text -> !text.isBlank()).map(text -> Fields.email(text, "admin.email"));
        Optional<String> username = RequestChecks.username(body.username(), "admin.username");
        if (email.isEmpty() && username.isEmpty()) {
            throw ProblemType.MISSING_FIELD
                    .exception("admin needs an email or a username")
                    .with("field", "admin.email");
        }
        Map<String, String> roles = new LinkedHashMap<>();
        services.forEach(template -> roles.put(template.service(), template.adminRole()));
        return new UserStore.NewUser(
                Ids.next(),
                email,
                username,
                RequestChecks.text(Optional.of(body.name()), "admin.name", 200).orElse(""),
                hash,
                roles,
                Json.object());
    }

    private static SiloException missingAdmin() {
        return ProblemType.MISSING_FIELD
                .exception("field 'admin' is required: {email or username, name, password}")
                .with("field", "admin");
    }

    /**
     * The database names a platform administrator chose, checked: well formed, not reserved, for a
     * service the organization gets, and no database Silo knows on any cluster (a chosen name is
     * meant to stay the organization's wherever it is moved). Whether the cluster has a database of
     * that name outside Silo is checked with the others: Silo creates its databases, never adopts one.
     */
    private Map<String, String> chosenNames(NewOrganization request, List<ServiceTemplate> services) {
        Map<String, String> chosen = new LinkedHashMap<>();
        request.databaseNames().forEach((service, name) -> {
            if (services.stream().noneMatch(template -> template.service().equals(service))) {
                throw ProblemType.INVALID_DATABASE_NAME
                        .exception("databases names service '" + abbreviate(service)
                                + "', which the organization does not get; it gets "
                                + services.stream()
                                        .map(ServiceTemplate::service)
                                        .toList())
                        .with("field", "databases");
            }
            String database = namer.chosen(name, service);
            if (tenants.databaseNameKnown(database)) {
                throw ProblemType.DATABASE_NAME_TAKEN
                        .exception("an organization already has a database named " + database)
                        .with("database", database)
                        .with("field", "databases." + service);
            }
            chosen.put(service, database);
        });
        return chosen;
    }

    /** Slugs and external ids name organizations in one namespace ({@code {org}}, sign-in's {@code organization}). */
    private static SiloException externalIdTaken(String externalId) {
        return ProblemType.EXTERNAL_ID_TAKEN
                .exception("external id '" + externalId + "' is already an organization's external id or slug")
                .with("field", "externalId");
    }

    private static String abbreviate(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "..." : text;
    }

    private List<TenantDatabase> databases(
            List<ServiceTemplate> services,
            NamingContext naming,
            Map<String, Cluster> clusters,
            Map<String, String> chosen) {
        Map<String, String> names = new LinkedHashMap<>();
        List<TenantDatabase> databases = new ArrayList<>();
        for (ServiceTemplate template : services) {
            Cluster cluster = clusters.get(template.service());
            String database = chosen.containsKey(template.service())
                    ? chosen.get(template.service())
                    : namer.name(template.databaseNamePattern(), template.service(), naming);
            String clash = names.put(database, template.service());
            if (clash != null) {
                throw ProblemType.DATABASE_NAME_TAKEN.exception("services " + clash + " and " + template.service()
                        + " would both use the database name " + database);
            }
            if (tenants.databaseNameTaken(cluster.id(), database)
                    || admins.of(cluster.id()).databaseExists(database)) {
                throw ProblemType.DATABASE_NAME_TAKEN
                        .exception("a database named " + database + " already exists on cluster " + cluster.id()
                                + "; choose another name or slug")
                        .with("database", database);
            }
            databases.add(new TenantDatabase(
                    template.service(),
                    cluster.id(),
                    database,
                    template.version(),
                    template.version(),
                    DatabaseState.PENDING,
                    Optional.empty()));
        }
        return databases;
    }

    private void insert(
            Tenant tenant,
            TenantRole role,
            Job job,
            AuditEntry.Actor actor,
            BiConsumer<Handle, UUID> alsoInTransaction) {
        try {
            control.useTransaction(handle -> {
                placements.reserve(
                        handle,
                        Placements.needed(tenant.databases().stream()
                                .map(TenantDatabase::clusterId)
                                .toList()));
                alsoInTransaction.accept(handle, tenant.id());
                tenants.insert(handle, tenant, role);
                jobs.create(handle, job, INLINE_GRACE);
                audit.append(
                        handle,
                        entry(
                                actor,
                                "tenant.create",
                                tenant,
                                Map.of(
                                        "services",
                                        tenant.databases().stream()
                                                .map(TenantDatabase::service)
                                                .toList(),
                                        "cluster",
                                        tenant.databases().getFirst().clusterId(),
                                        "clusters",
                                        clusters(tenant))));
            });
        } catch (DataAccessException e) {
            if (e.violated(TenantStore.SLUG_KEY) || e.violated(TenantStore.SLUG_IS_EXTERNAL_ID)) {
                throw ProblemType.SLUG_TAKEN
                        .exception("an organization with slug '" + tenant.slug() + "' exists")
                        .with("field", "slug");
            }
            if (e.violated(TenantStore.EXTERNAL_ID_KEY) || e.violated(TenantStore.EXTERNAL_ID_IS_SLUG)) {
                throw externalIdTaken(tenant.externalId().orElseThrow());
            }
            if (e.isUniqueViolation()) {
                throw ProblemType.DATABASE_NAME_TAKEN.exception(
                        "a database name of this organization is taken on its cluster");
            }
            throw e;
        }
    }

    private static Map<String, String> clusters(Tenant tenant) {
        Map<String, String> clusters = new LinkedHashMap<>();
        tenant.databases().forEach(database -> clusters.put(database.service(), database.clusterId()));
        return clusters;
    }

    /**
     * The request's own placements of services, checked: each names a service the organization gets
     * (422 {@code unknown-service} for no such template, {@code invalid-placement} for one it does not
     * get), and a known cluster (422 {@code unknown-cluster}) or labels, one of the two.
     */
    private Map<String, ServicePlacement> requestedPlacements(NewOrganization request, List<ServiceTemplate> services) {
        Map<String, ServicePlacement> placed = new LinkedHashMap<>();
        request.placement().forEach((service, wanted) -> {
            String field = "placement." + abbreviate(service);
            if (templates.find(service).isEmpty()) {
                throw ProblemType.UNKNOWN_SERVICE
                        .inBody("placement names service '" + abbreviate(service) + "', which does not exist")
                        .with("field", field);
            }
            if (services.stream().noneMatch(template -> template.service().equals(service))) {
                throw ProblemType.INVALID_PLACEMENT
                        .exception("placement names service '" + service + "', which the organization does not get;"
                                + " it gets "
                                + services.stream()
                                        .map(ServiceTemplate::service)
                                        .toList())
                        .with("field", field);
            }
            placed.put(service, placement(wanted, field));
        });
        return placed;
    }

    private ServicePlacement placement(NewOrganization.Placement wanted, String field) {
        if (wanted.cluster().isPresent() == !wanted.labels().isEmpty()) {
            throw ProblemType.INVALID_PLACEMENT
                    .exception(field + " must name a cluster ({\"cluster\": \"eu-2\"}) or labels ({\"labels\":"
                            + " {\"tier\": \"billing\"}}), one of the two")
                    .with("field", field);
        }
        if (wanted.labels().values().stream().anyMatch(java.util.Objects::isNull)) {
            throw ProblemType.INVALID_PLACEMENT
                    .exception(field + ".labels must map each label to a text")
                    .with("field", field + ".labels");
        }
        String cluster = wanted.cluster().orElse("");
        if (wanted.cluster().isPresent() && placements.find(cluster).isEmpty()) {
            throw ProblemType.UNKNOWN_CLUSTER
                    .exception("no cluster '" + abbreviate(cluster) + "'; known: "
                            + placements.list().stream().map(Cluster::id).toList())
                    .with("field", field + ".cluster");
        }
        return wanted.cluster().isPresent() ? ServicePlacement.on(cluster) : ServicePlacement.labelled(wanted.labels());
    }

    private void transition(
            Tenant tenant,
            TenantStatus from,
            TenantStatus to,
            Optional<String> reason,
            AuditEntry.Actor actor,
            String action) {
        boolean moved = control.inTransaction(handle -> {
            if (!tenants.transition(handle, tenant.id(), from, to, reason, clock.instant())) {
                return false;
            }
            audit.append(
                    handle,
                    entry(
                            actor,
                            action,
                            tenant,
                            reason.<Map<String, Object>>map(text -> Map.of("reason", text))
                                    .orElse(Map.of())));
            return true;
        });
        if (moved) {
            statusChanged.accept(tenant.id());
        } else {
            throw ProblemType.INVALID_STATUS_TRANSITION.exception("organization " + tenant.slug() + " is "
                    + tenants.find(tenant.id()).map(t -> t.status().value()).orElse("gone")
                    + "; only an organization that is "
                    + from.value() + " can become " + to.value());
        }
    }

    private Job newJob(String kind, UUID tenantId, List<String> steps, tools.jackson.databind.JsonNode payload) {
        Instant now = clock.instant();
        return new Job(
                Ids.next(),
                kind,
                Optional.of(tenantId),
                JobState.PENDING,
                payload,
                steps,
                0,
                0,
                Optional.empty(),
                now,
                now,
                Optional.empty());
    }

    private static AuditEntry entry(AuditEntry.Actor actor, String action, Tenant tenant, Map<String, Object> details) {
        Map<String, Object> all = new LinkedHashMap<>(details);
        all.put("slug", tenant.slug());
        return new AuditEntry(actor, action, "tenant", tenant.id().toString(), Optional.of(tenant.id()), all);
    }

    private static List<String> fieldNames(tools.jackson.databind.JsonNode patch) {
        List<String> names = new ArrayList<>();
        patch.propertyNames().forEach(names::add);
        return names;
    }
}
