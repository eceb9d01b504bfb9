package io.silo.http.admin;

import io.silo.app.access.Access;
import io.silo.app.identity.MemberLogin;
import io.silo.audit.AuditEntry;
import io.silo.http.auth.Authenticator;
import io.silo.http.identity.LoginEndpoints;
import io.silo.http.server.Actors;
import io.silo.http.server.Bodies;
import io.silo.http.server.Endpoints;
import io.silo.http.server.Exchange;
import io.silo.http.server.Routes;
import io.silo.identity.User;
import io.silo.postgres.control.AuditLog;
import io.silo.template.ServiceTemplate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /api/admin/auth/test}: the authentication tester. A platform administrator gives an
 * organization, a member's email or username and a password, and learns whether that member would
 * sign in, and to which services with which role, without a session being issued
 * ({@link MemberLogin#test}). Every test is recorded in the master audit log ({@code auth.test}),
 * the password never.
 *
 * <p>Thread-safe.
 */
public final class AuthTestEndpoints implements Endpoints {
    private final MemberLogin login;
    private final Access access;
    private final AuditLog audit;
    private final Authenticator authenticator;

    public AuthTestEndpoints(MemberLogin login, Access access, AuditLog audit, Authenticator authenticator) {
        this.login = login;
        this.access = access;
        this.audit = audit;
        this.authenticator = authenticator;
    }

    @Override
    public void register(Routes routes) {
        routes.post("/api/admin/auth/test", this::test);
    }

    private void test(Exchange exchange) {
        var admin = authenticator.platformAdmin(exchange);
        // the body of a member's sign-in, the organization required by the route
        LoginEndpoints.LoginBody body = Bodies.read(exchange, LoginEndpoints.LoginBody.class);
        MemberLogin.TestResult result = login.test(body.command(), exchange.ip());
        String tried = Optional.ofNullable(body.email())
                .orElse(Optional.ofNullable(body.username()).orElse(""));
        audit.append(new AuditEntry(
                Actors.of(exchange, admin),
                "auth.test",
                "user",
                result.user().map(user -> user.id().toString()).orElse(""),
                Optional.of(result.tenant().id()),
                Map.of("login", tried, "outcome", result.outcome())));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("outcome", result.outcome());
        answer.put(
                "organization",
                Map.of(
                        "id", result.tenant().id().toString(),
                        "slug", result.tenant().slug(),
                        "name", result.tenant().name()));
        answer.put("user", result.user().map(AuthTestEndpoints::user).orElse(null));
        answer.put(
                "coreRole",
                result.user()
                        .map(user -> user.roles().get(ServiceTemplate.CORE))
                        .orElse(null));
        Map<String, String> services = new LinkedHashMap<>();
        result.user()
                .ifPresent(user -> access.services(result.tenant(), user.roles())
                        .forEach(service -> services.put(service, user.roles().get(service))));
        answer.put("services", services);
        exchange.json(answer);
    }

    private static Map<String, Object> user(User user) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", user.id().toString());
        body.put("email", user.email().orElse(null));
        body.put("username", user.username().orElse(null));
        body.put("name", user.name());
        body.put("status", user.status());
        return body;
    }
}
