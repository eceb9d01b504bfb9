package io.silo.http.server;

import io.helidon.common.tls.Tls;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.silo.app.admission.OrganizationOrigins;
import io.silo.config.SiloConfig;
import io.silo.error.ProblemType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP listener: Helidon SE's web server, a virtual thread per request (chosen by measurement:
 * docs/benchmarks.md). Every request gets a request id, every failure becomes a problem document
 * ({@link Problems}), and every response is timed ({@link Dispatcher}).
 *
 * <p>Thread-safe; {@link #close()} stops accepting requests and waits for those in flight.
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

    private final WebServer server;
    private final List<Route> routes;
    private final Optional<Certificates> certificates;

    private HttpServer(WebServer server, List<Route> routes, Optional<Certificates> certificates) {
        this.server = server;
        this.routes = routes;
        this.certificates = certificates;
    }

    /**
     * Reads the certificate {@code http} names, if any, and drops it: a start-up can fail on a bad one
     * before anything else has started.
     */
    public static void checkTls(SiloConfig.Http http) {
        http.tls().ifPresent(Certificates::load);
    }

    /**
     * Starts listening as {@code http} says (host, port, 0 picking a free one; requests served at
     * once; origins allowed to call from a browser; the proxies trusted to name the client; HTTPS with
     * a certificate, which is read again when its files change) with the given features; {@code organizations}
     * adds the origins organizations list for their own front ends.
     */
    public static HttpServer start(
            SiloConfig.Http http, List<Endpoints> features, HttpMetrics metrics, OrganizationOrigins organizations) {
        String host = http.host();
        int port = http.port();
        HttpRouting.Builder routing = HttpRouting.builder();
        Cors cors = new Cors(http.corsOrigins(), organizations);
        Routes routes = new Routes(
                routing,
                new Dispatcher(
                        metrics,
                        http.maxConcurrentRequests(),
                        cors,
                        new ClientAddresses(http.trustedProxies(), http.forwardedHeader())),
                cors);
        features.forEach(feature -> feature.register(routes));
        routes.closeWithFallback();
        // the largest upload a route takes; every other route refuses a body over MAX_BODY_BYTES itself
        long maxPayload = routes.largestBody();
        Optional<Tls> tls = http.tls().map(Certificates::load);
        WebServerConfig.Builder builder = WebServer.builder()
                .host(host)
                .port(port)
                .shutdownHook(false)
                .maxPayloadSize(maxPayload)
                .directHandlers(TransportProblems.handlers(maxPayload, tls.isPresent()))
                .routing(routing);
        tls.ifPresent(builder::tls);
        WebServer server = builder.build();
        refuseTakenPort(host, port);
        server.start();
        if (!server.isRunning()) {
            // Helidon logs why, and returns a server that is not running
            throw ProblemType.PORT_IN_USE.exception("cannot listen on " + host + ":" + port + " (see the log above)");
        }
        if (tls.isPresent()) {
            log.info("HTTPS listening on {}:{} with {}", host, server.port(), Certificates.describe(tls.get()));
        } else {
            log.info("HTTP listening on {}:{}", host, server.port());
        }
        Optional<Certificates> certificates = http.tls().map(config -> Certificates.watch(config, server::reloadTls));
        return new HttpServer(server, routes.list(), certificates);
    }

    /**
     * Helidon reports a port already taken only in its log; try it first, so that the operator
     * reads one line that says what to do.
     */
    private static void refuseTakenPort(String host, int port) {
        if (port == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(host, port));
        } catch (BindException e) {
            throw ProblemType.PORT_IN_USE.exception(
                    "cannot listen on " + host + ":" + port
                            + ": the port is already in use (set SILO_HTTP_PORT to another port)",
                    e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + host + ":" + port, e);
        }
    }

    public int port() {
        return server.port();
    }

    /**
     * Every route this server answers: the HTTP method and the path template, in registration
     * order. The contract test holds this list against the API description ({@code GET /openapi.json}).
     */
    public List<Route> routes() {
        return routes;
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
        certificates.ifPresent(Certificates::close);
        server.stop();
    }
}
