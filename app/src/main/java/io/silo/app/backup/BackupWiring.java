package io.silo.app.backup;

import io.silo.app.cluster.Placements;
import io.silo.app.organization.Organizations;
import io.silo.config.SiloConfig;
import io.silo.crypto.SecretBox;
import io.silo.job.JobHandler;
import io.silo.job.JobProgress;
import io.silo.naming.DatabaseNamer;
import io.silo.postgres.backup.ConsistentCut;
import io.silo.postgres.backup.TenantArchive;
import io.silo.postgres.cluster.ClusterAdmins;
import io.silo.postgres.cluster.SchemaInstaller;
import io.silo.postgres.control.AuditLog;
import io.silo.postgres.control.TenantStore;
import io.silo.postgres.identity.DirectoryRelay;
import io.silo.postgres.jdbc.Jdbc;
import io.silo.postgres.job.JobStore;
import io.silo.postgres.schema.TenantMigrator;
import io.silo.template.TemplateCatalog;
import java.time.Clock;
import java.util.UUID;
import java.util.function.Consumer;

/** Builds {@link Backups} and {@link Restores} for the application's wiring; nothing else makes them. */
public final class BackupWiring {
    private BackupWiring() {}

    public static Backups backups(
            Jdbc control, TenantStore tenants, ClusterAdmins admins, AuditLog audit, Clock clock) {
        return new Backups(tenants, new TenantArchive(control, admins), new ConsistentCut(admins), audit, clock);
    }

    /** The handler of {@code organization.backup} jobs, for the job runner. */
    public static JobHandler backupJob(Backups backups, SiloConfig.Backups settings, JobProgress progress) {
        return new BackupJob(backups, new BackupFolder(settings), progress, settings.keep());
    }

    /** The handler of {@code organization.restore} jobs, for the job runner. */
    public static JobHandler restoreJob(
            java.util.function.Supplier<Restores> restores, SiloConfig.Backups settings, JobProgress progress) {
        return new RestoreJob(restores, new BackupFolder(settings), progress);
    }

    /** Backups over HTTP and on a schedule. */
    public static BackupJobs backupJobs(
            Jdbc control,
            JobStore jobs,
            TenantStore tenants,
            AuditLog audit,
            SiloConfig.Backups settings,
            Clock clock) {
        return new BackupJobs(control, jobs, tenants, audit, new BackupFolder(settings), clock);
    }

    public static Restores restores(
            Jdbc control,
            TenantStore tenants,
            Placements placements,
            ClusterAdmins admins,
            TemplateCatalog templates,
            SchemaInstaller installer,
            TenantMigrator migrator,
            DirectoryRelay relay,
            Organizations organizations,
            DatabaseNamer namer,
            SecretBox secrets,
            AuditLog audit,
            Consumer<UUID> placementChanged,
            Clock clock) {
        return new Restores(
                control,
                tenants,
                placements,
                admins,
                templates,
                installer,
                migrator,
                relay,
                organizations,
                namer,
                secrets,
                audit,
                placementChanged,
                clock);
    }
}
