package io.silo.http;

import io.silo.app.Application;
import io.silo.app.SiloOptions;
import io.silo.config.SiloConfig;
import io.silo.http.server.HttpMetrics;
import io.silo.http.server.HttpServer;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Silo instance: the {@link Application} and, unless told otherwise, the HTTP API in
 * front of it. Closing stops HTTP first, then the application behind it.
 *
 * <p>Thread-safe; {@link #close()} is idempotent and bounded in time.
 */
public final class Silo implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Silo.class);

    private final Application application;
    private final Optional<HttpServer> http;

    private Silo(Application application, Optional<HttpServer> http) {
        this.application = application;
        this.http = http;
    }

    /** Starts Silo as a server: database, control plane, background jobs, HTTP. */
    public static Silo start(SiloConfig config) {
        return start(config, SiloOptions.server());
    }

    public static Silo start(SiloConfig config, SiloOptions options) {
        if (options.serveHttp()) {
            HttpServer.checkTls(config.http()); // a bad certificate stops start-up before the databases start
        }
        Application application = Application.start(config, options);
        if (!options.serveHttp()) {
            return new Silo(application, Optional.empty());
        }
        try {
            HttpMetrics metrics = new HttpMetrics(application.metrics(), options.clock());
            HttpServer http = HttpServer.start(
                    config.http(), HttpFeatures.of(application, metrics.history()), metrics, application.origins());
            log.info("Silo ready on port {}", http.port());
            return new Silo(application, Optional.of(http));
        } catch (RuntimeException | Error e) {
            application.close();
            throw e;
        }
    }

    public Application application() {
        return application;
    }

    /** The port HTTP listens on. */
    public int port() {
        return server().port();
    }

    /** The routes HTTP serves, as registered; for the contract test of the API description. */
    public List<HttpServer.Route> routes() {
        return server().routes();
    }

    /** The base URI of the HTTP API, on the loopback interface: {@code https} when Silo serves TLS. */
    public URI uri() {
        return URI.create((config().http().tls().isPresent() ? "https" : "http") + "://localhost:" + port());
    }

    public SiloConfig config() {
        return application.config();
    }

    private HttpServer server() {
        return http.orElseThrow(() -> new IllegalStateException("this Silo serves no HTTP"));
    }

    /** Stops HTTP first, then everything behind it; bounded in time, logged. */
    @Override
    public void close() {
        http.ifPresent(HttpServer::close);
        application.close();
    }
}
