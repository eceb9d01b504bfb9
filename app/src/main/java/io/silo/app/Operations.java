package io.silo.app;

import io.silo.app.backup.BackupJobs;
import io.silo.app.backup.BackupSchedule;
import io.silo.app.backup.BackupWiring;
import io.silo.app.backup.Backups;
import io.silo.app.backup.Restores;
import io.silo.app.cluster.Placements;
import io.silo.app.document.CollectionStatistics;
import io.silo.app.file.FileSweeper;
import io.silo.app.imports.ImportFolders;
import io.silo.app.imports.ImportJob;
import io.silo.app.imports.Imports;
import io.silo.app.imports.MongoImport;
import io.silo.app.job.JobAdmin;
import io.silo.app.mail.Mailer;
import io.silo.app.migration.Rollouts;
import io.silo.app.move.DrainJob;
import io.silo.app.move.Moves;
import io.silo.app.organization.OrganizationServices;
import io.silo.app.organization.Organizations;
import io.silo.app.retention.LogRetention;
import io.silo.config.SiloConfig;
import io.silo.job.JobHandler;
import io.silo.naming.DatabaseNamer;
import io.silo.postgres.activity.ActivityLog;
import io.silo.postgres.cluster.AutovacuumTuner;
import io.silo.postgres.cluster.SchemaInstaller;
import io.silo.postgres.control.ImportJobStore;
import io.silo.postgres.control.MoveStore;
import io.silo.postgres.control.ReleasedSteps;
import io.silo.postgres.control.RolloutStore;
import io.silo.postgres.control.TenantServices;
import io.silo.postgres.file.FileStore;
import io.silo.postgres.identity.DirectorySweeper;
import io.silo.postgres.jdbc.JdbcUrls;
import io.silo.postgres.job.JobRunner;
import io.silo.postgres.job.JobStore;
import io.silo.postgres.job.Leases;
import io.silo.postgres.migration.RolloutJob;
import io.silo.postgres.move.MoveJob;
import io.silo.postgres.provision.DeletionJob;
import io.silo.postgres.provision.ProvisioningJob;
import io.silo.postgres.provision.RolePasswordRotation;
import io.silo.postgres.provision.ServiceJobs;
import io.silo.postgres.schema.SchemaApplier;
import io.silo.postgres.schema.TenantMigrator;
import io.silo.template.ServiceTemplate;
import io.silo.template.TemplateCatalog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The third phase: long operations. The job runner with its handlers, the organization
 * lifecycle that creates their jobs, and the background work a server does (workers,
 * housekeeping, the directory sweeper, the autovacuum tuner); the CLI runs jobs inline only.
 */
record Operations(
        Organizations organizations,
        OrganizationServices services,
        FileSweeper fileSweeper,
        JobAdmin jobAdmin,
        LogRetention retention,
        Rollouts rollouts,
        Imports imports,
        Backups backups,
        Restores restores,
        Moves moves,
        BackupJobs backupJobs) {

    static Operations open(
            SiloConfig config,
            SiloOptions options,
            TemplateCatalog templates,
            ControlPlane control,
            DataPlane data,
            Mailer mailer,
            Shutdown shutdown) {
        var jdbc = control.jdbc();
        var clock = options.clock();
        JobStore jobs = new JobStore(jdbc);
        Leases leases = new Leases(jdbc);
        String instance = InstanceIds.next();
        ReleasedSteps released = control.releasedSteps();
        RolloutStore rolloutStore = new RolloutStore(jdbc);
        TenantMigrator migrator = new TenantMigrator(TenantMigrator.CONCURRENT_INDEX_THRESHOLD);
        // a version is released when its template database is first built: from then on its steps may not change
        SchemaInstaller installer = (connection, template) -> {
            released.release(template);
            SchemaApplier.apply(connection, template);
        };
        TenantServices tenantServices = new TenantServices(jdbc);
        ServiceJobs serviceJobs = new ServiceJobs(
                control.tenants(),
                tenantServices,
                control.admins(),
                templates,
                installer,
                data.users(),
                control.directory(),
                data.relay(),
                new ActivityLog(),
                (cluster, database) ->
                        data.pools().evictDatabase(cluster, database).join(),
                user -> data.revokedSessions()
                        .revoked(control.refreshTokens().revokeSubject("user", user, clock.instant())),
                clock);
        // a restore cleans up through the organizations' deletion job, so it is made after the runner
        AtomicReference<Restores> restorer = new AtomicReference<>();
        Backups backups =
                BackupWiring.backups(control.jdbc(), control.tenants(), control.admins(), control.audit(), clock);
        // the import creates organizations, whose lifecycle needs the runner: its handler gets the import once made
        AtomicReference<MongoImport> importer = new AtomicReference<>();
        ImportJobStore importJobs = new ImportJobStore(jdbc);
        MoveStore moveStore = new MoveStore(jdbc);
        config.placement().serviceLabels().keySet().forEach(service -> {
            if (templates.find(service).isEmpty()) {
                throw new io.silo.config.ConfigException("placement.services." + service
                        + " names no service template; known: "
                        + templates.all().stream().map(ServiceTemplate::service).toList());
            }
        });
        Placements placements = new Placements(control.clusters(), control.tenants(), moveStore, config.placement());
        // a drain runs moves, which need the runner that runs the drain: its handler gets them once made
        AtomicReference<Moves> drains = new AtomicReference<>();
        MoveJob moveJob = new MoveJob(
                control.tenants(),
                moveStore,
                control.admins(),
                templates,
                installer,
                leases,
                config.serviceRemovalGrace(),
                config.moveSyncTimeout(),
                data.placements()::invalidate);
        JobRunner runner = shutdown.register(
                "job runner",
                new JobRunner(
                        jobs,
                        leases,
                        handlers(
                                new ProvisioningJob(
                                        control.tenants(),
                                        control.admins(),
                                        templates,
                                        installer,
                                        data.users(),
                                        control.directory(),
                                        data.relay(),
                                        control.secrets(),
                                        clock),
                                new DeletionJob(
                                        jdbc,
                                        jobs,
                                        control.tenants(),
                                        control.refreshTokens(),
                                        control.admins(),
                                        tenant ->
                                                data.pools().evictTenant(tenant).join(),
                                        clock),
                                serviceJobs,
                                new RolloutJob(
                                        templates,
                                        control.admins(),
                                        rolloutStore,
                                        released,
                                        migrator,
                                        jobs,
                                        leases,
                                        config.jobs().lease()),
                                new ImportJob(
                                        importer::get,
                                        importJobs,
                                        jobs,
                                        leases,
                                        config.jobs().lease()),
                                new RolePasswordRotation(control.tenants(), control.admins()),
                                moveJob,
                                new DrainJob(
                                        jdbc, control.clusters(), control.tenants(), placements, drains::get, jobs),
                                BackupWiring.backupJob(backups, config.backups(), jobs),
                                BackupWiring.restoreJob(restorer::get, config.backups(), jobs)),
                        config.jobs(),
                        instance,
                        options.stepObserver(),
                        data.jobSignal()));
        // the control database may have any name on an external server; no tenant may take it
        DatabaseNamer namer = DatabaseNamer.reserving(
                List.of(JdbcUrls.database(control.database().url())));
        OrganizationServices services = new OrganizationServices(
                jdbc,
                control.tenants(),
                tenantServices,
                control.admins(),
                placements,
                templates,
                jobs,
                runner,
                control.audit(),
                namer,
                clock,
                config.serviceRemovalGrace(),
                Duration.ofSeconds(30),
                data.placements()::invalidate);
        Organizations organizations = new Organizations(
                jdbc,
                control.tenants(),
                placements,
                control.admins(),
                templates,
                jobs,
                runner,
                control.refreshTokens(),
                control.hasher(),
                control.audit(),
                clock,
                Duration.ofSeconds(30),
                namer,
                control.secrets(),
                data.placements()::invalidate,
                config.serviceRemovalGrace());
        MongoImport mongoImport = MongoImport.wire(
                templates,
                organizations,
                control.tenants(),
                jdbc,
                data.connections(),
                data.users(),
                control.directory(),
                data.relay(),
                control.hasher(),
                new CollectionStatistics(data.placements(), control.admins(), templates),
                clock);
        importer.set(mongoImport);
        Imports imports = new Imports(
                jdbc,
                mongoImport,
                importJobs,
                jobs,
                runner,
                control.audit(),
                clock,
                new ImportFolders(config.importsDir()));
        Moves moves = new Moves(
                jdbc,
                control.tenants(),
                placements,
                control.admins(),
                moveStore,
                moveJob,
                jobs,
                runner,
                leases,
                control.audit(),
                clock);
        drains.set(moves);
        FileSweeper fileSweeper =
                new FileSweeper(control.tenants(), data.connections(), templates, new FileStore(), clock);
        LogRetention retention = new LogRetention(
                config.retention(),
                jdbc,
                control.tenants(),
                control.admins(),
                templates,
                leases,
                clock,
                instance + "#retention");
        if (options.runJobs()) {
            runner.start();
            shutdown.register("log retention", retention.start());
            shutdown.register(
                    "housekeeping",
                    Housekeeping.start(
                            jdbc,
                            control.refreshTokens(),
                            control.signingKeys(),
                            control.signups(),
                            mailer.mailbox(),
                            config.tokens().refreshTtl(),
                            fileSweeper,
                            () -> services.dropExpired()
                                    + organizations.deleteClosed()
                                    + moves.rollBackAbandoned()
                                    + moves.cleanUpAfterRollBacks()
                                    + moves.dropExpired()
                                    + control.admins().finishInterruptedRotations(),
                            clock));
            shutdown.register(
                    "directory sweeper",
                    new DirectorySweeper(
                            control.directory(),
                            data.relay(),
                            clock,
                            config.directory().sweepInterval(),
                            config.directory().sweepAge()));
            shutdown.register(
                    "autovacuum tuner",
                    new AutovacuumTuner(
                                    control.clusters(),
                                    control.admins(),
                                    config.autovacuumTuning(),
                                    config.database().isEmpty())
                            .start());
        }
        Restores restores = BackupWiring.restores(
                control.jdbc(),
                control.tenants(),
                placements,
                control.admins(),
                templates,
                installer,
                migrator,
                data.relay(),
                organizations,
                namer,
                control.secrets(),
                control.audit(),
                data.placements()::invalidate,
                clock);
        restorer.set(restores);
        BackupJobs backupJobs =
                BackupWiring.backupJobs(jdbc, jobs, control.tenants(), control.audit(), config.backups(), clock);
        if (options.runJobs() && config.backups().every().isPresent()) {
            shutdown.register(
                    "backup schedule",
                    BackupSchedule.start(backupJobs, config.backups().every().get()));
        }
        Rollouts rollouts = new Rollouts(
                jdbc,
                templates,
                control.tenants(),
                control.clusters(),
                control.admins(),
                rolloutStore,
                jobs,
                runner,
                migrator,
                control.audit(),
                clock);
        return new Operations(
                organizations,
                services,
                fileSweeper,
                new JobAdmin(jobs, runner, control.tenants(), control.audit()),
                retention,
                rollouts,
                imports,
                backups,
                restores,
                moves,
                backupJobs);
    }

    private static List<JobHandler> handlers(
            JobHandler provisioning,
            JobHandler deletion,
            ServiceJobs services,
            JobHandler rollout,
            JobHandler imports,
            JobHandler rolePasswords,
            JobHandler move,
            JobHandler drain,
            JobHandler backups,
            JobHandler restores) {
        List<JobHandler> all = new ArrayList<>(
                List.of(provisioning, deletion, rollout, imports, rolePasswords, move, drain, backups, restores));
        all.addAll(services.handlers());
        return all;
    }
}
