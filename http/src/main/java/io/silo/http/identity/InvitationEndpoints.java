package io.silo.http.identity;

import io.silo.app.access.Access;
import io.silo.app.identity.Invitations;
import io.silo.app.session.Principal;
import io.silo.crypto.Ids;
import io.silo.http.auth.Authenticator;
import io.silo.http.server.Actors;
import io.silo.http.server.Bodies;
import io.silo.http.server.Endpoints;
import io.silo.http.server.Exchange;
import io.silo.http.server.Routes;
import io.silo.identity.User;
import io.silo.postgres.control.InvitationStore.Invitation;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;

/**
 * Invitations by mail: {@code POST/GET /api/invitations} and {@code DELETE /api/invitations/{id}}
 * for an organization's administrators, {@code POST /api/invitations/accept} for whoever holds the
 * mailed token.
 *
 * <p>Thread-safe.
 */
public final class InvitationEndpoints implements Endpoints {
    private final Invitations invitations;
    private final Authenticator authenticator;

    public InvitationEndpoints(Invitations invitations, Authenticator authenticator) {
        this.invitations = invitations;
        this.authenticator = authenticator;
    }

    record InviteBody(String email, JsonNode services) {}

    record AcceptBody(String token, String name, String username, String password) {
        @Override
        public String toString() {
            return "AcceptBody[" + username + "]";
        }
    }

    @Override
    public void register(Routes routes) {
        routes.post("/api/invitations", this::invite);
        routes.get("/api/invitations", exchange -> {
            Principal.Member admin = admin(exchange);
            exchange.json(Map.of(
                    "items",
                    invitations.pending(admin).stream()
                            .map(InvitationEndpoints::json)
                            .toList()));
        });
        routes.delete("/api/invitations/{id}", exchange -> {
            invitations.revoke(admin(exchange), Ids.parse(exchange.pathParam("id"), "id"));
            exchange.status(204);
        });
        routes.post("/api/invitations/accept", this::accept);
    }

    private void invite(Exchange exchange) {
        Principal.Member admin = admin(exchange);
        InviteBody body = Bodies.read(exchange, InviteBody.class);
        Invitation invitation = invitations.invite(
                admin,
                body.email() == null ? "" : body.email(),
                body.services() == null ? NullNode.getInstance() : body.services());
        exchange.status(201).json(json(invitation));
    }

    private void accept(Exchange exchange) {
        AcceptBody body = Bodies.read(exchange, AcceptBody.class);
        User user = invitations.accept(
                text(body.token()),
                text(body.password()),
                text(body.name()),
                Optional.ofNullable(body.username()),
                Actors.anonymous(exchange, ""));
        exchange.status(201).json(UserJson.of(user));
    }

    private Principal.Member admin(Exchange exchange) {
        return Access.requireOrgAdmin(authenticator.require(exchange));
    }

    private static Map<String, Object> json(Invitation invitation) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", invitation.id().toString());
        body.put("email", invitation.email());
        body.put("services", invitation.roles());
        body.put("invitedBy", invitation.invitedBy().toString());
        body.put("expiresAt", invitation.expiresAt().toString());
        body.put("createdAt", invitation.createdAt().toString());
        return body;
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }
}
