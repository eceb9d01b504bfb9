package io.silo.http.metrics;

import io.javalin.config.RoutesConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.silo.http.server.Endpoints;

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
    public void register(RoutesConfig routes) {
        routes.get(
                "/metrics",
                ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                        .result(registry.scrape()));
    }
}
