package io.silo.http.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.silo.http.server.Endpoints;
import io.silo.http.server.Routes;

/**
 * {@code GET /metrics}: Prometheus text exposition of HTTP latency, JVM, and pool figures.
 *
 * <p>Thread-safe.
 */
public final class MetricsEndpoint implements Endpoints {
    private final PrometheusMeterRegistry registry;

    public MetricsEndpoint(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void register(Routes routes) {
        routes.get(
                "/metrics", exchange -> exchange.send("text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
    }
}
