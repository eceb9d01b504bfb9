package io.silo.http.server;

import io.helidon.http.Method;
import io.helidon.http.PathMatcher;
import io.helidon.http.PathMatchers;
import io.helidon.webserver.http.HttpRouting;
import io.silo.error.ProblemType;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Where features register their routes ({@link Endpoints}). Each route is served through the one
 * request cycle of {@link Dispatcher}; a request no route matches is answered 405 when its path
 * has routes for other methods (a CORS preflight, {@link Cors}), else 404. A trailing slash is ignored.
 *
 * <p>Filled in by one thread before the server starts; read-only afterwards.
 */
public final class Routes {
    /** Serves one route; anything it throws becomes a problem document. */
    @FunctionalInterface
    public interface Handler {
        void handle(Exchange exchange);
    }

    private final HttpRouting.Builder routing;
    private final Dispatcher dispatcher;
    private final Cors cors;
    private final List<Registered> registered = new ArrayList<>();

    Routes(HttpRouting.Builder routing, Dispatcher dispatcher, Cors cors) {
        this.routing = routing;
        this.dispatcher = dispatcher;
        this.cors = cors;
    }

    public Routes get(String path, Handler handler) {
        return add(Method.GET, path, handler);
    }

    public Routes post(String path, Handler handler) {
        return add(Method.POST, path, handler);
    }

    public Routes put(String path, Handler handler) {
        return add(Method.PUT, path, handler);
    }

    public Routes patch(String path, Handler handler) {
        return add(Method.PATCH, path, handler);
    }

    public Routes delete(String path, Handler handler) {
        return add(Method.DELETE, path, handler);
    }

    /**
     * A POST whose body may be larger than {@link Exchange#MAX_BODY_BYTES}, up to {@code maxBodyBytes}:
     * its handler reads it as a stream ({@link Exchange#bodyStream}), never whole. The listener accepts
     * bodies up to the largest such limit; every other route still refuses one over
     * {@link Exchange#MAX_BODY_BYTES} before its handler runs.
     */
    public Routes upload(String path, long maxBodyBytes, Handler handler) {
        return add(Method.POST, path, Math.max(maxBodyBytes, Exchange.MAX_BODY_BYTES), handler);
    }

    /**
     * A page for people, not a route of the API: served through the same request cycle (request id,
     * timing, problems), but not listed by {@link #list()}, so the API description and its contract
     * tests hold the API alone. The admin console's files are the one such page ({@code /admin/…}).
     */
    public Routes page(String path, Handler handler) {
        routing.route(
                Method.GET,
                path,
                (request, response) -> dispatcher.serve(request, response, path, Exchange.MAX_BODY_BYTES, handler));
        return this;
    }

    private Routes add(Method method, String path, Handler handler) {
        return add(method, path, Exchange.MAX_BODY_BYTES, handler);
    }

    private Routes add(Method method, String path, long maxBodyBytes, Handler handler) {
        registered.add(
                new Registered(new HttpServer.Route(method.text(), path), PathMatchers.create(path), maxBodyBytes));
        routing.route(
                method, path, (request, response) -> dispatcher.serve(request, response, path, maxBodyBytes, handler));
        return this;
    }

    /** Every route, in registration order. */
    List<HttpServer.Route> list() {
        return registered.stream().map(Registered::route).toList();
    }

    /** The largest body any route takes: what the listener must let through. */
    long largestBody() {
        return registered.stream().mapToLong(Registered::maxBodyBytes).max().orElse(Exchange.MAX_BODY_BYTES);
    }

    /** Answers what no route matched; registered after every route. */
    void closeWithFallback() {
        routing.any((request, response) -> {
            String path = request.path().path();
            if (path.length() > 1 && path.endsWith("/")) {
                response.reroute(path.substring(0, path.length() - 1), request.query());
                return;
            }
            dispatcher.serve(request, response, "unmatched", Exchange.MAX_BODY_BYTES, exchange -> {
                String allowed = registered.stream()
                        .filter(route -> route.matcher().match(request.path()).accepted())
                        .map(route -> route.route().method())
                        .distinct()
                        .collect(Collectors.joining(", "));
                if (!allowed.isEmpty() && Cors.isPreflight(exchange)) {
                    cors.preflight(exchange, allowed);
                    return;
                }
                if (!allowed.isEmpty()) {
                    exchange.header("Allow", allowed);
                    throw ProblemType.METHOD_NOT_ALLOWED.exception(
                            exchange.method() + " is not allowed on " + path + "; allowed: " + allowed);
                }
                throw ProblemType.ROUTE_NOT_FOUND.exception("no route " + exchange.method() + " " + path);
            });
        });
    }

    private record Registered(HttpServer.Route route, PathMatcher matcher, long maxBodyBytes) {}
}
