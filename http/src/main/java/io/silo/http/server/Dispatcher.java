package io.silo.http.server;

import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.silo.error.ProblemType;

/**
 * The cycle of every request: its {@link Exchange} (and request id), the route's handler, any
 * failure turned into a problem document ({@link Problems}), the timing, and the log context
 * cleared afterwards.
 *
 * <p>Thread-safe.
 */
final class Dispatcher {
    private final HttpMetrics metrics;

    Dispatcher(HttpMetrics metrics) {
        this.metrics = metrics;
    }

    void serve(ServerRequest request, ServerResponse response, String route, Routes.Handler handler) {
        long start = System.nanoTime();
        Exchange exchange = new Exchange(request, response, route);
        try {
            if (request.path().rawPath().indexOf(';') >= 0) {
                // Helidon reads "a;b" as segment "a" with a matrix parameter; no route of Silo takes one, and a
                // name such as "billing;DROP TABLE x" must not reach a route as "billing"
                throw ProblemType.BAD_REQUEST.exception("a path may not contain ';' (encode it as %3B)");
            }
            handler.handle(exchange);
            exchange.finish();
        } catch (Exception e) {
            Problems.handle(e, exchange);
        } finally {
            metrics.record(exchange, System.nanoTime() - start);
            RequestIds.clear();
        }
    }
}
