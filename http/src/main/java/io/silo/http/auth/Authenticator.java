package io.silo.http.auth;

import io.silo.app.access.Access;
import io.silo.app.session.Principal;
import io.silo.app.session.TokenService;
import io.silo.error.ProblemType;
import io.silo.http.server.Exchange;
import java.util.Optional;
import org.slf4j.MDC;

/**
 * Reads the bearer token of a request and turns it into a {@link Principal}, once per request.
 * Routes ask for the kind of caller they serve; everything else is a 401 or 403.
 *
 * <p>Thread-safe.
 */
public final class Authenticator {
    private final TokenService tokens;

    public Authenticator(TokenService tokens) {
        this.tokens = tokens;
    }

    /** The caller, or a 401 when no valid token was presented. */
    public Principal require(Exchange exchange) {
        Optional<Principal> known = exchange.principal();
        if (known.isPresent()) {
            return known.get();
        }
        String header = exchange.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() < 8) {
            throw ProblemType.MISSING_TOKEN.exception("an access token is required (Authorization: Bearer ...)");
        }
        Principal principal = tokens.verify(header.substring(7).trim());
        exchange.principal(principal);
        if (principal instanceof Principal.Member member) {
            MDC.put("tenant", member.tenantSlug());
        }
        return principal;
    }

    /** The caller when a token was presented; an invalid token is still a 401. */
    public Optional<Principal> optional(Exchange exchange) {
        return exchange.header("Authorization") == null ? Optional.empty() : Optional.of(require(exchange));
    }

    /** The caller, who must be a platform administrator. */
    public Principal.PlatformAdmin platformAdmin(Exchange exchange) {
        return Access.requirePlatformAdmin(require(exchange));
    }

    /** The caller, who must be a member of an organization. */
    public Principal.Member member(Exchange exchange) {
        return Access.requireMember(require(exchange));
    }
}
