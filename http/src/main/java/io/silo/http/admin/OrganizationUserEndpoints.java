package io.silo.http.admin;

import io.silo.app.identity.Steward;
import io.silo.app.identity.UserOperation;
import io.silo.app.identity.Users;
import io.silo.app.organization.Organizations;
import io.silo.app.session.Principal;
import io.silo.crypto.Ids;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.http.auth.Authenticator;
import io.silo.http.identity.UserEndpoints;
import io.silo.http.identity.UserJson;
import io.silo.http.server.Actors;
import io.silo.http.server.Bodies;
import io.silo.http.server.Endpoints;
import io.silo.http.server.Exchange;
import io.silo.http.server.Paging;
import io.silo.http.server.Problems;
import io.silo.http.server.Routes;
import io.silo.json.Json;
import io.silo.postgres.identity.UserStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * A platform administrator managing any organization's users, one at a time or in bulk:
 * {@code /api/admin/organizations/{org}/users} and {@code /{id}} answer as {@code /api/users} does
 * for the organization's own administrators (the same {@link Users}, with the same checks:
 * quota, roles, the last administrator), and {@code POST …/users/_bulk} applies up to 100
 * creations, changes and deletions, each on its own ({@link Users#bulk}). {@code {org}} is the
 * organization's id, slug or external id. Every change is recorded in the organization's activity
 * log and the master audit log ({@code tenant.user.create}, {@code …update}, {@code …delete}).
 *
 * <p>Thread-safe.
 */
public final class OrganizationUserEndpoints implements Endpoints {
    private static final String USERS = "/api/admin/organizations/{org}/users";

    private final Users users;
    private final Organizations organizations;
    private final Authenticator authenticator;

    public OrganizationUserEndpoints(Users users, Organizations organizations, Authenticator authenticator) {
        this.users = users;
        this.organizations = organizations;
        this.authenticator = authenticator;
    }

    @Override
    public void register(Routes routes) {
        routes.post(USERS + "/_bulk", this::bulk);
        routes.post(USERS, this::create);
        routes.get(USERS, this::list);
        routes.get(USERS + "/{id}", exchange -> exchange.json(UserJson.of(users.get(steward(exchange), id(exchange)))));
        routes.patch(USERS + "/{id}", exchange -> {
            Steward.Platform steward = steward(exchange);
            exchange.json(UserJson.of(
                    users.update(steward, id(exchange), Bodies.tree(exchange), Actors.of(exchange, steward.admin()))));
        });
        routes.delete(USERS + "/{id}", exchange -> {
            Steward.Platform steward = steward(exchange);
            users.delete(steward, id(exchange), Actors.of(exchange, steward.admin()));
            exchange.status(204);
        });
    }

    private void create(Exchange exchange) {
        Steward.Platform steward = steward(exchange);
        var user = users.create(
                steward,
                Bodies.read(exchange, UserEndpoints.CreateBody.class).command(),
                Actors.of(exchange, steward.admin()));
        exchange.header("Location", exchange.path() + "/" + user.id());
        exchange.status(201).json(UserJson.of(user));
    }

    /** As {@code GET /api/users}, and {@code service} keeps those who hold a role in it. */
    private void list(Exchange exchange) {
        Steward.Platform steward = steward(exchange);
        Optional<String> service = exchange.query("service").filter(text -> !text.isBlank());
        UserStore.Page page = users.list(
                steward,
                exchange.query("status").filter(text -> !text.isBlank()),
                exchange.query("q").filter(text -> !text.isBlank()),
                exchange.query("cursor").filter(text -> !text.isBlank()),
                Paging.limit(exchange, 50, 500));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(
                "items",
                page.items().stream()
                        .filter(user -> service.map(user.roles()::containsKey).orElse(true))
                        .map(UserJson::of)
                        .toList());
        body.put("nextCursor", page.nextCursor().orElse(null));
        exchange.json(body);
    }

    private void bulk(Exchange exchange) {
        Steward.Platform steward = steward(exchange);
        List<UserOperation> operations = operations(Bodies.tree(exchange));
        List<UserOperation.Outcome> outcomes = users.bulk(steward, operations, Actors.of(exchange, steward.admin()));
        List<Map<String, Object>> results = new ArrayList<>();
        for (UserOperation.Outcome outcome : outcomes) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("index", outcome.index());
            result.put("op", outcome.operation().op());
            outcome.problem()
                    .ifPresentOrElse(
                            problem -> {
                                Map<String, Object> document = Problems.embedded(problem, exchange);
                                result.put("status", document.get("status"));
                                result.put("problem", document);
                            },
                            () -> {
                                result.put("status", outcome.operation() instanceof UserOperation.Create ? 201 : 200);
                                outcome.user().ifPresent(user -> result.put("user", UserJson.of(user)));
                            });
            results.add(result);
        }
        long succeeded =
                outcomes.stream().filter(UserOperation.Outcome::succeeded).count();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("succeeded", succeeded);
        body.put("failed", outcomes.size() - succeeded);
        body.put("results", results);
        exchange.json(body);
    }

    /** {@code {"operations": [{"op": "create", "user": {…}}, {"op": "update", "id", "changes": {…}}, {"op": "delete", "id"}]}}. */
    private static List<UserOperation> operations(JsonNode body) {
        JsonNode list = body.path("operations");
        if (!list.isArray()) {
            throw invalid("the body must be {\"operations\": [...]}", Optional.empty(), "operations");
        }
        if (list.isEmpty() || list.size() > Users.MAX_BULK) {
            throw invalid(
                    "a bulk request carries 1 to " + Users.MAX_BULK + " operations, not " + list.size(),
                    Optional.empty(),
                    "operations");
        }
        List<UserOperation> out = new ArrayList<>();
        for (int index = 0; index < list.size(); index++) {
            out.add(operation(list.get(index), index));
        }
        return out;
    }

    private static UserOperation operation(JsonNode item, int index) {
        if (!item.isObject()) {
            throw invalid("each operation is an object with its op", Optional.of(index), "op");
        }
        String op = item.path("op").asString("");
        return switch (op) {
            case "create" -> {
                JsonNode user = item.path("user");
                if (!user.isObject()) {
                    throw invalid("a create carries the new user in 'user'", Optional.of(index), "user");
                }
                yield new UserOperation.Create(Json.mapper()
                        .treeToValue(user, UserEndpoints.CreateBody.class)
                        .command());
            }
            case "update" -> {
                JsonNode changes = item.path("changes");
                if (!changes.isObject()) {
                    throw invalid("an update carries its patch in 'changes'", Optional.of(index), "changes");
                }
                yield new UserOperation.Update(userId(item, index), changes);
            }
            case "delete" -> new UserOperation.Delete(userId(item, index));
            default -> throw invalid("op must be create, update or delete", Optional.of(index), "op");
        };
    }

    private static UUID userId(JsonNode item, int index) {
        try {
            return Ids.parse(item.path("id").asString(""), "id");
        } catch (SiloException e) {
            throw e.with("operation", index);
        }
    }

    private static SiloException invalid(String why, Optional<Integer> index, String field) {
        SiloException e = ProblemType.INVALID_BATCH.exception(why).with("field", field);
        return index.map(at -> e.with("operation", at)).orElse(e);
    }

    private Steward.Platform steward(Exchange exchange) {
        Principal.PlatformAdmin admin = authenticator.platformAdmin(exchange);
        return new Steward.Platform(
                admin, organizations.get(exchange.pathParam("org")).id());
    }

    private static UUID id(Exchange exchange) {
        return Ids.parse(exchange.pathParam("id"), "id");
    }
}
