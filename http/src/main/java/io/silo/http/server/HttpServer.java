package io.silo.http.server;

import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson3;
import io.javalin.util.JavalinBindException;
import io.silo.error.ProblemType;
import io.silo.json.Json;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP listener: Javalin on Jetty 12 with virtual threads. Every request gets a request id,
 * every failure becomes a problem document ({@link Problems}), and every response is timed.
 *
 * <p>Thread-safe; {@link #close()} stops accepting requests and waits for those in flight.
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);
    private static final long MAX_BODY_BYTES = 4L * 1024 * 1024;

    private final Javalin app;

    private HttpServer(Javalin app) {
        this.app = app;
    }

    /** Starts listening on {@code host:port} (0 picks a free port) with the given features. */
    public static HttpServer start(String host, int port, List<Endpoints> features, HttpMetrics metrics) {
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.concurrency.useVirtualThreads = true;
            config.jsonMapper(new JavalinJackson3(Json.mapper(), true));
            config.http.maxRequestSize = MAX_BODY_BYTES;
            config.http.prefer405over404 = true;
            config.router.ignoreTrailingSlashes = true;
            config.jetty.host = host;
            config.jetty.port = port;
            // Jetty caches Authorization values per connection; behind a proxy or from a gateway, a
            // connection carries many users' tokens, and caching each one cost 8 % of a routed read
            // (JFR, docs/benchmarks.md) for no hit.
            config.jetty.modifyHttpConfiguration(http -> http.setHeaderCacheSize(0));
            config.requestLogger.http(metrics::record);
            config.routes.before(RequestIds::assign);
            config.routes.after(ctx -> RequestIds.clear());
            config.routes.exception(Exception.class, Problems::handle);
            // Javalin answers its own 404 and 405 in plain text unless their type is mapped explicitly.
            config.routes.exception(HttpResponseException.class, Problems::handle);
            features.forEach(feature -> feature.register(config.routes));
        });
        try {
            app.start();
        } catch (JavalinBindException e) {
            throw ProblemType.PORT_IN_USE.exception(
                    "cannot listen on " + host + ":" + port
                            + ": the port is already in use (set SILO_HTTP_PORT to another port)",
                    e);
        }
        log.info("HTTP listening on {}:{}", host, app.port());
        return new HttpServer(app);
    }

    public int port() {
        return app.port();
    }

    /**
     * Every route this server answers, as Javalin has them registered: the HTTP method and the path
     * template, in registration order. Before and after filters are not routes. The contract test
     * holds this list against the API description ({@code GET /openapi.json}).
     */
    public List<Route> routes() {
        return app.unsafe.internalRouter.allHttpHandlers().stream()
                .map(parsed -> parsed.endpoint)
                .filter(endpoint -> endpoint.method.isHttpMethod())
                .map(endpoint -> new Route(endpoint.method.name(), endpoint.path))
                .toList();
    }

    /**
     * A registered route.
     *
     * @param method the HTTP method, upper case
     * @param path the path template, with {@code {name}} for a path parameter
     */
    public record Route(String method, String path) {}

    @Override
    public void close() {
        app.stop();
    }
}
