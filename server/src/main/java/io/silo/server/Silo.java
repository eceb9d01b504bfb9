package io.silo.server;

import io.silo.cluster.Cluster;
import io.silo.config.SiloConfig;
import io.silo.crypto.PasswordHasher;
import io.silo.crypto.SecretBox;
import io.silo.postgres.control.AuditLog;
import io.silo.postgres.control.ClusterStore;
import io.silo.postgres.control.ControlDatabase;
import io.silo.postgres.control.PlatformAdminStore;
import io.silo.postgres.control.RefreshTokenStore;
import io.silo.postgres.control.SigningKeyStore;
import io.silo.postgres.embedded.EmbeddedServer;
import io.silo.postgres.internal.JdbcUrls;
import io.silo.server.admin.PlatformAdmins;
import io.silo.server.auth.AuthEndpoints;
import io.silo.server.auth.Authenticator;
import io.silo.server.auth.Sessions;
import io.silo.server.auth.TokenService;
import io.silo.server.health.HealthEndpoints;
import io.silo.server.http.HttpServer;
import io.silo.server.metrics.HttpMetrics;
import io.silo.server.metrics.MetricsEndpoint;
import io.silo.template.TemplateCatalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Clock;
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
    private final HttpServer http;
    private final ControlDatabase control;
    private final SiloConfig config;
    private final TemplateCatalog templates;

    private Silo(Shutdown shutdown, HttpServer http, ControlDatabase control, SiloConfig config, TemplateCatalog templates) {
        this.shutdown = shutdown;
        this.http = http;
        this.control = control;
        this.config = config;
        this.templates = templates;
    }

    /** Starts Silo as configured: database, control plane, HTTP. */
    public static Silo start(SiloConfig config) {
        return start(config, Clock.systemUTC());
    }

    /** Starts Silo with an injected clock, so tests control time. */
    public static Silo start(SiloConfig config, Clock clock) {
        Shutdown shutdown = new Shutdown();
        try {
            return wire(config, clock, shutdown);
        } catch (RuntimeException | Error e) {
            shutdown.run();
            throw e;
        }
    }

    private static Silo wire(SiloConfig config, Clock clock, Shutdown shutdown) {
        // first: a broken template should stop start-up before a database is started for nothing
        TemplateCatalog templates = TemplateCatalog.load(config.servicesDir());
        createDirectory(config);
        SecretBox secrets = SecretBox.of(MasterKeys.load(config));
        SiloConfig.Database database = config.database().orElseGet(() -> embedded(config, shutdown));
        ControlDatabase control = shutdown.register("control database",
                ControlDatabase.open(database.url(), database.user(), database.password(), 10));

        ClusterStore clusters = new ClusterStore(control.jdbc(), secrets);
        registerClusters(config, database, clusters);

        PasswordHasher hasher = PasswordHasher.argon2id(config.passwords().memoryKib(), config.passwords().iterations(),
                config.passwords().parallelism());
        PlatformAdmins admins = new PlatformAdmins(new PlatformAdminStore(control.jdbc()), hasher, clock);
        admins.bootstrap(config.admin());

        AuditLog audit = new AuditLog(control.jdbc());
        TokenService tokens = new TokenService(new SigningKeyStore(control.jdbc(), secrets), clock, config.tokens().issuer(),
                config.tokens().accessTtl(), config.tokens().keyRotation());
        Authenticator authenticator = new Authenticator(tokens);
        Sessions sessions = new Sessions(new RefreshTokenStore(control.jdbc()), tokens, clock, config.tokens().refreshTtl(),
                token -> "admin".equals(token.subjectKind()) ? admins.resolve(token.subjectId()) : Optional.empty());

        MetricsEndpoint metrics = shutdown.register("metrics", new MetricsEndpoint());
        HttpServer http = shutdown.register("http", HttpServer.start(config.http().host(), config.http().port(), List.of(
                new HealthEndpoints(control, clusters, authenticator),
                new AuthEndpoints(admins, sessions, tokens, authenticator, audit),
                metrics), new HttpMetrics(metrics.registry())));
        log.info("Silo ready on port {}", http.port());
        return new Silo(shutdown, http, control, config, templates);
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
        return http.port();
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
