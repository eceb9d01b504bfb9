package io.silo.postgres.provision;

import io.silo.error.ProblemType;
import io.silo.job.Job;
import io.silo.job.JobHandler;
import io.silo.postgres.cluster.ClusterAdmin;
import io.silo.postgres.cluster.ClusterAdmins;
import io.silo.postgres.control.RefreshTokenStore;
import io.silo.postgres.control.TenantStore;
import io.silo.postgres.jdbc.Jdbc;
import io.silo.postgres.job.JobStore;
import io.silo.tenant.DatabaseState;
import io.silo.tenant.Tenant;
import io.silo.tenant.TenantDatabase;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes a tenant for good: closes its sessions and pools, drops each of its databases, drops its
 * role on every cluster, and finally forgets it (its registry row, directory entries and tokens
 * go in one transaction). Each step is idempotent, so a crash anywhere leaves a job that finishes
 * the removal: no database or role of the tenant survives.
 *
 * <p>The plan is {@code close, drop:<service>…, role, forget}. Thread-safe.
 */
public final class DeletionJob implements JobHandler {
    public static final String KIND = "tenant.delete";
    private static final Logger log = LoggerFactory.getLogger(DeletionJob.class);

    private final Jdbc control;
    private final JobStore jobs;
    private final TenantStore tenants;
    private final RefreshTokenStore refreshTokens;
    private final ClusterAdmins clusters;
    private final Consumer<UUID> closePools;
    private final Clock clock;

    public DeletionJob(
            Jdbc control,
            JobStore jobs,
            TenantStore tenants,
            RefreshTokenStore refreshTokens,
            ClusterAdmins clusters,
            Consumer<UUID> closePools,
            Clock clock) {
        this.control = control;
        this.jobs = jobs;
        this.tenants = tenants;
        this.refreshTokens = refreshTokens;
        this.clusters = clusters;
        this.closePools = closePools;
        this.clock = clock;
    }

    public static List<String> plan(Tenant tenant) {
        List<String> steps = new ArrayList<>();
        steps.add("close");
        tenant.databases().forEach(database -> steps.add("drop:" + database.service()));
        steps.addAll(List.of("role", "forget"));
        return steps;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public void run(Job job, String step) {
        Optional<Tenant> found = tenants.find(job.tenantId().orElseThrow());
        if (found.isEmpty()) {
            return; // already forgotten: every earlier step is done
        }
        Tenant tenant = found.get();
        switch (step) {
            case "close" -> {
                awaitProvisioningStopped(tenant);
                refreshTokens.revokeTenant(tenant.id(), clock.instant());
                closePools.accept(tenant.id());
            }
            case "role" -> dropRole(tenant);
            case "forget" -> forget(tenant);
            default ->
                drop(tenant, tenant.database(step.substring("drop:".length())).orElseThrow());
        }
    }

    /**
     * A provisioning step already running (CREATE DATABASE, say) finishes even after the status
     * became {@code deleting}; later steps see the status and skip. Dropping before it has finished
     * would leave what it creates behind, so this step waits for it, retried with back-off.
     */
    private void awaitProvisioningStopped(Tenant tenant) {
        // adding a service creates a database too
        boolean provisioning = jobs.unfinished(tenant.id()).stream()
                .anyMatch(job ->
                        job.kind().equals(ProvisioningJob.KIND) || job.kind().equals(ServiceJobs.ADD));
        if (provisioning) {
            throw ProblemType.PROVISIONING_IN_PROGRESS
                    .exception("tenant " + tenant.slug() + " is still being provisioned; deletion waits for it to stop")
                    .retryAfter(java.time.Duration.ofSeconds(1));
        }
    }

    /** A deletion half done has dropped databases that cannot come back: it runs to its end. */
    @Override
    public boolean cancellable() {
        return false;
    }

    @Override
    public void failed(Job job, String reason) {
        log.error(
                "deleting tenant {} failed: {}; the tenant stays in 'deleting', run the deletion again",
                job.tenantId().orElseThrow(),
                reason);
    }

    /**
     * Drops the database only when it is this tenant's: created by its provisioning (state past
     * {@code pending}) and carrying its owner comment. A database of the same name that provisioning
     * refused, or that someone else made, is never touched.
     */
    private void drop(Tenant tenant, TenantDatabase database) {
        ClusterAdmin admin = clusters.of(database.clusterId());
        if (database.state() == DatabaseState.PENDING || !admin.databaseExists(database.databaseName())) {
            tenants.setDatabaseState(tenant.id(), database.service(), DatabaseState.DROPPING, Optional.empty());
            return;
        }
        String comment = admin.databaseComment(database.databaseName()).orElse("");
        String owner = ProvisioningJob.ownerComment(tenant.id(), database.service());
        boolean ours = comment.equals(owner) || (comment.isEmpty() && database.state() == DatabaseState.CREATING);
        tenants.setDatabaseState(tenant.id(), database.service(), DatabaseState.DROPPING, Optional.empty());
        if (!ours) {
            log.warn(
                    "not dropping database {} on cluster {}: it is not tenant {}'s (comment: '{}')",
                    database.databaseName(),
                    database.clusterId(),
                    tenant.slug(),
                    comment);
            return;
        }
        closePools.accept(tenant.id());
        admin.dropDatabase(database.databaseName());
    }

    private void dropRole(Tenant tenant) {
        String role = tenants.role(tenant.id()).name();
        tenant.databases().stream()
                .map(TenantDatabase::clusterId)
                .distinct()
                .forEach(cluster -> clusters.of(cluster).dropRole(role));
    }

    private void forget(Tenant tenant) {
        control.useTransaction(handle -> {
            tenants.delete(handle, tenant.id());
        });
        log.info(
                "tenant {} ({}) deleted with its databases {}",
                tenant.slug(),
                tenant.id(),
                tenant.databases().stream().map(TenantDatabase::databaseName).toList());
    }
}
