package io.silo.http.data;

import io.silo.app.access.Access;
import io.silo.app.activity.Activity;
import io.silo.app.session.Principal;
import io.silo.http.auth.Authenticator;
import io.silo.http.server.Endpoints;
import io.silo.http.server.Exchange;
import io.silo.http.server.Paging;
import io.silo.http.server.Routes;
import io.silo.postgres.activity.ActivityEntry;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /api/activity}: the organization's activity log, newest first, for its admins
 * ({@link Activity}).
 *
 * <p>Thread-safe.
 */
public final class ActivityEndpoints implements Endpoints {
    private final Authenticator authenticator;
    private final Activity activity;

    public ActivityEndpoints(Authenticator authenticator, Activity activity) {
        this.authenticator = authenticator;
        this.activity = activity;
    }

    @Override
    public void register(Routes routes) {
        routes.get("/api/activity", this::list);
    }

    private void list(Exchange exchange) {
        Principal.Member admin = Access.requireOrgAdmin(authenticator.require(exchange));
        Activity.Page page = activity.list(
                admin, exchange.query("service"), exchange.query("cursor"), Paging.limit(exchange, 50, 500));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", page.items().stream().map(ActivityEndpoints::json).toList());
        body.put("nextCursor", page.nextCursor().orElse(null));
        exchange.json(body);
    }

    private static Map<String, Object> json(ActivityEntry entry) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("at", entry.at().map(Instant::toString).orElse(null));
        body.put("service", entry.service());
        body.put("action", entry.action());
        body.put("userId", entry.userId().map(Object::toString).orElse(null));
        body.put("username", entry.username().orElse(null));
        body.put("role", entry.role().orElse(null));
        body.put("targetType", entry.targetType());
        body.put("targetId", entry.targetId());
        body.put("targetName", entry.targetName().orElse(null));
        body.put("details", entry.details());
        body.put("ipAddress", entry.ipAddress());
        body.put("userAgent", entry.userAgent());
        body.put("requestId", entry.requestId());
        return body;
    }
}
