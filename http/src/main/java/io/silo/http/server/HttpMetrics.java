package io.silo.http.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * Times every HTTP response into {@code http_server_requests_seconds}, tagged by method, route
 * template (never the raw path, whose ids would explode the series) and status. Each timer is
 * built once and then found by its key.
 *
 * <p>Thread-safe.
 */
public final class HttpMetrics {
    private final MeterRegistry registry;
    private final ConcurrentMap<Key, Timer> timers = new ConcurrentHashMap<>();
    private final RequestHistory history;

    public HttpMetrics(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.history = new RequestHistory(clock);
    }

    /** The last hour of this instance's requests, minute by minute. */
    public RequestHistory history() {
        return history;
    }

    void record(Exchange exchange, long nanos) {
        history.record(exchange.status());
        timers.computeIfAbsent(new Key(exchange.method(), exchange.route(), exchange.status()), this::timer)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    private Timer timer(Key key) {
        return Timer.builder("http.server.requests")
                .description("HTTP requests served")
                .tag("method", key.method())
                .tag("route", key.route())
                .tag("status", Integer.toString(key.status()))
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
    }

    private record Key(String method, String route, int status) {}
}
