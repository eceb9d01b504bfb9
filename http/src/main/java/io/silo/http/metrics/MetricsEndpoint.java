package io.silo.http.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.silo.http.auth.Authenticator;
import io.silo.http.server.Endpoints;
import io.silo.http.server.Exchange;
import io.silo.http.server.Routes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * {@code GET /metrics}: Prometheus text exposition of HTTP latency, JVM, and pool figures, for the
 * operator: a scraper that sends the configured {@code metrics.token} as its bearer token, or a
 * platform administrator. The figures name clusters, routes and load, which are nobody else's business.
 *
 * <p>Thread-safe.
 */
public final class MetricsEndpoint implements Endpoints {
    private final PrometheusMeterRegistry registry;
    private final Authenticator authenticator;
    /** SHA-256 of the scrape token: comparing digests of equal length takes the same time whatever is sent. */
    private final Optional<byte[]> scrapeTokenDigest;

    public MetricsEndpoint(
            PrometheusMeterRegistry registry, Authenticator authenticator, Optional<String> scrapeToken) {
        this.registry = registry;
        this.authenticator = authenticator;
        this.scrapeTokenDigest = scrapeToken.map(MetricsEndpoint::sha256);
    }

    @Override
    public void register(Routes routes) {
        routes.get("/metrics", this::metrics);
    }

    private void metrics(Exchange exchange) {
        if (!isScraper(exchange)) {
            authenticator.platformAdmin(exchange); // 401 without a valid token, 403 for a member
        }
        exchange.send("text/plain; version=0.0.4; charset=utf-8", registry.scrape());
    }

    private boolean isScraper(Exchange exchange) {
        if (scrapeTokenDigest.isEmpty()) {
            return false;
        }
        String header = exchange.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(sha256(header.substring(7).trim()), scrapeTokenDigest.get());
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
