package io.silo.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import tools.jackson.databind.JsonNode;

/**
 * The users of an organization: the caller's own ({@code /api/users}, for its administrators), or any
 * organization's for a platform administrator ({@code /api/admin/organizations/{org}/users}).
 *
 * <p>Thread-safe.
 */
public final class Users {
    private final Transport transport;
    private final String path;

    Users(Transport transport, String path) {
        this.transport = transport;
        this.path = path;
    }

    /**
     * One page of users, oldest first; {@code status} is {@code active} or {@code disabled}, {@code
     * search} matches email, username or name.
     */
    public Page<User> list(
            Optional<String> status, Optional<String> search, OptionalInt limit, Optional<String> cursor) {
        Transport.Call call = Transport.Call.of("GET", path)
                .query("status", status)
                .query("q", search)
                .query("limit", limit.isPresent() ? Optional.of(limit.getAsInt()) : Optional.empty())
                .query("cursor", cursor);
        JsonNode page = transport.sendJson(call);
        List<User> users = new ArrayList<>();
        page.path("items").forEach(item -> users.add(user(item)));
        JsonNode next = page.path("nextCursor");
        return new Page<>(users, next.isString() ? Optional.of(next.asString()) : Optional.empty());
    }

    /** The first page of all users. */
    public Page<User> list() {
        return list(Optional.empty(), Optional.empty(), OptionalInt.empty(), Optional.empty());
    }

    public User get(String id) {
        return user(transport.sendJson(Transport.Call.of("GET", user(id))));
    }

    public User create(NewUser user) {
        return user(transport.sendJson(transport.json(Transport.Call.of("POST", path), user.body())));
    }

    /**
     * Changes the named fields ({@code name}, {@code email}, {@code username}, {@code status}, {@code
     * services}, {@code password}, {@code profile}); a {@code null} value removes one where allowed.
     */
    public User update(String id, Map<String, ?> changes) {
        return user(transport.sendJson(transport.json(Transport.Call.of("PATCH", user(id)), changes)));
    }

    public void delete(String id) {
        transport.send(Transport.Call.of("DELETE", user(id)));
    }

    private String user(String id) {
        return path + "/" + Transport.segment(id);
    }

    private User user(JsonNode node) {
        return transport.mapper().treeToValue(node, User.class);
    }
}
