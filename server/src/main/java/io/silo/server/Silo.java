package io.silo.server;

import io.silo.cluster.Cluster;
import io.silo.config.ConfigException;
import io.silo.config.SiloConfig;
import io.silo.crypto.PasswordHasher;
import io.silo.crypto.SecretBox;
import io.silo.naming.DatabaseNamer;
import io.silo.postgres.cluster.ClusterAdmins;
import io.silo.postgres.control.AuditLog;
import io.silo.postgres.control.ClusterStore;
import io.silo.postgres.control.ControlDatabase;
import io.silo.postgres.control.MasterKeyCheck;
import io.silo.postgres.control.PlatformAdminStore;
import io.silo.postgres.control.RefreshTokenStore;
import io.silo.postgres.control.SignupStore;
import io.silo.postgres.control.SigningKeyStore;
import io.silo.postgres.control.TenantStore;
import io.silo.postgres.embedded.EmbeddedServer;
import io.silo.postgres.identity.DirectoryRelay;
import io.silo.postgres.identity.DirectoryStore;
import io.silo.postgres.identity.DirectorySweeper;
import io.silo.postgres.identity.UserStore;
import io.silo.postgres.internal.Jdbc;
import io.silo.postgres.internal.JdbcUrls;
import io.silo.postgres.job.JobRunner;
import io.silo.postgres.job.JobStore;
import io.silo.postgres.provision.DeletionJob;
import io.silo.postgres.provision.ProvisioningJob;
import io.silo.postgres.placement.PlacementCache;
import io.silo.postgres.placement.PlacementListener;
import io.silo.postgres.pool.PoolRegistry;
import io.silo.postgres.pool.StalePools;
import io.silo.postgres.routing.PooledConnections;
import io.silo.postgres.schema.SchemaApplier;
import io.silo.postgres.activity.ActivityLog;
import io.silo.postgres.collection.DocumentStore;
import io.silo.server.admin.AuditEndpoints;
import io.silo.server.admin.PoolEndpoints;
import io.silo.server.auth.TenantGate;
import io.silo.server.data.ActivityEndpoints;
import io.silo.server.data.DataEndpoints;
import io.silo.server.health.TenantHealthEndpoints;
import io.silo.server.admin.PlatformAdmins;
import io.silo.server.auth.AuthEndpoints;
import io.silo.server.auth.Authenticator;
import io.silo.server.auth.Sessions;
import io.silo.server.auth.TokenService;
import io.silo.server.authz.Access;
import io.silo.server.health.HealthEndpoints;
import io.silo.server.http.Endpoints;
import io.silo.server.http.HttpServer;
import io.silo.server.identity.LoginEndpoints;
import io.silo.server.identity.MemberLogin;
import io.silo.server.identity.MemberSubjects;
import io.silo.server.identity.UserEndpoints;
import io.silo.server.identity.Users;
import io.silo.server.mail.MailEndpoints;
import io.silo.server.mail.Mailer;
import io.silo.server.metrics.HttpMetrics;
import io.silo.server.metrics.MetricsEndpoint;
import io.silo.server.openapi.OpenApiEndpoint;
import io.silo.server.signup.SignupEndpoints;
import io.silo.server.signup.Signups;
import io.silo.server.tenant.OrganizationEndpoints;
import io.silo.server.tenant.Organizations;
import io.silo.template.ServiceTemplate;
import io.silo.template.TemplateCatalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Silo instance: the place where every part is made and wired by hand, in the order
 * it needs, and closed in the reverse order.
 *
 * <p>Thread-safe; {@link #close()} is idempotent and bounded in time.
 */
public final class Silo implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Silo.class);
    /** The id of the cluster that holds the control database. */
    public static final String PRIMARY_CLUSTER = "primary";

    private final Shutdown shutdown;
    private final Optional<HttpServer> http;
    private final ControlDatabase control;
    private final SiloConfig config;
    private final Organizations organizations;
    private final TemplateCatalog templates;

    private Silo(Shutdown shutdown, Optional<HttpServer> http, ControlDatabase control, SiloConfig config, Organizations organizations,
                 TemplateCatalog templates) {
        this.shutdown = shutdown;
        this.http = http;
        this.control = control;
        this.config = config;
        this.organizations = organizations;
        this.templates = templates;
    }

    /** Starts Silo as a server: database, control plane, background jobs, HTTP. */
    public static Silo start(SiloConfig config) {
        return start(config, SiloOptions.server());
    }

    public static Silo start(SiloConfig config, SiloOptions options) {
        Shutdown shutdown = new Shutdown();
        try {
            return wire(config, options, shutdown);
        } catch (RuntimeException | Error e) {
            shutdown.run();
            throw e;
        }
    }

    private static Silo wire(SiloConfig config, SiloOptions options, Shutdown shutdown) {
        Clock clock = options.clock();
        // first: a broken template should stop start-up before a database is started for nothing
        TemplateCatalog templates = TemplateCatalog.load(config.servicesDir());
        createDirectory(config);
        SecretBox secrets = SecretBox.of(MasterKeys.load(config));
        SiloConfig.Database database = config.database().orElseGet(() -> embedded(config, shutdown));
        ControlDatabase control = shutdown.register("control database",
                ControlDatabase.open(database.url(), database.user(), database.password(), 10));
        Jdbc jdbc = control.jdbc();
        MasterKeyCheck.verify(jdbc, secrets);

        ClusterStore clusters = new ClusterStore(jdbc, secrets);
        registerClusters(config, database, clusters);
        ClusterAdmins admins = shutdown.register("cluster administration", new ClusterAdmins(clusters));

        PasswordHasher hasher = PasswordHasher.argon2id(config.passwords().memoryKib(), config.passwords().iterations(),
                config.passwords().parallelism());
        PlatformAdmins platformAdmins = new PlatformAdmins(new PlatformAdminStore(jdbc), hasher, clock);
        platformAdmins.bootstrap(config.admin());

        AuditLog audit = new AuditLog(jdbc);
        RefreshTokenStore refreshTokens = new RefreshTokenStore(jdbc);
        TenantStore tenants = new TenantStore(jdbc, secrets);
        DirectoryStore directory = new DirectoryStore(jdbc);
        MetricsEndpoint metrics = shutdown.register("metrics", new MetricsEndpoint());
        PoolRegistry pools = shutdown.register("tenant pools", PoolRegistry.open(config.pools(), metrics.registry()));
        PlacementCache placements = new PlacementCache(jdbc, secrets);
        PlacementListener listener = shutdown.register("placement listener", PlacementListener.start(control, placements));
        listener.subscribe(new StalePools(placements, pools));
        PooledConnections connections = new PooledConnections(placements, pools, clusters);
        DirectoryRelay relay = new DirectoryRelay(directory, connections, clock);
        UserStore users = new UserStore();

        JobStore jobs = new JobStore(jdbc);
        JobRunner runner = shutdown.register("job runner", new JobRunner(jobs, List.of(
                new ProvisioningJob(tenants, admins, templates, SchemaApplier::apply, users, directory, relay, secrets, clock),
                new DeletionJob(jdbc, jobs, tenants, refreshTokens, admins, tenant -> pools.evictTenant(tenant).join(), clock)),
                config.jobs(), InstanceIds.next(), options.stepObserver()));
        if (options.runJobs()) {
            runner.start();
            shutdown.register("housekeeping", Housekeeping.start(jdbc, refreshTokens, new SigningKeyStore(jdbc, secrets), clock));
        }
        Organizations organizations = new Organizations(jdbc, tenants, clusters, admins, templates, jobs, runner, refreshTokens,
                hasher, audit, clock, Duration.ofSeconds(30),
                // the control database may have any name on an external server; no tenant may take it
                DatabaseNamer.reserving(List.of(JdbcUrls.database(control.url()))), secrets);

        if (!options.serveHttp()) {
            return new Silo(shutdown, Optional.empty(), control, config, organizations, templates);
        }
        TokenService tokens = new TokenService(new SigningKeyStore(jdbc, secrets), clock, config.tokens().issuer(),
                config.tokens().accessTtl(), config.tokens().keyRotation());
        Authenticator authenticator = new Authenticator(tokens);
        TenantGate gate = new TenantGate(placements);
        ActivityLog activity = new ActivityLog();

        // ---- identity: member sign-in and sessions, users, sign-up and its mail, directory sweeper ----
        Access access = new Access(templates);
        MemberSubjects members = new MemberSubjects(tenants, connections, users);
        Sessions sessions = new Sessions(refreshTokens, tokens, clock, config.tokens().refreshTtl(), token -> switch (token.subjectKind()) {
            case "admin" -> platformAdmins.resolve(token.subjectId());
            case "user" -> members.resolve(token);
            default -> Optional.empty();
        });
        if (options.runJobs()) {
            shutdown.register("directory sweeper", new DirectorySweeper(directory, relay, clock,
                    config.directory().sweepInterval(), config.directory().sweepAge()));
        }
        Mailer mailer = Mailer.of(config.mail(), config.dataDir(), clock);
        List<Endpoints> identity = List.of(
                new LoginEndpoints(new MemberLogin(tenants, connections, users, directory, hasher, clock, config.login()), sessions,
                        authenticator, access, tenants, connections, users),
                new UserEndpoints(new Users(tenants, connections, users, directory, relay, sessions, access, hasher, clock,
                        options.userCommitObserver()), authenticator),
                new SignupEndpoints(new Signups(new SignupStore(jdbc), jdbc, organizations, mailer, hasher, clock, config.signup(),
                        signupServices(config.signup(), templates))),
                new MailEndpoints(mailer, authenticator));
        // ---- end of identity ----

        List<Endpoints> features = new ArrayList<>(List.of(
                new HealthEndpoints(control, clusters, authenticator),
                new AuthEndpoints(platformAdmins, sessions, tokens, authenticator, audit, config.login(), clock),
                new OrganizationEndpoints(organizations, authenticator),
                new AuditEndpoints(audit, authenticator),
                new PoolEndpoints(pools, authenticator),
                new DataEndpoints(authenticator, gate, templates, connections, new DocumentStore(clock), activity, access),
                new ActivityEndpoints(authenticator, gate, connections, activity),
                new TenantHealthEndpoints(authenticator, gate, connections, templates)));
        features.addAll(identity);
        features.add(OpenApiEndpoint.load());
        features.add(metrics);
        HttpServer http = shutdown.register("http", HttpServer.start(config.http().host(), config.http().port(), features,
                new HttpMetrics(metrics.registry())));
        log.info("Silo ready on port {}", http.port());
        return new Silo(shutdown, Optional.of(http), control, config, organizations, templates);
    }

    /** The services sign-up offers: as configured, else every service but core; an unknown one stops start-up. */
    private static List<String> signupServices(SiloConfig.Signup signup, TemplateCatalog templates) {
        List<String> known = templates.all().stream().map(ServiceTemplate::service).filter(service -> !ServiceTemplate.CORE.equals(service))
                .toList();
        for (String service : signup.services()) {
            if (!known.contains(service)) {
                throw new ConfigException("invalid signup.services: there is no service '" + service + "'; the services are "
                        + String.join(", ", known));
            }
        }
        return signup.services().isEmpty() ? known : signup.services();
    }

    private static SiloConfig.Database embedded(SiloConfig config, Shutdown shutdown) {
        SiloConfig.Embedded settings = config.embedded();
        EmbeddedServer server = shutdown.register("embedded PostgreSQL", EmbeddedServer.start(
                config.dataDir().resolve("postgres"), settings.port(), settings.fsync(), settings.maxConnections()));
        return new SiloConfig.Database(server.jdbcUrl("silo"), server.user(), server.password());
    }

    private static void registerClusters(SiloConfig config, SiloConfig.Database database, ClusterStore clusters) {
        clusters.upsert(new Cluster(PRIMARY_CLUSTER, JdbcUrls.withDatabase(database.url(), "postgres"), database.user(),
                database.password(), Map.of(), 5000, config.pools().defaultBudget(), true, "active"));
        for (SiloConfig.Cluster cluster : config.clusters()) {
            clusters.upsert(new Cluster(cluster.id(), cluster.url(), cluster.user(), cluster.password(), cluster.labels(),
                    cluster.capacity(), cluster.connectionBudget(), false, "active"));
        }
    }

    private static void createDirectory(SiloConfig config) {
        try {
            Files.createDirectories(config.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + config.dataDir().toAbsolutePath(), e);
        }
    }

    /** The port HTTP listens on. */
    public int port() {
        return http.orElseThrow(() -> new IllegalStateException("this Silo serves no HTTP")).port();
    }

    /** The routes HTTP serves, as registered; for the contract test of the API description. */
    public List<HttpServer.Route> routes() {
        return http.orElseThrow(() -> new IllegalStateException("this Silo serves no HTTP")).routes();
    }

    /** The base URI of the HTTP API, on the loopback interface. */
    public URI uri() {
        return URI.create("http://localhost:" + port());
    }

    /** The control database; for tests and the CLI. */
    public ControlDatabase control() {
        return control;
    }

    public SiloConfig config() {
        return config;
    }

    /** The organization lifecycle, for the CLI. */
    public Organizations organizations() {
        return organizations;
    }

    /** The service templates, shipped and from {@code services.dir}. */
    public TemplateCatalog templates() {
        return templates;
    }

    /** Stops HTTP first, then everything behind it; bounded in time, logged. */
    @Override
    public void close() {
        log.info("Silo stopping");
        shutdown.run();
        log.info("Silo stopped");
    }
}
