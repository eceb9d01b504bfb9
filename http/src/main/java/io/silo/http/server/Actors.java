package io.silo.http.server;

import io.silo.app.session.Principal;
import io.silo.audit.AuditEntry;

/** Who is acting in a request, for the audit and activity logs. */
public final class Actors {
    private Actors() {}

    public static AuditEntry.Actor of(Exchange exchange, Principal principal) {
        String name = switch (principal) {
            case Principal.PlatformAdmin admin -> admin.email();
            case Principal.Member member -> member.tenantSlug() + "/" + member.id();
        };
        return new AuditEntry.Actor(
                principal.kind(),
                principal.id().toString(),
                name,
                exchange.ip(),
                userAgent(exchange),
                exchange.requestId());
    }

    /** An actor not yet known, e.g. someone trying to sign in. */
    public static AuditEntry.Actor anonymous(Exchange exchange, String claimedName) {
        return new AuditEntry.Actor(
                "anonymous", "", claimedName, exchange.ip(), userAgent(exchange), exchange.requestId());
    }

    private static String userAgent(Exchange exchange) {
        String agent = exchange.userAgent();
        return agent == null ? "" : agent.length() > 512 ? agent.substring(0, 512) : agent;
    }
}
