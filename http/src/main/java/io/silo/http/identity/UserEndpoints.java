package io.silo.http.identity;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.silo.app.access.Access;
import io.silo.app.identity.NewMember;
import io.silo.app.identity.Users;
import io.silo.app.session.Principal;
import io.silo.crypto.Ids;
import io.silo.http.auth.Authenticator;
import io.silo.http.server.Actors;
import io.silo.http.server.Bodies;
import io.silo.http.server.Endpoints;
import io.silo.http.server.Paging;
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
 * {@code POST/GET /api/users}, {@code GET/PATCH/DELETE /api/users/{id}}. A user id of another
 * organization is simply not found: each organization's users live in its own core database.
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
    record CreateBody(
            String email, String username, String name, String password, JsonNode services, JsonNode profile) {
        NewMember command() {
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
    public void register(RoutesConfig routes) {
        routes.post("/api/users", this::create);
        routes.get("/api/users", this::list);
        routes.get("/api/users/{id}", ctx -> ctx.json(UserJson.of(users.get(admin(ctx), id(ctx)))));
        routes.patch("/api/users/{id}", ctx -> {
            Principal.Member admin = admin(ctx);
            ctx.json(UserJson.of(users.update(admin, id(ctx), Bodies.tree(ctx), Actors.of(ctx, admin))));
        });
        routes.delete("/api/users/{id}", ctx -> {
            Principal.Member admin = admin(ctx);
            users.delete(admin, id(ctx), Actors.of(ctx, admin));
            ctx.status(204);
        });
    }

    private void create(Context ctx) {
        Principal.Member admin = admin(ctx);
        User user = users.create(admin, Bodies.read(ctx, CreateBody.class).command(), Actors.of(ctx, admin));
        ctx.header("Location", "/api/users/" + user.id());
        ctx.status(201).json(UserJson.of(user));
    }

    private void list(Context ctx) {
        Principal.Member admin = admin(ctx);
        UserStore.Page page = users.list(
                admin,
                Optional.ofNullable(ctx.queryParam("status")).filter(text -> !text.isBlank()),
                Optional.ofNullable(ctx.queryParam("q")).filter(text -> !text.isBlank()),
                Optional.ofNullable(ctx.queryParam("cursor")).filter(text -> !text.isBlank()),
                Paging.limit(ctx, 50, 500));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", page.items().stream().map(UserJson::of).toList());
        body.put("nextCursor", page.nextCursor().orElse(null));
        ctx.json(body);
    }

    private Principal.Member admin(Context ctx) {
        return Access.requireOrgAdmin(authenticator.require(ctx));
    }

    private static UUID id(Context ctx) {
        return Ids.parse(ctx.pathParam("id"), "id");
    }
}
