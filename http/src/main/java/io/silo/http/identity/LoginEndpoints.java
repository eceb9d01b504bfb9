package io.silo.http.identity;

import io.silo.app.access.Access;
import io.silo.app.identity.MemberLogin;
import io.silo.app.identity.SignIn;
import io.silo.app.identity.Users;
import io.silo.app.session.Principal;
import io.silo.app.session.Sessions;
import io.silo.http.auth.AuthEndpoints;
import io.silo.http.auth.Authenticator;
import io.silo.http.server.Actors;
import io.silo.http.server.Bodies;
import io.silo.http.server.Endpoints;
import io.silo.http.server.Exchange;
import io.silo.http.server.Routes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

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
    private final Users users;

    public LoginEndpoints(
            MemberLogin login, Sessions sessions, Authenticator authenticator, Access access, Users users) {
        this.login = login;
        this.sessions = sessions;
        this.authenticator = authenticator;
        this.access = access;
        this.users = users;
    }

    /** {@code POST /api/auth/login}: an organization (id or slug) when needed, an email or a username, the password. */
    public record LoginBody(String organization, String email, String username, String password) {
        public SignIn command() {
            return new SignIn(
                    Optional.ofNullable(organization),
                    Optional.ofNullable(email),
                    Optional.ofNullable(username),
                    password == null ? "" : password);
        }

        @Override
        public String toString() {
            return "LoginBody[" + organization + " " + email + " " + username + "]";
        }
    }

    @Override
    public void register(Routes routes) {
        routes.post("/api/auth/login", this::login);
        routes.get("/api/auth/me", this::me);
    }

    private void login(Exchange exchange) {
        MemberLogin.Success success =
                login.authenticate(Bodies.read(exchange, LoginBody.class).command(), Actors.anonymous(exchange, ""));
        Sessions.Session session = sessions.start(success.member());
        // the caller now: a browser may read the tokens only on the origins of the member's organization
        exchange.principal(session.principal());
        exchange.json(UserJson.signedIn(
                AuthEndpoints.tokenBody(session),
                success.user(),
                success.tenant(),
                access.services(success.tenant(), success.user().roles())));
    }

    private void me(Exchange exchange) {
        Principal principal = authenticator.require(exchange);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("kind", principal.kind());
        switch (principal) {
            case Principal.PlatformAdmin admin -> {
                body.put("id", admin.id().toString());
                body.put("email", admin.email());
            }
            case Principal.Member member -> {
                Users.Self self = users.self(member);
                body.put("user", UserJson.self(self.user()));
                body.put("organization", UserJson.organization(self.tenant()));
                body.put("services", self.services());
            }
        }
        exchange.json(body);
    }
}
