package io.silo.http.auth;

import io.javalin.http.Context;
import io.silo.app.access.Access;
import io.silo.app.session.Principal;
import io.silo.app.session.TokenService;
import io.silo.error.ProblemType;
import java.util.Optional;
import org.slf4j.MDC;

/**
 * Reads the bearer token of a request and turns it into a {@link Principal}, once per request.
 * Routes ask for the kind of caller they serve; everything else is a 401 or 403.
 *
 * <p>Thread-safe.
 */
public final class Authenticator {
    private static final String ATTRIBUTE = "silo.principal";

    private final TokenService tokens;

    public Authenticator(TokenService tokens) {
        this.tokens = tokens;
    }

    /** The caller, or a 401 when no valid token was presented. */
    public Principal require(Context ctx) {
        Principal cached = ctx.attribute(ATTRIBUTE);
        if (cached != null) {
            return cached;
        }
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() < 8) {
            throw ProblemType.MISSING_TOKEN.exception("an access token is required (Authorization: Bearer ...)");
        }
        Principal principal = tokens.verify(header.substring(7).trim());
        ctx.attribute(ATTRIBUTE, principal);
        if (principal instanceof Principal.Member member) {
            MDC.put("tenant", member.tenantSlug());
        }
        return principal;
    }

    /** The caller when a token was presented; an invalid token is still a 401. */
    public Optional<Principal> optional(Context ctx) {
        return ctx.header("Authorization") == null ? Optional.empty() : Optional.of(require(ctx));
    }

    /** The caller, who must be a platform administrator. */
    public Principal.PlatformAdmin platformAdmin(Context ctx) {
        return Access.requirePlatformAdmin(require(ctx));
    }

    /** The caller, who must be a member of an organization. */
    public Principal.Member member(Context ctx) {
        return Access.requireMember(require(ctx));
    }
}
