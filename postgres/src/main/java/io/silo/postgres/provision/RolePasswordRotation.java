package io.silo.postgres.provision;

import io.silo.crypto.Secrets;
import io.silo.job.Job;
import io.silo.job.JobHandler;
import io.silo.postgres.cluster.ClusterAdmins;
import io.silo.postgres.control.TenantStore;
import io.silo.tenant.TenantDatabase;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives a tenant's PostgreSQL role a new password without a refused request: the new password is
 * staged in the control database (sealed), then set on every cluster that holds one of the
 * tenant's databases (as a new SCRAM verifier), then made the role's password, which every instance
 * hears of and re-opens the tenant's pools with. Connections logged in before stay good, and a pool
 * that must log in between the second step and its instance's notice finds the staged password
 * ({@link io.silo.postgres.pool.RolePasswords}).
 *
 * <p>The plan is {@code stage, roles, promote}; each step is idempotent, and a rotation interrupted
 * after staging finishes with the password it staged. Thread-safe.
 */
public final class RolePasswordRotation implements JobHandler {
    public static final String KIND = "tenant.rotate-role-password";
    /**
     * {@code stage, roles, promote}: the clusters are read when {@code roles} and {@code promote}
     * run, not when the job is made, so a database moved or added meanwhile (each under the tenant's
     * lease, between this job's steps) gets the password too.
     */
    public static final List<String> STEPS = List.of("stage", "roles", "promote");

    private static final Logger log = LoggerFactory.getLogger(RolePasswordRotation.class);

    private final TenantStore tenants;
    private final ClusterAdmins clusters;

    public RolePasswordRotation(TenantStore tenants, ClusterAdmins clusters) {
        this.tenants = tenants;
        this.clusters = clusters;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public void run(Job job, String step) {
        UUID tenant = job.tenantId().orElseThrow();
        switch (step) {
            case "stage" -> tenants.stageRolePassword(tenant, Secrets.password());
            case "roles" -> setOnEveryCluster(tenant);
            case "promote" -> {
                // again, under this step's lease: a database placed on another cluster since "roles" has the old one
                setOnEveryCluster(tenant);
                if (tenants.promoteRolePassword(tenant)) {
                    log.info("tenant {}'s role has a new password; every instance re-opens its pools with it", tenant);
                }
            }
            default -> throw new IllegalArgumentException("no step " + step + " in a role password rotation");
        }
    }

    /** Sets the staged password (once promoted, in a step run again after the end, the role's) where the tenant has a database. */
    private void setOnEveryCluster(UUID tenant) {
        List<String> passwords = tenants.rolePasswords(tenant);
        if (passwords.isEmpty()) {
            return; // the tenant is gone
        }
        String role = tenants.role(tenant).name();
        tenants.find(tenant).stream()
                .flatMap(found -> found.databases().stream())
                .map(TenantDatabase::clusterId)
                .distinct()
                .forEach(cluster -> clusters.of(cluster).ensureRole(role, passwords.getLast()));
    }

    /** Stopped between clusters, the role would have two passwords in use: the rotation runs to its end. */
    @Override
    public boolean cancellable() {
        return false;
    }

    @Override
    public void failed(Job job, String reason) {
        log.error(
                "rotating the role password of tenant {} failed: {}; its pools keep working with the password in use "
                        + "(staged or not, the control database holds both); rotate again to finish",
                job.tenantId().orElseThrow(),
                reason);
    }
}
