package io.silo.http.identity;

import io.silo.app.identity.NewMember;
import io.silo.app.identity.Steward;
import io.silo.app.identity.Users;
import io.silo.app.session.Principal;
import io.silo.crypto.Ids;
import io.silo.http.auth.Authenticator;
import io.silo.http.server.Actors;
import io.silo.http.server.Bodies;
import io.silo.http.server.Endpoints;
import io.silo.http.server.Exchange;
import io.silo.http.server.Paging;
import io.silo.http.server.Routes;
import io.silo.identity.User;
import io.silo.json.Json;
import io.silo.postgres.identity.UserStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;

/**
 * The user routes, for administrators of an organization, always on their own organization:
 * {@code POST/GET /api/users}, {@code GET/PATCH/DELETE /api/users/{id}}; and for members whose role
 * manages lower roles of a service ({@code manages} in its template), within those roles only
 * ({@link Steward.ServiceManager}). A user id of another organization is simply not found: each
 * organization's users live in its own core database.
 *
 * <p>Thread-safe.
 */
public final class UserEndpoints implements Endpoints {
    private final Users users;
    private final Authenticator authenticator;

    public UserEndpoints(Users users, Authenticator authenticator) {
        this.users = users;
        this.authenticator = authenticator;
    }

    /**
     * {@code POST /api/users}.
     *
     * @param services {@code {"billing": "manager", "crm": null}} (null: the service's default role) or {@code ["billing", "crm"]}
     */
    public record CreateBody(
            String email, String username, String name, String password, JsonNode services, JsonNode profile) {
        public NewMember command() {
            return new NewMember(
                    Optional.ofNullable(email),
                    Optional.ofNullable(username),
                    name == null ? "" : name,
                    password == null ? "" : password,
                    services == null ? NullNode.getInstance() : services,
                    profile == null ? Json.object() : profile);
        }

        @Override
        public String toString() {
            return "CreateBody[" + email + " " + username + "]";
        }
    }

    @Override
    public void register(Routes routes) {
        routes.post("/api/users", this::create);
        routes.get("/api/users", this::list);
        routes.get(
                "/api/users/{id}", exchange -> exchange.json(UserJson.of(users.get(steward(exchange), id(exchange)))));
        routes.patch("/api/users/{id}", exchange -> {
            Principal principal = authenticator.require(exchange);
            exchange.json(UserJson.of(users.update(
                    users.steward(principal), id(exchange), Bodies.tree(exchange), Actors.of(exchange, principal))));
        });
        routes.delete("/api/users/{id}", exchange -> {
            Principal principal = authenticator.require(exchange);
            users.delete(users.steward(principal), id(exchange), Actors.of(exchange, principal));
            exchange.status(204);
        });
    }

    private void create(Exchange exchange) {
        Principal principal = authenticator.require(exchange);
        User user = users.create(
                users.steward(principal),
                Bodies.read(exchange, CreateBody.class).command(),
                Actors.of(exchange, principal));
        exchange.header("Location", "/api/users/" + user.id());
        exchange.status(201).json(UserJson.of(user));
    }

    private void list(Exchange exchange) {
        UserStore.Page page = users.list(
                steward(exchange),
                exchange.query("status").filter(text -> !text.isBlank()),
                exchange.query("q").filter(text -> !text.isBlank()),
                exchange.query("cursor").filter(text -> !text.isBlank()),
                Paging.limit(exchange, 50, 500));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", page.items().stream().map(UserJson::of).toList());
        body.put("nextCursor", page.nextCursor().orElse(null));
        exchange.json(body);
    }

    private Steward steward(Exchange exchange) {
        return users.steward(authenticator.require(exchange));
    }

    private static UUID id(Exchange exchange) {
        return Ids.parse(exchange.pathParam("id"), "id");
    }
}
