package io.silo.http.identity;

import io.silo.app.identity.PasswordChanges;
import io.silo.app.session.Principal;
import io.silo.app.session.Sessions;
import io.silo.http.auth.AuthEndpoints;
import io.silo.http.auth.Authenticator;
import io.silo.http.server.Actors;
import io.silo.http.server.Bodies;
import io.silo.http.server.Endpoints;
import io.silo.http.server.Exchange;
import io.silo.http.server.Routes;
import java.util.Map;
import java.util.Optional;

/**
 * A member's own password: {@code POST /api/auth/password} (change, signed in),
 * {@code POST /api/auth/password/forgot} (ask for a reset mail) and
 * {@code POST /api/auth/password/reset} (set one with the mailed token).
 *
 * <p>Thread-safe.
 */
public final class PasswordEndpoints implements Endpoints {
    private final PasswordChanges passwords;
    private final Authenticator authenticator;

    public PasswordEndpoints(PasswordChanges passwords, Authenticator authenticator) {
        this.passwords = passwords;
        this.authenticator = authenticator;
    }

    record ChangeBody(String currentPassword, String newPassword) {
        @Override
        public String toString() {
            return "ChangeBody[]";
        }
    }

    record ForgotBody(String email, String organization) {}

    record ResetBody(String token, String password) {
        @Override
        public String toString() {
            return "ResetBody[]";
        }
    }

    @Override
    public void register(Routes routes) {
        routes.post("/api/auth/password", this::change);
        routes.post("/api/auth/password/forgot", this::forgot);
        routes.post("/api/auth/password/reset", this::reset);
    }

    private void change(Exchange exchange) {
        Principal.Member member = authenticator.member(exchange);
        ChangeBody body = Bodies.read(exchange, ChangeBody.class);
        Sessions.Session session = passwords.change(
                member, text(body.currentPassword()), text(body.newPassword()), Actors.of(exchange, member));
        exchange.json(AuthEndpoints.tokenBody(session));
    }

    private void forgot(Exchange exchange) {
        ForgotBody body = Bodies.read(exchange, ForgotBody.class);
        passwords.requestReset(
                text(body.email()),
                Optional.ofNullable(body.organization()),
                Actors.anonymous(exchange, "").clientAddress());
        exchange.status(202).json(Map.of("status", "accepted"));
    }

    private void reset(Exchange exchange) {
        ResetBody body = Bodies.read(exchange, ResetBody.class);
        passwords.reset(text(body.token()), text(body.password()), Actors.anonymous(exchange, ""));
        exchange.status(204);
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }
}
