package io.silo.postgres.provision;

import io.silo.crypto.SecretBox;
import io.silo.job.Job;
import io.silo.job.JobHandler;
import io.silo.json.Json;
import io.silo.postgres.cluster.ClusterAdmins;
import io.silo.postgres.cluster.SchemaInstaller;
import io.silo.postgres.control.TenantStore;
import io.silo.postgres.control.TenantStore.TenantRole;
import io.silo.postgres.identity.DirectoryRelay;
import io.silo.postgres.identity.DirectoryStore;
import io.silo.postgres.identity.UserStore;
import io.silo.template.ServiceTemplate;
import io.silo.template.TemplateCatalog;
import io.silo.tenant.DatabaseState;
import io.silo.tenant.Tenant;
import io.silo.tenant.TenantDatabase;
import io.silo.tenant.TenantStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Brings a new tenant to life, step by idempotent step: its PostgreSQL role on every cluster it
 * uses; each database, copied from the template database of its service and granted to that
 * role only; its first administrator in the core database; the directory entry; and finally the
 * status {@code active}, only when every database is ready.
 *
 * <p>The plan is {@code role, database:core, database:<service>…, admin-user, directory, activate}.
 * A database is recorded as {@code creating} before CREATE DATABASE is issued, so a database of
 * that name found after a crash is known to be this tenant's (its comment says so too), while one
 * found when the record still says {@code pending} belongs to someone else and is never taken.
 *
 * <p>Thread-safe.
 */
public final class ProvisioningJob implements JobHandler {
    public static final String KIND = "tenant.provision";
    private static final Logger log = LoggerFactory.getLogger(ProvisioningJob.class);

    private final TenantStore tenants;
    private final ClusterAdmins clusters;
    private final DatabaseCreation databases;
    private final UserStore users;
    private final DirectoryStore directory;
    private final DirectoryRelay relay;
    private final SecretBox secrets;
    private final Clock clock;

    public ProvisioningJob(
            TenantStore tenants,
            ClusterAdmins clusters,
            TemplateCatalog templates,
            SchemaInstaller installer,
            UserStore users,
            DirectoryStore directory,
            DirectoryRelay relay,
            SecretBox secrets,
            Clock clock) {
        this.tenants = tenants;
        this.clusters = clusters;
        this.databases = new DatabaseCreation(tenants, clusters, templates, installer);
        this.users = users;
        this.directory = directory;
        this.relay = relay;
        this.secrets = secrets;
        this.clock = clock;
    }

    /** The steps for a tenant, in order. */
    public static List<String> plan(Tenant tenant) {
        List<String> steps = new ArrayList<>();
        steps.add("role");
        tenant.databases().forEach(database -> steps.add("database:" + database.service()));
        steps.addAll(List.of("admin-user", "directory", "activate"));
        return steps;
    }

    /**
     * The job payload: the first administrator, the password hash sealed with the master key (a
     * control-plane copy must expose no hash), the whole payload scrubbed when the job ends.
     */
    public static JsonNode payload(UserStore.NewUser admin, SecretBox secrets) {
        var node = Json.object();
        node.put("userId", admin.id().toString());
        admin.email().ifPresent(email -> node.put("email", email));
        admin.username().ifPresent(username -> node.put("username", username));
        node.put("name", admin.name());
        node.put("passwordHash", secrets.seal(admin.passwordHash()));
        node.set("roles", Json.tree(admin.roles()));
        return node;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public void run(Job job, String step) {
        Optional<Tenant> found = tenants.find(job.tenantId().orElseThrow());
        if (found.isEmpty() || found.get().status() != TenantStatus.PROVISIONING) {
            log.info(
                    "tenant {} is no longer provisioning; skipping step {}",
                    job.tenantId().orElseThrow(),
                    step);
            return;
        }
        Tenant tenant = found.get();
        switch (step) {
            case "role" -> createRole(tenant);
            case "admin-user" -> createAdmin(tenant, job.payload());
            case "directory" -> relay.drain(tenant.id());
            case "activate" -> activate(tenant);
            default -> {
                if (!step.startsWith("database:")) {
                    throw new IllegalArgumentException("unknown provisioning step " + step);
                }
                databases.create(
                        tenant.id(),
                        tenant.database(step.substring("database:".length())).orElseThrow());
            }
        }
    }

    @Override
    public void failed(Job job, String reason) {
        // only a tenant still provisioning fails: one being deleted meanwhile stays deleting
        job.tenantId()
                .ifPresent(id -> tenants.transition(
                        id, TenantStatus.PROVISIONING, TenantStatus.FAILED, Optional.of(reason), clock.instant()));
    }

    private void createRole(Tenant tenant) {
        TenantRole role = tenants.role(tenant.id());
        tenant.databases().stream()
                .map(TenantDatabase::clusterId)
                .distinct()
                .forEach(cluster -> clusters.of(cluster).ensureRole(role.name(), role.password()));
    }

    private void createAdmin(Tenant tenant, JsonNode payload) {
        if (!payload.has("userId")) {
            return; // scrubbed: the job already finished this step once
        }
        TenantDatabase core = tenant.database(ServiceTemplate.CORE).orElseThrow();
        UserStore.NewUser admin = new UserStore.NewUser(
                UUID.fromString(payload.path("userId").asString()),
                text(payload, "email"),
                text(payload, "username"),
                payload.path("name").asString(),
                secrets.open(payload.path("passwordHash").asString()),
                Json.mapper().convertValue(payload.path("roles"), STRING_MAP),
                Json.object());
        directory.markDirty(tenant.id(), clock.instant());
        clusters.of(core.clusterId()).inDatabase(core.databaseName(), handle -> users.insertIfAbsent(handle, admin));
    }

    private void activate(Tenant tenant) {
        Tenant current = tenants.find(tenant.id()).orElseThrow();
        boolean ready = current.databases().stream().allMatch(database -> database.state() == DatabaseState.READY);
        if (!ready) {
            throw new IllegalStateException(
                    "tenant " + tenant.slug() + " has databases that are not ready: " + current.databases());
        }
        if (!tenants.transition(
                tenant.id(), TenantStatus.PROVISIONING, TenantStatus.ACTIVE, Optional.empty(), clock.instant())) {
            log.info("tenant {} left provisioning meanwhile; not activating it", tenant.slug());
            return;
        }
        log.info(
                "tenant {} is active with databases {}",
                tenant.slug(),
                current.databases().stream().map(TenantDatabase::databaseName).toList());
    }

    /** The comment Silo puts on a tenant database, naming its owner. */
    public static String ownerComment(UUID tenantId, String service) {
        return "silo tenant " + tenantId + " service " + service;
    }

    private static Optional<String> text(JsonNode node, String field) {
        return node.path(field).isString() ? Optional.of(node.path(field).asString()) : Optional.empty();
    }

    private static final tools.jackson.core.type.TypeReference<Map<String, String>> STRING_MAP =
            new tools.jackson.core.type.TypeReference<>() {};
}
