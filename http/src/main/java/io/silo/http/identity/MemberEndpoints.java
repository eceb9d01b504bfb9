package io.silo.http.identity;

import io.silo.app.identity.Members;
import io.silo.crypto.Ids;
import io.silo.http.auth.Authenticator;
import io.silo.http.server.Endpoints;
import io.silo.http.server.Exchange;
import io.silo.http.server.Paging;
import io.silo.http.server.Routes;
import io.silo.postgres.identity.UserStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The member list, for members whose roles may see it, always of their own organization:
 * {@code GET /api/members} and {@code GET /api/members/{id}}, public profiles only.
 *
 * <p>Thread-safe.
 */
public final class MemberEndpoints implements Endpoints {
    private final Members members;
    private final Authenticator authenticator;

    public MemberEndpoints(Members members, Authenticator authenticator) {
        this.members = members;
        this.authenticator = authenticator;
    }

    @Override
    public void register(Routes routes) {
        routes.get("/api/members", this::list);
        routes.get(
                "/api/members/{id}",
                exchange -> exchange.json(UserJson.member(
                        members.get(authenticator.member(exchange), Ids.parse(exchange.pathParam("id"), "id")))));
    }

    private void list(Exchange exchange) {
        UserStore.ProfilePage page = members.list(
                authenticator.member(exchange),
                new UserStore.ProfileQuery(
                        given(exchange, "q"),
                        given(exchange, "service"),
                        given(exchange, "role"),
                        given(exchange, "cursor"),
                        Paging.limit(exchange, 50, 500)));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", page.items().stream().map(UserJson::member).toList());
        body.put("nextCursor", page.nextCursor().orElse(null));
        exchange.json(body);
    }

    private static Optional<String> given(Exchange exchange, String name) {
        return exchange.query(name).filter(text -> !text.isBlank());
    }
}
