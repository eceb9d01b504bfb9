package io.silo.postgres.provision;

import io.silo.audit.AuditEntry;
import io.silo.identity.User;
import io.silo.job.Job;
import io.silo.job.JobHandler;
import io.silo.json.Json;
import io.silo.postgres.activity.ActivityEntry;
import io.silo.postgres.activity.ActivityLog;
import io.silo.postgres.cluster.ClusterAdmin;
import io.silo.postgres.cluster.ClusterAdmins;
import io.silo.postgres.cluster.SchemaInstaller;
import io.silo.postgres.control.TenantServices;
import io.silo.postgres.control.TenantStore;
import io.silo.postgres.identity.DirectoryRelay;
import io.silo.postgres.identity.DirectoryStore;
import io.silo.postgres.identity.UserStore;
import io.silo.postgres.jdbc.Handle;
import io.silo.postgres.jdbc.Jdbc;
import io.silo.template.ServiceTemplate;
import io.silo.template.TemplateCatalog;
import io.silo.tenant.DatabaseState;
import io.silo.tenant.Tenant;
import io.silo.tenant.TenantDatabase;
import io.silo.tenant.TenantStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The jobs that change an existing organization's services, step by idempotent step. The control
 * database's change (a database recorded, detached, attached or marked dropping) commits with the
 * job and its audit record; the job does the rest, and records it in the organization's activity
 * log (its core database) once, however often a step runs again:
 * <ul>
 *   <li>{@value #ADD}: {@code role, database, admins, directory} — the database is made as for a
 *       new tenant ({@link DatabaseCreation}), then every administrator of the organization gets the
 *       template's administrator role in the service, through {@link UserStore#change} (so the
 *       outbox, and with it the directory, follows);</li>
 *   <li>{@value #REMOVE}: {@code close, activity} — the database is already detached; its pools close;</li>
 *   <li>{@value #RESTORE}: {@code activity};</li>
 *   <li>{@value #DROP}: {@code close, drop, roles, activity, forget} — after the grace period, the
 *       database is dropped (only when it carries this tenant's owner comment), every member's role in
 *       the service goes (and with it their sessions, as when an administrator takes a role away), and
 *       its record last.</li>
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class ServiceJobs {
    public static final String ADD = "service.add";
    public static final String REMOVE = "service.remove";
    public static final String RESTORE = "service.restore";
    public static final String DROP = "service.drop";

    private static final Logger log = LoggerFactory.getLogger(ServiceJobs.class);

    private final TenantStore tenants;
    private final TenantServices services;
    private final ClusterAdmins clusters;
    private final TemplateCatalog templates;
    private final DatabaseCreation databases;
    private final UserStore users;
    private final DirectoryStore directory;
    private final DirectoryRelay relay;
    private final ActivityLog activity;
    private final BiConsumer<String, String> closeDatabase;
    private final Consumer<UUID> endSessions;
    private final Clock clock;

    /**
     * @param closeDatabase closes this instance's pool of a database (cluster id, database name), aborting
     *                      its connections: it was detached or is about to be dropped
     * @param endSessions ends every session of a user who lost a role with the drop, as a change of the
     *                    user that takes a role away does: a token names the roles it was issued with
     */
    public ServiceJobs(
            TenantStore tenants,
            TenantServices services,
            ClusterAdmins clusters,
            TemplateCatalog templates,
            SchemaInstaller installer,
            UserStore users,
            DirectoryStore directory,
            DirectoryRelay relay,
            ActivityLog activity,
            BiConsumer<String, String> closeDatabase,
            Consumer<UUID> endSessions,
            Clock clock) {
        this.tenants = tenants;
        this.services = services;
        this.clusters = clusters;
        this.templates = templates;
        this.databases = new DatabaseCreation(tenants, clusters, templates, installer);
        this.users = users;
        this.directory = directory;
        this.relay = relay;
        this.activity = activity;
        this.closeDatabase = closeDatabase;
        this.endSessions = endSessions;
        this.clock = clock;
    }

    /** The steps of a job of {@code kind}. */
    public static List<String> plan(String kind) {
        return switch (kind) {
            case ADD -> List.of("role", "database", "admins", "directory");
            case REMOVE -> List.of("close", "activity");
            case RESTORE -> List.of("activity");
            case DROP -> List.of("close", "drop", "roles", "activity", "forget");
            default -> throw new IllegalArgumentException("no service job of kind " + kind);
        };
    }

    /** The payload of a job: the service, and who asked, for the activity log. */
    public static JsonNode payload(String service, AuditEntry.Actor actor) {
        ObjectNode node = Json.object();
        node.put("service", service);
        node.put("actorKind", actor.kind());
        node.put("actorName", actor.name());
        node.put("clientAddress", actor.clientAddress());
        node.put("userAgent", actor.userAgent());
        node.put("requestId", actor.requestId());
        return node;
    }

    /** A handler for each kind. */
    public List<JobHandler> handlers() {
        return List.of(new Handler(ADD), new Handler(REMOVE), new Handler(RESTORE), new Handler(DROP));
    }

    private final class Handler implements JobHandler {
        private final String kind;

        Handler(String kind) {
            this.kind = kind;
        }

        @Override
        public String kind() {
            return kind;
        }

        @Override
        public void run(Job job, String step) {
            Optional<Tenant> found = tenants.find(job.tenantId().orElseThrow());
            if (found.isEmpty() || found.get().status() == TenantStatus.DELETING) {
                log.info("tenant {} is gone or being deleted; skipping step {} of {}", job.tenantId(), step, kind);
                return;
            }
            if (!job.payload().has("service")) {
                return; // scrubbed: the job finished once already
            }
            Tenant tenant = found.get();
            String service = job.payload().path("service").asString();
            Optional<TenantDatabase> database = tenant.database(service);
            if (database.isEmpty()) {
                return; // forgotten: the drop's last step is done
            }
            switch (step) {
                case "role" -> databases.ensureRole(tenant.id(), database.get().clusterId());
                case "database" -> databases.create(tenant.id(), database.get());
                case "admins" -> grantAdmins(tenant, service, job);
                case "directory" -> relay.drain(tenant.id());
                case "close" ->
                    closeDatabase.accept(
                            database.get().clusterId(), database.get().databaseName());
                case "drop" -> drop(tenant, database.get());
                case "roles" -> revokeRoles(tenant, service);
                case "activity" -> inCore(tenant, core -> recordOnce(core, job, service, Map.of()));
                case "forget" -> services.forget(tenant.id(), service);
                default -> throw new IllegalArgumentException("unknown step " + step + " of job kind " + kind);
            }
        }

        /**
         * Only an addition may stop half way (its database is then {@code failed}, and removing the
         * service cleans up). The others carry a change already committed (a detach, an attach, the
         * start of a drop) to its end: a drop cannot be undone half way.
         */
        @Override
        public boolean cancellable() {
            return kind.equals(ADD);
        }

        @Override
        public void failed(Job job, String reason) {
            if (kind.equals(ADD) && job.payload().has("service")) {
                services.setState(
                        job.tenantId().orElseThrow(),
                        job.payload().path("service").asString(),
                        DatabaseState.FAILED,
                        Optional.of(reason));
            }
            log.error(
                    "job {} ({}) of tenant {} failed: {}",
                    job.id(),
                    kind,
                    job.tenantId().orElseThrow(),
                    reason);
        }
    }

    /** Every administrator of the organization gets the template's administrator role in the service. */
    private void grantAdmins(Tenant tenant, String service, Job job) {
        String role = templates.require(service).adminRole();
        directory.markDirty(tenant.id(), clock.instant());
        inCore(tenant, core -> {
            List<UUID> granted = core.query("""
                    SELECT a.user_id FROM memberships a
                    WHERE a.service = 'core' AND a.role = 'admin'
                      AND NOT EXISTS (SELECT 1 FROM memberships s WHERE s.user_id = a.user_id AND s.service = ?)
                    ORDER BY a.user_id FOR UPDATE
                    """, row -> row.getObject(1, UUID.class), service);
            for (UUID id : granted) {
                User user = users.find(core, id).orElseThrow();
                Map<String, String> roles = new LinkedHashMap<>(user.roles());
                roles.put(service, role);
                users.change(core, id, edit(user, roles));
            }
            recordOnce(core, job, service, Map.of("adminRole", role, "administrators", granted.size()));
        });
    }

    /** The service's roles go from every member: the service and its data are gone. */
    private void revokeRoles(Tenant tenant, String service) {
        directory.markDirty(tenant.id(), clock.instant());
        List<UUID> changed = new ArrayList<>();
        inCore(tenant, core -> {
            List<UUID> holders = core.query(
                    "SELECT user_id FROM memberships WHERE service = ? ORDER BY user_id",
                    row -> row.getObject(1, UUID.class),
                    service);
            for (UUID id : holders) {
                User user = users.find(core, id).orElseThrow();
                Map<String, String> roles = new LinkedHashMap<>(user.roles());
                roles.remove(service);
                users.change(core, id, edit(user, roles));
            }
            changed.addAll(holders);
        });
        relay.drain(tenant.id());
        changed.forEach(endSessions);
    }

    private UserStore.Edit edit(User user, Map<String, String> roles) {
        return new UserStore.Edit(
                user.email(),
                user.username(),
                user.name(),
                user.status(),
                user.profile(),
                roles,
                Optional.empty(),
                clock.instant());
    }

    /**
     * Drops the database only when it carries this tenant's owner comment, as the deletion of a whole
     * organization does ({@link DeletionJob}); one someone else made is never touched.
     */
    private void drop(Tenant tenant, TenantDatabase database) {
        ClusterAdmin admin = clusters.of(database.clusterId());
        if (!admin.databaseExists(database.databaseName())) {
            return;
        }
        String comment = admin.databaseComment(database.databaseName()).orElse("");
        if (!comment.equals(ProvisioningJob.ownerComment(tenant.id(), database.service()))) {
            log.warn(
                    "not dropping database {} on cluster {}: it is not tenant {}'s (comment: '{}')",
                    database.databaseName(),
                    database.clusterId(),
                    tenant.slug(),
                    comment);
            return;
        }
        closeDatabase.accept(database.clusterId(), database.databaseName());
        admin.dropDatabase(database.databaseName());
        log.info(
                "dropped database {} of the removed service {} of tenant {}",
                database.databaseName(),
                database.service(),
                tenant.slug());
    }

    private void inCore(Tenant tenant, Jdbc.HandleConsumer work) {
        TenantDatabase core = tenant.database(ServiceTemplate.CORE).orElseThrow();
        clusters.of(core.clusterId()).inDatabase(core.databaseName(), handle -> {
            work.accept(handle);
            return null;
        });
    }

    /** Records the job's change in the organization's activity log, unless a run of this step did already. */
    private void recordOnce(Handle core, Job job, String service, Map<String, Object> details) {
        boolean recorded = core.queryOne(
                        "SELECT 1 FROM silo_activity WHERE action = ? AND target_id = ? AND details->>'job' = ?",
                        row -> 1,
                        job.kind(),
                        service,
                        job.id().toString())
                .isPresent();
        if (recorded) {
            return;
        }
        JsonNode payload = job.payload();
        Map<String, Object> all = new LinkedHashMap<>(details);
        all.put("job", job.id().toString());
        all.put(
                "by",
                payload.path("actorKind").asString() + " "
                        + payload.path("actorName").asString());
        activity.record(
                core,
                ActivityEntry.builder(job.kind(), ServiceTemplate.CORE)
                        .target("service", service)
                        .targetName(Optional.of(service))
                        .details(all)
                        .client(new AuditEntry.Actor(
                                payload.path("actorKind").asString(),
                                "",
                                payload.path("actorName").asString(),
                                payload.path("clientAddress").asString(),
                                payload.path("userAgent").asString(),
                                payload.path("requestId").asString()))
                        .build());
    }
}
