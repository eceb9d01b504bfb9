package io.silo.app.organization;

import io.silo.app.cluster.Placements;
import io.silo.audit.AuditEntry;
import io.silo.crypto.Ids;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.job.Job;
import io.silo.job.JobState;
import io.silo.naming.DatabaseNamer;
import io.silo.naming.NamingContext;
import io.silo.postgres.cluster.ClusterAdmins;
import io.silo.postgres.control.AuditLog;
import io.silo.postgres.control.TenantServices;
import io.silo.postgres.control.TenantStore;
import io.silo.postgres.jdbc.DataAccessException;
import io.silo.postgres.jdbc.Handle;
import io.silo.postgres.jdbc.Jdbc;
import io.silo.postgres.job.JobRunner;
import io.silo.postgres.job.JobStore;
import io.silo.postgres.provision.ServiceJobs;
import io.silo.template.ServiceTemplate;
import io.silo.template.TemplateCatalog;
import io.silo.tenant.Admission;
import io.silo.tenant.DatabaseState;
import io.silo.tenant.Tenant;
import io.silo.tenant.TenantDatabase;
import io.silo.tenant.TenantStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The services of an existing organization, for platform administrators: add one (its database is
 * provisioned by a job, and the organization's administrators get the template's administrator
 * role in it), remove one (its database is detached at once and dropped only after
 * {@code services.removalGrace}), restore a removed one within that grace (the same database,
 * its data intact), and drop those whose grace ended ({@link #dropExpired}, run by housekeeping).
 * {@code core} is never added or removed.
 *
 * <p>Each change commits in the control database together with its job and its audit record; the
 * job does the rest, resumable, and writes the organization's activity log.
 *
 * <p>Thread-safe.
 */
public final class OrganizationServices {
    /** How long background workers leave a new job to the request that created it. */
    private static final Duration INLINE_GRACE = Duration.ofSeconds(2);
    /** How many expired removals one sweep starts dropping. */
    private static final int DROPS_PER_SWEEP = 100;

    private final Jdbc control;
    private final TenantStore tenants;
    private final TenantServices services;
    private final ClusterAdmins admins;
    private final Placements placements;
    private final TemplateCatalog templates;
    private final JobStore jobs;
    private final JobRunner runner;
    private final AuditLog audit;
    private final DatabaseNamer namer;
    private final Clock clock;
    private final Duration removalGrace;
    private final Duration waitForJobs;
    private final Consumer<UUID> placementChanged;

    /**
     * @param placementChanged told after a change of an organization's databases commits, so that this
     *                         instance's placement cache follows at once (the others hear the notification)
     */
    public OrganizationServices(
            Jdbc control,
            TenantStore tenants,
            TenantServices services,
            ClusterAdmins admins,
            Placements placements,
            TemplateCatalog templates,
            JobStore jobs,
            JobRunner runner,
            AuditLog audit,
            DatabaseNamer namer,
            Clock clock,
            Duration removalGrace,
            Duration waitForJobs,
            Consumer<UUID> placementChanged) {
        this.control = control;
        this.tenants = tenants;
        this.services = services;
        this.admins = admins;
        this.placements = placements;
        this.templates = templates;
        this.jobs = jobs;
        this.runner = runner;
        this.audit = audit;
        this.namer = namer;
        this.clock = clock;
        this.removalGrace = removalGrace;
        this.waitForJobs = waitForJobs;
        this.placementChanged = placementChanged;
    }

    /**
     * A change of one service and the job that carries it out.
     *
     * @param database the service's database as it is now; empty once it was dropped
     * @param dropAfter when a removed service's database is dropped
     */
    public record Change(String service, Optional<TenantDatabase> database, Optional<Instant> dropAfter, Job job) {}

    /** Adds {@code service} to an active organization and provisions its database, waiting a bounded time. */
    public Change add(String org, String service, AuditEntry.Actor actor) {
        Tenant tenant = active(org);
        ServiceTemplate template = templates
                .find(service)
                .orElseThrow(() -> ProblemType.UNKNOWN_SERVICE
                        .inBody("no service '" + abbreviate(service) + "'; known: " + known())
                        .with("field", "service"));
        Optional<TenantDatabase> existing = tenant.database(service);
        if (existing.isPresent()) {
            throw removed(tenant, existing.get())
                    .orElseGet(() -> ProblemType.SERVICE_ALREADY_ENABLED
                            .exception("organization " + tenant.slug() + " uses the service '" + service
                                    + "' already (its database is "
                                    + existing.get().state().value() + ")")
                            .with("service", service));
        }
        TenantDatabase database = newDatabase(tenant, template);
        Job job = newJob(ServiceJobs.ADD, tenant.id(), service, actor);
        try {
            control.useTransaction(handle -> {
                placements.reserve(handle, Map.of(database.clusterId(), 1L));
                services.add(handle, tenant.id(), database);
                jobs.create(handle, job, INLINE_GRACE);
                audit.append(
                        handle,
                        entry(
                                actor,
                                "tenant.service.add",
                                tenant,
                                service,
                                Map.of("database", database.databaseName())));
            });
        } catch (DataAccessException e) {
            throw e.violated("tenant_databases_pkey")
                    ? ProblemType.SERVICE_ALREADY_ENABLED
                            .exception("organization " + tenant.slug() + " uses the service '" + service + "' already")
                            .with("service", service)
                    : e.isUniqueViolation() ? nameTaken(database) : e;
        }
        placementChanged.accept(tenant.id());
        runner.runNow(job.id(), waitForJobs);
        placementChanged.accept(tenant.id());
        return change(tenant.id(), service, job);
    }

    /**
     * Removes {@code service} from an active organization: its database is detached at once (no
     * request reaches it any more) and dropped after {@code services.removalGrace}.
     *
     * @param confirm must be the organization's slug: what an administrator types to say they mean it
     */
    public Change remove(String org, String service, Optional<String> confirm, AuditEntry.Actor actor) {
        Tenant tenant = active(org);
        if (ServiceTemplate.CORE.equals(service)) {
            throw ProblemType.CORE_SERVICE_REQUIRED.exception(
                    "the core service holds the members of " + tenant.slug() + "; it cannot be removed");
        }
        if (!confirm.map(tenant.slug()::equals).orElse(false)) {
            throw ProblemType.CONFIRMATION_MISMATCH
                    .exception("removing the service '" + abbreviate(service)
                            + "' detaches its database and drops it later: repeat the organization's slug as confirm="
                            + tenant.slug())
                    .with("field", "confirm");
        }
        TenantDatabase database = enabled(tenant, service);
        Optional<SiloException> removedAlready = removed(tenant, database);
        if (removedAlready.isPresent()) {
            throw removedAlready.get();
        }
        if (database.state() == DatabaseState.FAILED) {
            return discardFailed(tenant, database, actor);
        }
        Admission.database(Optional.of(database.state()), tenant.slug(), service, Admission.Route.WRITE)
                .ifPresent(refusal -> {
                    throw refusal;
                });
        Instant dropAfter = clock.instant().plus(removalGrace);
        Job job = newJob(ServiceJobs.REMOVE, tenant.id(), service, actor);
        return record(
                tenant,
                service,
                job,
                entry(
                        actor,
                        "tenant.service.remove",
                        tenant,
                        service,
                        Map.of("database", database.databaseName(), "dropAfter", dropAfter.toString())),
                handle -> services.detach(handle, tenant.id(), service, dropAfter),
                () -> changedMeanwhile(tenant, service));
    }

    /**
     * Removes a service whose addition failed: there is no data to keep, so its database (if one was
     * made) is dropped at once, by the same job as after a grace period.
     */
    private Change discardFailed(Tenant tenant, TenantDatabase database, AuditEntry.Actor actor) {
        String service = database.service();
        Job job = newJob(ServiceJobs.DROP, tenant.id(), service, actor);
        return record(
                tenant,
                service,
                job,
                entry(
                        actor,
                        "tenant.service.remove",
                        tenant,
                        service,
                        Map.of("database", database.databaseName(), "failed", true)),
                handle -> services.discardFailed(handle, tenant.id(), service, clock.instant()),
                () -> changedMeanwhile(tenant, service));
    }

    private static SiloException changedMeanwhile(Tenant tenant, String service) {
        return ProblemType.SERVICE_REMOVED
                .exception("the " + service + " database of " + tenant.slug() + " changed meanwhile; look again")
                .with("service", service);
    }

    /**
     * Records a change of a service's database, its job and its audit entry in one transaction, then
     * announces the new placement and runs the job; when {@code change} finds the database changed
     * meanwhile (false), nothing is recorded and {@code lost} is the answer.
     */
    private Change record(
            Tenant tenant,
            String service,
            Job job,
            AuditEntry entry,
            Predicate<Handle> change,
            Supplier<SiloException> lost) {
        boolean recorded = control.inTransaction(handle -> {
            if (!change.test(handle)) {
                return false;
            }
            jobs.create(handle, job, INLINE_GRACE);
            audit.append(handle, entry);
            return true;
        });
        if (!recorded) {
            throw lost.get();
        }
        placementChanged.accept(tenant.id());
        runner.runNow(job.id(), waitForJobs);
        return change(tenant.id(), service, job);
    }

    /** Attaches a removed service's database again, while its grace lasts. */
    public Change restore(String org, String service, AuditEntry.Actor actor) {
        Tenant tenant = active(org);
        TenantDatabase database = enabled(tenant, service);
        if (database.state() == DatabaseState.DROPPING) {
            throw windowClosed(tenant, service);
        }
        if (database.state() != DatabaseState.DETACHED) {
            throw ProblemType.SERVICE_NOT_REMOVED
                    .exception("organization " + tenant.slug() + " uses the service '" + service
                            + "'; only a removed one can be restored")
                    .with("service", service);
        }
        Job job = newJob(ServiceJobs.RESTORE, tenant.id(), service, actor);
        return record(
                tenant,
                service,
                job,
                entry(actor, "tenant.service.restore", tenant, service, Map.of("database", database.databaseName())),
                handle -> services.reattach(handle, tenant.id(), service, clock.instant()),
                () -> windowClosed(tenant, service));
    }

    /**
     * Starts dropping the databases of removed services whose grace ended, each in a job that
     * commits with its audit record, and runs them; returns how many were started. Any instance may
     * run it; a database restored meanwhile, or taken by another instance, is left alone. A database
     * left {@code dropping} by a drop job that failed or was cancelled gets a new job, so that no
     * removal stays half done.
     */
    public int dropExpired() {
        Instant now = clock.instant();
        List<Job> started = new ArrayList<>();
        for (TenantServices.Detached expired : services.expired(now, DROPS_PER_SWEEP)) {
            if (expired.dropping() && dropUnderWay(expired)) {
                continue;
            }
            Job job = newJob(
                    ServiceJobs.DROP,
                    expired.tenantId(),
                    expired.service(),
                    AuditEntry.Actor.system("services.removalGrace"));
            boolean dropping = control.inTransaction(handle -> {
                Optional<Tenant> tenant = tenants.find(handle, expired.tenantId());
                boolean mine =
                        expired.dropping() || services.startDrop(handle, expired.tenantId(), expired.service(), now);
                if (tenant.isEmpty() || !mine) {
                    return false;
                }
                jobs.create(handle, job, INLINE_GRACE);
                audit.append(
                        handle,
                        entry(
                                AuditEntry.Actor.system("services.removalGrace"),
                                "tenant.service.drop",
                                tenant.get(),
                                expired.service(),
                                Map.of("detachedUntil", expired.until().toString(), "again", expired.dropping())));
                return true;
            });
            if (dropping) {
                started.add(job);
            }
        }
        started.forEach(job -> runner.runNow(job.id(), waitForJobs));
        return started.size();
    }

    private boolean dropUnderWay(TenantServices.Detached expired) {
        return jobs.unfinished(expired.tenantId()).stream()
                .anyMatch(job -> job.kind().equals(ServiceJobs.DROP)
                        && job.payload().path("service").asString().equals(expired.service()));
    }

    private Tenant active(String org) {
        Tenant tenant = tenants.resolve(org)
                .orElseThrow(() -> ProblemType.ORGANIZATION_NOT_FOUND.exception("no organization '" + org + "'"));
        if (tenant.status() != TenantStatus.ACTIVE) {
            throw ProblemType.ORGANIZATION_NOT_ACTIVE.exception("organization " + tenant.slug() + " is "
                    + tenant.status().value() + "; its services change only while it is active");
        }
        return tenant;
    }

    /** The database of a service named in the path: 404 for an unknown service or one the organization never had. */
    private TenantDatabase enabled(Tenant tenant, String service) {
        if (templates.find(service).isEmpty()) {
            throw ProblemType.UNKNOWN_SERVICE.exception("no service '" + abbreviate(service) + "'; known: " + known());
        }
        return tenant.database(service)
                .orElseThrow(() -> ProblemType.SERVICE_NOT_ENABLED
                        .exception("organization " + tenant.slug() + " does not use the service '" + service + "'")
                        .with("service", service));
    }

    /** The refusal for a service removed already: restorable until its drop, or being dropped. */
    private Optional<SiloException> removed(Tenant tenant, TenantDatabase database) {
        String service = database.service();
        if (database.state() == DatabaseState.DROPPING) {
            return Optional.of(ProblemType.SERVICE_REMOVED
                    .exception("the service '" + service + "' of " + tenant.slug()
                            + " was removed and its database is being dropped")
                    .with("service", service));
        }
        if (database.state() != DatabaseState.DETACHED) {
            return Optional.empty();
        }
        Optional<Instant> until = services.detachedUntil(tenant.id(), service);
        SiloException refusal = ProblemType.SERVICE_REMOVED
                .exception("the service '" + service + "' of " + tenant.slug() + " was removed; restore it"
                        + until.map(at -> " before " + at).orElse("") + ", or add it afresh once it is dropped")
                .with("service", service);
        return Optional.of(
                until.map(at -> refusal.with("dropAfter", at.toString())).orElse(refusal));
    }

    private static SiloException windowClosed(Tenant tenant, String service) {
        return ProblemType.RESTORE_WINDOW_CLOSED
                .exception("the grace period of the removed service '" + service + "' of " + tenant.slug()
                        + " is over; its database is dropped or being dropped")
                .with("service", service);
    }

    /**
     * The new database, placed by the rules of a new organization's: where the deployment's default
     * for the service puts it ({@code placement.services}), else on the cluster of the organization's
     * core database, where its role exists.
     * The first administrator's username, which a naming pattern may use, is not known here: such a
     * pattern answers 422 {@code naming-variable-missing}.
     */
    private TenantDatabase newDatabase(Tenant tenant, ServiceTemplate template) {
        String cluster = placements
                .configured(template.service())
                .map(rule -> placements
                        .choose(Map.of(template.service(), rule))
                        .get(template.service())
                        .id())
                .orElseGet(() ->
                        tenant.database(ServiceTemplate.CORE).orElseThrow().clusterId());
        NamingContext naming = new NamingContext(
                tenant.id(), tenant.slug(), tenant.name(), tenant.businessType(), Optional.empty(), tenant.createdAt());
        String name = namer.name(template.databaseNamePattern(), template.service(), naming);
        TenantDatabase database = new TenantDatabase(
                template.service(),
                cluster,
                name,
                template.version(),
                template.version(),
                DatabaseState.PENDING,
                Optional.empty());
        if (tenants.databaseNameTaken(cluster, name) || admins.of(cluster).databaseExists(name)) {
            throw nameTaken(database);
        }
        return database;
    }

    private static SiloException nameTaken(TenantDatabase database) {
        return ProblemType.DATABASE_NAME_TAKEN
                .exception("a database named " + database.databaseName() + " already exists on cluster "
                        + database.clusterId())
                .with("database", database.databaseName());
    }

    private Change change(UUID tenantId, String service, Job job) {
        Optional<TenantDatabase> database = tenants.find(tenantId).flatMap(tenant -> tenant.database(service));
        Optional<Instant> dropAfter = database.filter(found -> found.state() == DatabaseState.DETACHED)
                .flatMap(found -> services.detachedUntil(tenantId, service));
        return new Change(service, database, dropAfter, jobs.find(job.id()).orElseThrow());
    }

    private List<String> known() {
        return templates.all().stream()
                .map(ServiceTemplate::service)
                .filter(name -> !ServiceTemplate.CORE.equals(name))
                .toList();
    }

    private static String abbreviate(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "…";
    }

    private Job newJob(String kind, UUID tenantId, String service, AuditEntry.Actor actor) {
        Instant now = clock.instant();
        return new Job(
                Ids.next(),
                kind,
                Optional.of(tenantId),
                JobState.PENDING,
                ServiceJobs.payload(service, actor),
                ServiceJobs.plan(kind),
                0,
                0,
                Optional.empty(),
                now,
                now,
                Optional.empty());
    }

    private static AuditEntry entry(
            AuditEntry.Actor actor, String action, Tenant tenant, String service, Map<String, Object> details) {
        Map<String, Object> all = new LinkedHashMap<>(details);
        all.put("slug", tenant.slug());
        all.put("service", service);
        return new AuditEntry(actor, action, "tenant", tenant.id().toString(), Optional.of(tenant.id()), all);
    }
}
