package io.silo.http.server;

import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.silo.error.ProblemType;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cycle of every request: its {@link Exchange} (and request id), the route's handler, any
 * failure turned into a problem document ({@link Problems}), the timing, and the log context
 * cleared afterwards.
 *
 * <p>Thread-safe.
 */
final class Dispatcher {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    private static final Duration RETRY_OVERLOADED = Duration.ofSeconds(1);

    private final HttpMetrics metrics;
    /** Requests being served; one that finds none left is refused, not queued: each waits on a thread and holds its body. */
    private final Semaphore serving;

    private final int maxConcurrentRequests;

    private final Cors cors;

    private final ClientAddresses clients;

    Dispatcher(HttpMetrics metrics, int maxConcurrentRequests, Cors cors, ClientAddresses clients) {
        this.metrics = metrics;
        this.cors = cors;
        this.clients = clients;
        this.serving = new Semaphore(maxConcurrentRequests);
        this.maxConcurrentRequests = maxConcurrentRequests;
    }

    void serve(
            ServerRequest request, ServerResponse response, String route, long maxBodyBytes, Routes.Handler handler) {
        long start = System.nanoTime();
        Exchange exchange = new Exchange(request, response, route, clients.of(request), cors::decorate);
        if (!serving.tryAcquire()) {
            try {
                Problems.handle(
                        ProblemType.OVERLOADED
                                .exception(
                                        "this instance is serving " + maxConcurrentRequests
                                                + " requests already (http.maxConcurrentRequests); this one was refused at once, not queued")
                                .retryAfter(RETRY_OVERLOADED),
                        exchange);
            } finally {
                metrics.record(exchange, System.nanoTime() - start);
                RequestIds.clear();
            }
            return;
        }
        try {
            if (request.path().rawPath().indexOf(';') >= 0) {
                // Helidon reads "a;b" as segment "a" with a matrix parameter; no route of Silo takes one, and a
                // name such as "billing;DROP TABLE x" must not reach a route as "billing"
                throw ProblemType.BAD_REQUEST.exception("a path may not contain ';' (encode it as %3B)");
            }
            refuseLargeBody(exchange, maxBodyBytes);
            handler.handle(exchange);
            exchange.finish();
        } catch (Exchange.AnswerBrokenOff e) {
            brokenOff(exchange, e);
        } catch (Exception e) {
            if (!exchange.isSent() && exchange.closeAfterRefusal()) {
                exchange.header("Connection", "close");
            }
            Problems.handle(e, exchange);
        } finally {
            serving.release();
            metrics.record(exchange, System.nanoTime() - start);
            RequestIds.clear();
        }
    }

    /**
     * A streamed answer broke off after its first bytes: no problem document can follow them, and the
     * client must not take the short body for whole, so the connection closes.
     */
    private static void brokenOff(Exchange exchange, Exchange.AnswerBrokenOff e) {
        if (e.clientGone()) {
            log.debug("{} {}: the client went away during the answer", exchange.method(), exchange.path());
        } else {
            log.warn(
                    "{} {}: the answer broke off after it had begun; the connection closes",
                    exchange.method(),
                    exchange.path(),
                    e.getCause());
        }
        throw new CloseConnectionException("the answer broke off after it had begun", e);
    }

    /**
     * A body announced larger than the route takes is refused before the route runs (the listener
     * lets bodies through up to the largest upload any route takes). One a little over is read and
     * dropped first, so that the 413 reaches the client and the connection goes on; a larger one
     * closes the connection after the answer.
     */
    private static void refuseLargeBody(Exchange exchange, long maxBodyBytes) {
        if (exchange.contentLength().orElse(0) > maxBodyBytes) {
            exchange.dropBody(maxBodyBytes);
            throw ProblemType.BODY_TOO_LARGE.exception("the request body is over " + maxBodyBytes + " bytes");
        }
    }
}
