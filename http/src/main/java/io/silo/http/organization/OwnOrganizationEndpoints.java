package io.silo.http.organization;

import io.silo.app.access.Access;
import io.silo.app.identity.Users;
import io.silo.app.organization.Organizations;
import io.silo.app.session.Principal;
import io.silo.http.auth.Authenticator;
import io.silo.http.server.Actors;
import io.silo.http.server.Endpoints;
import io.silo.http.server.Exchange;
import io.silo.http.server.Routes;
import io.silo.tenant.Tenant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An organization's administrator closing their own organization:
 * {@code DELETE /api/organization?confirm={slug}}. It is suspended at once and deleted after a grace,
 * within which a platform administrator restores it ({@link Organizations#close}).
 *
 * <p>Thread-safe.
 */
public final class OwnOrganizationEndpoints implements Endpoints {
    private final Organizations organizations;
    private final Users users;
    private final Authenticator authenticator;

    public OwnOrganizationEndpoints(Organizations organizations, Users users, Authenticator authenticator) {
        this.organizations = organizations;
        this.users = users;
        this.authenticator = authenticator;
    }

    @Override
    public void register(Routes routes) {
        routes.delete("/api/organization", this::close);
    }

    private void close(Exchange exchange) {
        Principal principal = authenticator.require(exchange);
        Principal.Member admin = Access.requireOrgAdmin(principal);
        // the token's roles may be a lifetime old: the core database has the last word
        users.requireCurrentAdmin(admin);
        Tenant closed = organizations.close(
                admin.tenantId(), exchange.query("confirm").orElse(""), Actors.of(exchange, principal));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("organization", closed.slug());
        body.put("status", closed.status().value());
        body.put("deleteAfter", closed.deleteAfter().map(Object::toString).orElse(null));
        exchange.json(body);
    }
}
