package io.silo.server.identity;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.silo.error.SiloException;
import io.silo.identity.User;
import io.silo.postgres.control.TenantStore;
import io.silo.postgres.identity.UserStore;
import io.silo.postgres.routing.TenantConnections;
import io.silo.server.auth.AuthEndpoints;
import io.silo.server.auth.Authenticator;
import io.silo.server.auth.Principal;
import io.silo.server.auth.Sessions;
import io.silo.server.authz.Access;
import io.silo.server.http.Actors;
import io.silo.server.http.Bodies;
import io.silo.server.http.Endpoints;
import io.silo.template.ServiceTemplate;
import io.silo.tenant.Tenant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /api/auth/login} for members of organizations, and {@code GET /api/auth/me} for
 * every signed-in caller.
 *
 * <p>Thread-safe.
 */
public final class LoginEndpoints implements Endpoints {
    private final MemberLogin login;
    private final Sessions sessions;
    private final Authenticator authenticator;
    private final Access access;
    private final ActiveOrganizations gate;
    private final TenantConnections cores;
    private final UserStore store;

    public LoginEndpoints(
            MemberLogin login,
            Sessions sessions,
            Authenticator authenticator,
            Access access,
            TenantStore tenants,
            TenantConnections cores,
            UserStore store) {
        this.login = login;
        this.sessions = sessions;
        this.authenticator = authenticator;
        this.access = access;
        this.gate = new ActiveOrganizations(tenants);
        this.cores = cores;
        this.store = store;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/api/auth/login", this::login);
        routes.get("/api/auth/me", this::me);
    }

    private void login(Context ctx) {
        UserRequests.Login body = Bodies.read(ctx, UserRequests.Login.class);
        MemberLogin.Success success = login.authenticate(body, Actors.anonymous(ctx, ""));
        Sessions.Session session = sessions.start(success.member());
        ctx.json(UserJson.signedIn(
                AuthEndpoints.tokenBody(session),
                success.user(),
                success.tenant(),
                access.services(success.tenant(), success.user().roles())));
    }

    private void me(Context ctx) {
        Principal principal = authenticator.require(ctx);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("kind", principal.kind());
        switch (principal) {
            case Principal.PlatformAdmin admin -> {
                body.put("id", admin.id().toString());
                body.put("email", admin.email());
            }
            case Principal.Member member -> {
                Tenant tenant = gate.active(member.tenantId());
                User user = cores.inTransaction(
                                tenant.id(), ServiceTemplate.CORE, core -> store.find(core, member.id()))
                        .filter(User::active)
                        .orElseThrow(() -> SiloException.unauthenticated(
                                "invalid-token", "the account of this token is gone or disabled"));
                body.put("user", UserJson.self(user));
                body.put("organization", UserJson.organization(tenant));
                body.put("services", access.services(tenant, user.roles()));
            }
        }
        ctx.json(body);
    }
}
