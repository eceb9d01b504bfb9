package io.silo.http.server;

import io.silo.error.ProblemType;
import java.util.List;
import java.util.Set;

/**
 * Cross-origin requests from the browser front ends of the origins the deployment allows
 * ({@code http.corsOrigins}). An allowed origin's requests get {@code Access-Control-Allow-Origin}
 * with that origin (or {@code *} when every origin is allowed) and the response headers a client
 * needs exposed; a preflight ({@code OPTIONS} with {@code Access-Control-Request-Method}) is
 * answered 204 with the methods the path has. Credentials are never allowed: Silo's clients send a
 * bearer token, not cookies, so no origin can ride on a user's session.
 *
 * <p>Immutable, so thread-safe.
 */
final class Cors {
    private static final String ALLOWED_HEADERS =
            "Authorization, Content-Type, If-Match, Idempotency-Key, X-Request-Id";
    private static final String EXPOSED_HEADERS = "ETag, Location, Retry-After, X-Request-Id, WWW-Authenticate";
    private static final String PREFLIGHT_CACHE_SECONDS = "600";

    private final Set<String> origins;
    private final boolean anyOrigin;

    Cors(List<String> origins) {
        this.origins = Set.copyOf(origins);
        this.anyOrigin = this.origins.contains("*");
    }

    /** Adds the headers an allowed origin's browser needs to read the answer; nothing for others. */
    void decorate(Exchange exchange) {
        String origin = exchange.header("Origin");
        if (origin == null) {
            return;
        }
        if (!anyOrigin) {
            // the answer differs by origin: a shared cache must not hand one origin's answer to another
            exchange.header("Vary", "Origin");
        }
        if (!allows(origin)) {
            return;
        }
        allowOrigin(exchange, origin);
        exchange.header("Access-Control-Expose-Headers", EXPOSED_HEADERS);
    }

    /** Whether {@code exchange} is a preflight: {@code OPTIONS} asking for another method. */
    static boolean isPreflight(Exchange exchange) {
        return exchange.method().equals("OPTIONS") && exchange.header("Access-Control-Request-Method") != null;
    }

    /**
     * Answers a preflight for a path whose routes take {@code methods}: 204 with what the browser may
     * send, or 403 {@code origin-not-allowed} when the origin is not one the deployment allows.
     */
    void preflight(Exchange exchange, String methods) {
        String origin = exchange.header("Origin");
        if (origin == null || !allows(origin)) {
            throw ProblemType.ORIGIN_NOT_ALLOWED
                    .exception("the origin " + (origin == null ? "(none)" : "'" + shorten(origin) + "'")
                            + " may not call this API from a browser; an operator allows origins in http.corsOrigins")
                    .with("origin", origin == null ? "" : shorten(origin));
        }
        allowOrigin(exchange, origin);
        exchange.header("Access-Control-Allow-Methods", methods);
        exchange.header("Access-Control-Allow-Headers", ALLOWED_HEADERS);
        exchange.header("Access-Control-Max-Age", PREFLIGHT_CACHE_SECONDS);
        exchange.status(204);
    }

    private boolean allows(String origin) {
        return anyOrigin || origins.contains(origin);
    }

    private void allowOrigin(Exchange exchange, String origin) {
        exchange.header("Access-Control-Allow-Origin", anyOrigin ? "*" : origin);
    }

    private static String shorten(String text) {
        return text.length() > 100 ? text.substring(0, 100) + "..." : text;
    }
}
