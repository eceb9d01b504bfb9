package io.silo.postgres.provision;

import io.silo.error.ProblemType;
import io.silo.postgres.cluster.ClusterAdmin;
import io.silo.postgres.cluster.ClusterAdmins;
import io.silo.postgres.cluster.SchemaInstaller;
import io.silo.postgres.control.TenantStore;
import io.silo.template.ServiceTemplate;
import io.silo.template.TemplateCatalog;
import io.silo.tenant.DatabaseState;
import io.silo.tenant.TenantDatabase;
import java.util.Optional;
import java.util.UUID;

/**
 * Creates one tenant database, idempotently: copied from its service's template database (so its
 * schema is at the template's newest version), marked with its owner, and granted to the tenant's
 * role only. Shared by the provisioning of a new tenant and the addition of a service to one.
 *
 * <p>A database is recorded as {@code creating} before CREATE DATABASE is issued, so a database of
 * that name found after a crash is known to be this tenant's (its comment says so too), while one
 * found when the record still says {@code pending} belongs to someone else and is never taken.
 *
 * <p>Thread-safe.
 */
final class DatabaseCreation {
    private final TenantStore tenants;
    private final ClusterAdmins clusters;
    private final TemplateCatalog templates;
    private final SchemaInstaller installer;

    DatabaseCreation(
            TenantStore tenants, ClusterAdmins clusters, TemplateCatalog templates, SchemaInstaller installer) {
        this.tenants = tenants;
        this.clusters = clusters;
        this.templates = templates;
        this.installer = installer;
    }

    /** Makes sure the tenant's role exists on the cluster. */
    void ensureRole(UUID tenantId, String clusterId) {
        TenantStore.TenantRole role = tenants.role(tenantId);
        clusters.of(clusterId).ensureRole(role.name(), role.password());
    }

    /** Creates the database unless it is ready, and marks it ready. */
    void create(UUID tenantId, TenantDatabase database) {
        if (database.state() == DatabaseState.READY) {
            return;
        }
        ClusterAdmin admin = clusters.of(database.clusterId());
        ServiceTemplate template = templates.require(database.service());
        String source = admin.ensureTemplate(template, installer);
        String owner = ProvisioningJob.ownerComment(tenantId, database.service());
        if (admin.databaseExists(database.databaseName())) {
            String comment = admin.databaseComment(database.databaseName()).orElse("");
            // created by us but the comment never landed: a crash between the two statements
            boolean ours = comment.equals(owner) || (database.state() == DatabaseState.CREATING && comment.isEmpty());
            if (!ours) {
                throw ProblemType.DATABASE_NAME_TAKEN.exception("a database named " + database.databaseName()
                        + " already exists on cluster " + database.clusterId() + " and is not tenant " + tenantId
                        + "'s");
            }
        } else {
            tenants.setDatabaseState(tenantId, database.service(), DatabaseState.CREATING, Optional.empty());
            admin.createDatabase(database.databaseName(), source);
        }
        admin.secureDatabase(database.databaseName(), owner);
        admin.grantTenantAccess(database.databaseName(), tenants.role(tenantId).name());
        tenants.setDatabaseState(tenantId, database.service(), DatabaseState.READY, Optional.empty());
    }
}
