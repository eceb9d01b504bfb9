package io.silo.postgres.provision;

import io.silo.crypto.Secrets;
import io.silo.job.Job;
import io.silo.job.JobHandler;
import io.silo.postgres.cluster.ClusterAdmins;
import io.silo.postgres.control.TenantStore;
import io.silo.tenant.Tenant;
import io.silo.tenant.TenantDatabase;
import java.util.ArrayList;
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
 * <p>The plan is {@code stage, role:<cluster>…, promote}; each step is idempotent, and a rotation
 * interrupted after staging finishes with the password it staged. Thread-safe.
 */
public final class RolePasswordRotation implements JobHandler {
    public static final String KIND = "tenant.rotate-role-password";
    private static final Logger log = LoggerFactory.getLogger(RolePasswordRotation.class);

    private final TenantStore tenants;
    private final ClusterAdmins clusters;

    public RolePasswordRotation(TenantStore tenants, ClusterAdmins clusters) {
        this.tenants = tenants;
        this.clusters = clusters;
    }

    public static List<String> plan(Tenant tenant) {
        List<String> steps = new ArrayList<>();
        steps.add("stage");
        tenant.databases().stream()
                .map(TenantDatabase::clusterId)
                .distinct()
                .sorted()
                .forEach(cluster -> steps.add("role:" + cluster));
        steps.add("promote");
        return steps;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public void run(Job job, String step) {
        UUID tenant = job.tenantId().orElseThrow();
        if (step.equals("stage")) {
            tenants.stageRolePassword(tenant, Secrets.password());
        } else if (step.equals("promote")) {
            if (tenants.promoteRolePassword(tenant)) {
                log.info("tenant {}'s role has a new password; every instance re-opens its pools with it", tenant);
            }
        } else {
            setOnCluster(tenant, step.substring("role:".length()));
        }
    }

    /** Sets the staged password; once promoted (a step run again after the end), the role's password. */
    private void setOnCluster(UUID tenant, String cluster) {
        TenantStore.TenantRole role = tenants.role(tenant);
        List<String> passwords = tenants.rolePasswords(tenant);
        String password = passwords.getLast();
        clusters.of(cluster).ensureRole(role.name(), password);
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
