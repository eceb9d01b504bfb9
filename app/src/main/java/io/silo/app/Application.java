package io.silo.app;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.silo.app.access.Access;
import io.silo.app.activity.Activity;
import io.silo.app.admin.AdminAccounts;
import io.silo.app.admin.PlatformAdmins;
import io.silo.app.admission.OrganizationOrigins;
import io.silo.app.admission.TenantGate;
import io.silo.app.backup.BackupJobs;
import io.silo.app.backup.Backups;
import io.silo.app.backup.Restores;
import io.silo.app.cluster.ClusterRegistry;
import io.silo.app.demo.DemoLoader;
import io.silo.app.document.CollectionStatistics;
import io.silo.app.document.Documents;
import io.silo.app.file.DocumentFiles;
import io.silo.app.file.FileSweeper;
import io.silo.app.identity.Invitations;
import io.silo.app.identity.MemberLogin;
import io.silo.app.identity.Members;
import io.silo.app.identity.PasswordChanges;
import io.silo.app.identity.Users;
import io.silo.app.imports.Imports;
import io.silo.app.imports.MongoImport;
import io.silo.app.job.JobAdmin;
import io.silo.app.mail.Mailer;
import io.silo.app.migration.Rollouts;
import io.silo.app.migration.TemplateReload;
import io.silo.app.move.Moves;
import io.silo.app.organization.OrganizationServices;
import io.silo.app.organization.Organizations;
import io.silo.app.retention.LogRetention;
import io.silo.app.rotation.MasterKeyRotation;
import io.silo.app.session.Sessions;
import io.silo.app.session.TokenService;
import io.silo.app.signup.Signups;
import io.silo.app.throttle.SignInThrottle;
import io.silo.config.SiloConfig;
import io.silo.crypto.PasswordHasher;
import io.silo.postgres.control.AuditLog;
import io.silo.postgres.control.ClusterStore;
import io.silo.postgres.control.ControlDatabase;
import io.silo.postgres.control.ImportedOrganizationStore;
import io.silo.postgres.control.TenantStore;
import io.silo.postgres.pool.PoolRegistry;
import io.silo.postgres.routing.TenantConnections;
import io.silo.template.TemplateCatalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Silo's application layer, running: the place where every part is made and wired by hand, in the
 * order it needs, and closed in the reverse order. Clients (the HTTP API, the CLI) take its services;
 * none builds one of its own, so each does exactly what the others do.
 *
 * <p>Thread-safe; {@link #close()} is idempotent and bounded in time.
 */
public final class Application implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Application.class);

    private final SiloConfig config;
    private final SiloOptions options;
    private final TemplateCatalog templates;
    private final ControlPlane control;
    private final DataPlane data;
    private final Operations operations;
    private final Mailer mailer;
    private final Services services;
    private final Shutdown shutdown;
    private final ClusterRegistry clusterRegistry;

    private Application(
            SiloConfig config,
            SiloOptions options,
            TemplateCatalog templates,
            ControlPlane control,
            DataPlane data,
            Operations operations,
            Mailer mailer,
            Services services,
            Shutdown shutdown) {
        this.config = config;
        this.options = options;
        this.templates = templates;
        this.control = control;
        this.data = data;
        this.operations = operations;
        this.mailer = mailer;
        this.services = services;
        this.shutdown = shutdown;
        this.clusterRegistry = new ClusterRegistry(
                control.clusters(),
                control.admins(),
                control.audit(),
                config.pools().defaultBudget(),
                configuredClusters(config));
    }

    /** The clusters whose credentials the configuration sets at every start: the control database's, and those it lists. */
    private static java.util.Set<String> configuredClusters(SiloConfig config) {
        java.util.Set<String> ids = new java.util.HashSet<>();
        ids.add(SiloConfig.PRIMARY_CLUSTER);
        config.clusters().forEach(cluster -> ids.add(cluster.id()));
        return ids;
    }

    /** Opens the control plane, the data plane, the operations and the services; background work per {@code options}. */
    public static Application start(SiloConfig config, SiloOptions options) {
        Shutdown shutdown = new Shutdown();
        try {
            return wire(config, options, shutdown);
        } catch (RuntimeException | Error e) {
            shutdown.run();
            throw e;
        }
    }

    private static Application wire(SiloConfig config, SiloOptions options, Shutdown shutdown) {
        // first: a broken template should stop start-up before a database is started for nothing
        TemplateCatalog templates = TemplateCatalog.load(config.servicesDir());
        createDirectory(config);
        Clock clock = options.clock();
        ControlPlane control = ControlPlane.open(config, clock, shutdown);
        // a released migration step removed or edited: stop before any database sees the template
        control.releasedSteps().check(templates);
        DataPlane data = DataPlane.open(config, control, templates, clock, shutdown);
        Mailer mailer = Mailer.of(config.mail(), config.dataDir(), clock);
        Operations operations = Operations.open(config, options, templates, control, data, mailer, shutdown);
        Services services = Services.open(config, options, templates, control, data, operations, mailer);
        return new Application(config, options, templates, control, data, operations, mailer, services, shutdown);
    }

    private static void createDirectory(SiloConfig config) {
        try {
            Files.createDirectories(config.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot create the data directory " + config.dataDir().toAbsolutePath(), e);
        }
    }

    /** Statistics for collections loaded in one go: an import, the demo. */
    private CollectionStatistics statistics() {
        return new CollectionStatistics(data.placements(), control.admins(), templates);
    }

    /** Imports of MongoDB exports into organizations ({@code silo import}; {@code docs/import.md}). */
    public MongoImport imports() {
        return MongoImport.wire(
                templates,
                organizations(),
                control.tenants(),
                control.jdbc(),
                data.connections(),
                data.users(),
                control.directory(),
                data.relay(),
                control.hasher(),
                statistics(),
                options.clock());
    }

    /** The demo's organizations ({@code silo serve --demo}; {@code docs/demo.md}). */
    public DemoLoader demo() {
        return new DemoLoader(
                templates,
                organizations(),
                users(),
                documents(),
                control.tenants(),
                new ImportedOrganizationStore(control.jdbc()),
                data.connections(),
                data.users(),
                control.hasher(),
                statistics(),
                options.clock());
    }

    /** Backups of organizations to encrypted archives ({@code silo backup}). */
    public Backups backups() {
        return operations.backups();
    }

    /** Backups over HTTP and on a schedule, as jobs into {@code backups.dir}. */
    public BackupJobs backupJobs() {
        return operations.backupJobs();
    }

    /** Organizations restored from archives ({@code silo restore}). */
    public Restores restores() {
        return operations.restores();
    }

    /** Moves of organizations between clusters ({@code silo move}, {@code POST /api/admin/organizations/{org}/move}). */
    public Moves moves() {
        return operations.moves();
    }

    /** Imports from MongoDB as jobs ({@code silo import}, {@code POST /api/admin/imports}). */
    public Imports importJobs() {
        return operations.imports();
    }

    public SiloConfig config() {
        return config;
    }

    public SiloOptions options() {
        return options;
    }

    /** The service templates, shipped and from {@code services.dir}. */
    public TemplateCatalog templates() {
        return templates;
    }

    /** New template versions taken in without a restart ({@code silo templates reload}). */
    public TemplateReload templateReload() {
        return data.templateReload();
    }

    /** Rollouts of a service's newest version to its existing databases ({@code silo migrate}). */
    public Rollouts rollouts() {
        return operations.rollouts();
    }

    /** Where a tenant is provisioned: the organization lifecycle. */
    public Organizations organizations() {
        return operations.organizations();
    }

    /** The services of existing organizations: added, removed, restored, dropped after their grace. */
    public OrganizationServices organizationServices() {
        return operations.services();
    }

    /** The users of organizations, for their administrators. */
    public Users users() {
        return services.users();
    }

    /** Invitations by mail to join an organization. */
    public Invitations invitations() {
        return services.invitations();
    }

    /** A member's own password: changed while signed in, or reset by mail. */
    public PasswordChanges passwords() {
        return services.passwords();
    }

    /** The organization's members as its members see each other: public profiles only. */
    public Members members() {
        return services.members();
    }

    /** Where a member signs in. */
    public MemberLogin logins() {
        return services.logins();
    }

    /** Where a platform administrator signs in. */
    public PlatformAdmins platformAdmins() {
        return control.platformAdmins();
    }

    /** What an operator does to platform administrators ({@code silo admins}). */
    public AdminAccounts adminAccounts() {
        return services.adminAccounts();
    }

    public Sessions sessions() {
        return services.sessions();
    }

    /** The argon2id hasher and its permits, shared by every sign-in, sign-up and password change. */
    public PasswordHasher passwordHasher() {
        return control.hasher();
    }

    /** The throttles of every sign-in. */
    public SignInThrottle signIns() {
        return services.signIns();
    }

    public TokenService tokens() {
        return services.tokens();
    }

    public Signups signups() {
        return services.signups();
    }

    /** Where a document is read and written. */
    public Documents documents() {
        return services.documents();
    }

    /** Where the files of documents are stored and read. */
    public DocumentFiles files() {
        return services.files();
    }

    /** Jobs for platform administrators: listed, followed, cancelled. */
    public JobAdmin jobs() {
        return operations.jobAdmin();
    }

    /** A job with what its kind keeps once it ran (a rollout's databases, an import's report). */
    public JobDetails jobDetails() {
        return new JobDetails(jobs(), rollouts(), importJobs(), moves());
    }

    /** The purge of old activity and audit rows; a server runs it on its own schedule. */
    public LogRetention retention() {
        return operations.retention();
    }

    /** What removes orphaned files; housekeeping runs it, tests may call it at once. */
    public FileSweeper fileSweeper() {
        return operations.fileSweeper();
    }

    public Access access() {
        return services.access();
    }

    /** Whether a member's organization may be served now. */
    public TenantGate gate() {
        return services.gate();
    }

    /** The browser origins organizations list as their own front ends. */
    public OrganizationOrigins origins() {
        return services.origins();
    }

    /** An organization's activity log, for its administrators. */
    public Activity activity() {
        return services.activity();
    }

    public Mailer mailer() {
        return mailer;
    }

    /** The master audit log. */
    public AuditLog audit() {
        return control.audit();
    }

    public ClusterStore clusters() {
        return control.clusters();
    }

    /** The step of a master-key rotation that Silo takes: re-sealing stored secrets ({@code silo control reseal}). */
    public MasterKeyRotation masterKeyRotation() {
        return new MasterKeyRotation(control.jdbc(), control.secrets(), control.audit());
    }

    /** The clusters as a platform administrator changes them at run time ({@code silo clusters}, the API). */
    public ClusterRegistry clusterRegistry() {
        return clusterRegistry;
    }

    public TenantStore tenants() {
        return control.tenants();
    }

    /** Administrative connections to the clusters (the recovery of the control plane, rotations left unfinished). */
    public io.silo.postgres.cluster.ClusterAdmins clusterAdmins() {
        return control.admins();
    }

    /** The control database; for health checks, tests and the CLI. */
    public ControlDatabase control() {
        return control.database();
    }

    /** Connections into tenants' databases, as each tenant's own role. */
    public TenantConnections connections() {
        return data.connections();
    }

    public PoolRegistry pools() {
        return data.pools();
    }

    public PrometheusMeterRegistry metrics() {
        return data.metrics().registry();
    }

    /** Closes everything in the reverse order of start-up; bounded in time, logged. */
    @Override
    public void close() {
        log.info("Silo stopping");
        shutdown.run();
        log.info("Silo stopped");
    }
}
