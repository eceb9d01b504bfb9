package io.silo.server;

import io.silo.config.SiloConfig;
import io.silo.postgres.control.ControlDatabase;
import io.silo.server.http.HttpServer;
import io.silo.server.metrics.HttpMetrics;
import io.silo.server.tenant.Organizations;
import io.silo.template.TemplateCatalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.List;
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

    private Silo(
            Shutdown shutdown,
            Optional<HttpServer> http,
            ControlDatabase control,
            SiloConfig config,
            Organizations organizations,
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
        // first: a broken template should stop start-up before a database is started for nothing
        TemplateCatalog templates = TemplateCatalog.load(config.servicesDir());
        createDirectory(config);
        ControlPlane control = ControlPlane.open(config, options.clock(), shutdown);
        DataPlane data = DataPlane.open(config, control, options.clock(), shutdown);
        Operations operations = Operations.open(config, options, templates, control, data, shutdown);
        if (!options.serveHttp()) {
            return new Silo(
                    shutdown, Optional.empty(), control.database(), config, operations.organizations(), templates);
        }
        HttpServer http = shutdown.register(
                "http",
                HttpServer.start(
                        config.http().host(),
                        config.http().port(),
                        HttpFeatures.of(config, options, templates, control, data, operations),
                        new HttpMetrics(data.metrics().registry())));
        log.info("Silo ready on port {}", http.port());
        return new Silo(shutdown, Optional.of(http), control.database(), config, operations.organizations(), templates);
    }

    private static void createDirectory(SiloConfig config) {
        try {
            Files.createDirectories(config.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot create the data directory " + config.dataDir().toAbsolutePath(), e);
        }
    }

    /** The port HTTP listens on. */
    public int port() {
        return http.orElseThrow(() -> new IllegalStateException("this Silo serves no HTTP"))
                .port();
    }

    /** The routes HTTP serves, as registered; for the contract test of the API description. */
    public List<HttpServer.Route> routes() {
        return http.orElseThrow(() -> new IllegalStateException("this Silo serves no HTTP"))
                .routes();
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
