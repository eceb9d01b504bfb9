package io.silo.http.server;

import io.silo.app.admission.OrganizationOrigins;
import io.silo.app.session.Principal;
import io.silo.error.ProblemType;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Cross-origin requests from browser front ends: those of the origins the deployment allows
 * ({@code http.corsOrigins}), and those an organization lists as its own ({@code corsOrigins} of
 * the organization). An allowed origin's answers get {@code Access-Control-Allow-Origin} with that
 * origin (or {@code *} when the deployment allows every origin) and the response headers a client
 * needs exposed; a preflight ({@code OPTIONS} with {@code Access-Control-Request-Method}) is
 * answered 204 with the methods the path has. Credentials are never allowed: Silo's clients send a
 * bearer token, not cookies, so no origin can ride on a user's session.
 *
 * <p>An organization's origin is judged by whose answer it is, so the headers are added when the
 * answer is sent ({@link #decorate}), once the route has read the token: a member's answer may be
 * read on the deployment's origins and on their own organization's only, a platform
 * administrator's on the deployment's only. A preflight carries no token, and nor do sign-in and
 * the answers refused before a token was read (401, 404 …): those may be read on the origin of any
 * active or suspended organization, for they carry nothing of one (a successful sign-in or refresh
 * names its session's caller first, so its tokens are judged as the member's).
 *
 * <p>Thread-safe.
 */
final class Cors {
    private static final String ALLOWED_HEADERS =
            "Authorization, Content-Type, If-Match, Idempotency-Key, X-Request-Id";
    private static final String EXPOSED_HEADERS =
            "ETag, Location, Retry-After, X-Request-Id, WWW-Authenticate, Idempotent-Replayed";
    private static final String PREFLIGHT_CACHE_SECONDS = "600";

    private final Set<String> origins;
    private final boolean anyOrigin;
    private final OrganizationOrigins organizations;

    /**
     * @param origins the deployment's origins ({@code http.corsOrigins}), {@code *} for any
     * @param organizations the origins organizations list
     */
    Cors(List<String> origins, OrganizationOrigins organizations) {
        this.origins = Set.copyOf(origins);
        this.anyOrigin = this.origins.contains("*");
        this.organizations = organizations;
    }

    /**
     * Adds the headers an allowed origin's browser needs to read the answer; nothing for others.
     * Called as the answer is sent, when the caller is known if the route read a token.
     */
    void decorate(Exchange exchange) {
        String origin = exchange.header("Origin");
        if (origin == null) {
            return;
        }
        if (!anyOrigin) {
            // the answer differs by origin: a shared cache must not hand one origin's answer to another
            exchange.header("Vary", "Origin");
        }
        if (!allows(origin, exchange.principal())) {
            return;
        }
        exchange.header("Access-Control-Allow-Origin", anyOrigin ? "*" : origin);
        exchange.header("Access-Control-Expose-Headers", EXPOSED_HEADERS);
    }

    /** Whether {@code exchange} is a preflight: {@code OPTIONS} asking for another method. */
    static boolean isPreflight(Exchange exchange) {
        return exchange.method().equals("OPTIONS") && exchange.header("Access-Control-Request-Method") != null;
    }

    /**
     * Answers a preflight for a path whose routes take {@code methods}: 204 with what the browser may
     * send, or 403 {@code origin-not-allowed} when neither the deployment nor any organization allows
     * the origin. The origin itself is allowed by {@link #decorate}, as for every answer.
     */
    void preflight(Exchange exchange, String methods) {
        String origin = exchange.header("Origin");
        if (origin == null || !allows(origin, Optional.empty())) {
            throw ProblemType.ORIGIN_NOT_ALLOWED
                    .exception("the origin " + (origin == null ? "(none)" : "'" + shorten(origin) + "'")
                            + " may not call this API from a browser; an operator allows origins in"
                            + " http.corsOrigins, a platform administrator an organization's in its corsOrigins")
                    .with("origin", origin == null ? "" : shorten(origin));
        }
        exchange.header("Access-Control-Allow-Methods", methods);
        exchange.header("Access-Control-Allow-Headers", ALLOWED_HEADERS);
        exchange.header("Access-Control-Max-Age", PREFLIGHT_CACHE_SECONDS);
        exchange.status(204);
    }

    /** The deployment's origins first: a set lookup, and no question to the organizations. */
    private boolean allows(String origin, Optional<Principal> caller) {
        if (anyOrigin || origins.contains(origin)) {
            return true;
        }
        if (caller.isEmpty()) {
            return organizations.listedByAny(origin);
        }
        return caller.get() instanceof Principal.Member member && organizations.listedBy(member.tenantId(), origin);
    }

    private static String shorten(String text) {
        return text.length() > 100 ? text.substring(0, 100) + "..." : text;
    }
}
