package io.silo.http.auth;

import io.silo.app.access.Access;
import io.silo.app.admin.PlatformAdmins;
import io.silo.app.session.Principal;
import io.silo.app.session.TokenService;
import io.silo.error.ProblemType;
import io.silo.http.server.Exchange;
import java.util.Optional;
import org.slf4j.MDC;

/**
 * Reads the bearer token of a request and turns it into a {@link Principal}, once per request.
 * Routes ask for the kind of caller they serve; everything else is a 401 or 403. A platform
 * administrator's token is also held against the stored administrator on every request
 * ({@link PlatformAdmins#standing}); a member's costs nothing more than its signature check.
 *
 * <p>Thread-safe.
 */
public final class Authenticator {
    private final TokenService tokens;
    private final PlatformAdmins admins;

    public Authenticator(TokenService tokens, PlatformAdmins admins) {
        this.tokens = tokens;
        this.admins = admins;
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
        if (principal instanceof Principal.Member member) {
            MDC.put("tenant", member.tenantSlug());
        } else if (principal instanceof Principal.PlatformAdmin admin) {
            admins.standing(admin.id()); // deleted or disabled since the token was issued: 401
        }
        exchange.principal(principal);
        return principal;
    }

    /** The caller when a token was presented; an invalid token is still a 401. */
    public Optional<Principal> optional(Exchange exchange) {
        return exchange.header("Authorization") == null ? Optional.empty() : Optional.of(require(exchange));
    }

    /**
     * The caller, who must be a platform administrator with full standing: when every administrator
     * must have a second factor ({@code admin.requireTotp}), one without is 403
     * {@code second-factor-enrollment-required}.
     */
    public Principal.PlatformAdmin platformAdmin(Exchange exchange) {
        Principal.PlatformAdmin admin = Access.requirePlatformAdmin(require(exchange));
        if (admins.standing(admin.id()) == PlatformAdmins.Standing.ENROLLMENT_ONLY) {
            throw ProblemType.SECOND_FACTOR_ENROLLMENT_REQUIRED.exception(
                    "every platform administrator needs a second factor: enroll one (POST /api/admin/auth/totp),"
                            + " then this token serves every route");
        }
        return admin;
    }

    /**
     * The caller when it is a platform administrator with full standing; empty for anyone else, an
     * administrator who must first enroll a second factor included. An invalid token is still a 401.
     */
    public Optional<Principal.PlatformAdmin> optionalPlatformAdmin(Exchange exchange) {
        return optional(exchange)
                .filter(principal -> principal instanceof Principal.PlatformAdmin admin
                        && admins.standing(admin.id()) == PlatformAdmins.Standing.FULL)
                .map(Principal.PlatformAdmin.class::cast);
    }

    /** The caller, who must be a platform administrator, with or without the second factor it must enroll. */
    public Principal.PlatformAdmin enrollingAdmin(Exchange exchange) {
        return Access.requirePlatformAdmin(require(exchange));
    }

    /** The caller, who must be a member of an organization. */
    public Principal.Member member(Exchange exchange) {
        return Access.requireMember(require(exchange));
    }
}
