package io.silo.http.data;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.silo.app.access.Access;
import io.silo.app.admission.TenantGate;
import io.silo.app.session.Principal;
import io.silo.error.SiloException;
import io.silo.http.auth.Authenticator;
import io.silo.http.server.Endpoints;
import io.silo.http.server.Paging;
import io.silo.postgres.activity.ActivityEntry;
import io.silo.postgres.activity.ActivityLog;
import io.silo.postgres.identity.UserStore;
import io.silo.postgres.jdbc.Cursors;
import io.silo.postgres.placement.Placement;
import io.silo.postgres.routing.TenantConnections;
import io.silo.template.ServiceTemplate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /api/activity}: the organization's activity log, newest first, for its admins.
 * Each database keeps the log of its own changes (written in the same transaction), so a page
 * is merged from the newest entries of each of the organization's databases; the cursor keeps
 * the merge position, so pages neither repeat nor skip.
 *
 * <p>Thread-safe.
 */
public final class ActivityEndpoints implements Endpoints {
    private final Authenticator authenticator;
    private final TenantGate gate;
    private final TenantConnections connections;
    private final ActivityLog activity;
    private final UserStore users;

    public ActivityEndpoints(
            Authenticator authenticator,
            TenantGate gate,
            TenantConnections connections,
            ActivityLog activity,
            UserStore users) {
        this.authenticator = authenticator;
        this.gate = gate;
        this.connections = connections;
        this.activity = activity;
        this.users = users;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/api/activity", this::list);
    }

    private void list(Context ctx) {
        Principal.Member member = Access.requireOrgAdmin(authenticator.require(ctx));
        Placement placement = gate.admit(member);
        // the token may predate a demotion: the core database has the last word, as for the users routes
        boolean stillAdmin = connections.inTransaction(
                member.tenantId(),
                ServiceTemplate.CORE,
                core -> users.find(core, member.id())
                        .filter(user -> user.active()
                                && Access.ORG_ADMIN.equals(user.roles().get(ServiceTemplate.CORE)))
                        .isPresent());
        if (!stillAdmin) {
            throw SiloException.forbidden(
                    "org-admin-required", "you are no longer an administrator of this organization");
        }
        int limit = Paging.limit(ctx, 50, 500);
        Optional<Position> after = Optional.ofNullable(ctx.queryParam("cursor"))
                .filter(text -> !text.isBlank())
                .map(Position::decode);
        List<String> services = Optional.ofNullable(ctx.queryParam("service"))
                .map(List::of)
                .orElseGet(() -> List.copyOf(placement.databases().keySet()));
        List<Position> merged = new ArrayList<>();
        for (String service : services) {
            if (placement.database(service).isEmpty()) {
                throw SiloException.notFound(
                                "service-not-enabled",
                                "organization " + placement.slug() + " does not use '" + service + "'")
                        .with("service", service);
            }
            List<ActivityEntry> entries = connections.inTransaction(
                    member.tenantId(),
                    service,
                    handle -> activity.page(
                            handle, after.map(Position::at), after.map(position -> position.idBefore(service)), limit));
            entries.forEach(entry -> merged.add(
                    new Position(entry.at().orElseThrow(), service, entry.id().orElseThrow(), entry)));
        }
        merged.sort(Comparator.comparing(Position::at)
                .thenComparing(Position::service)
                .thenComparing(Position::id)
                .reversed());
        List<Position> page = merged.subList(0, Math.min(limit, merged.size()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", page.stream().map(position -> json(position.entry())).toList());
        body.put("nextCursor", merged.size() > limit ? page.getLast().encode() : null);
        ctx.json(body);
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

    /** A place in the merged log: entries sort by time, then service, then id; all descending. */
    private record Position(Instant at, String service, long id, ActivityEntry entry) {
        /** In {@code other}'s log, the ids to skip at this very instant: all for services sorting after ours. */
        long idBefore(String other) {
            int order = other.compareTo(service);
            return order == 0 ? id : order < 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
        }

        String encode() {
            return Cursors.encode(at, service, id);
        }

        static Position decode(String text) {
            return Cursors.decode(
                    text, 3, parts -> new Position(Instant.parse(parts[0]), parts[1], Long.parseLong(parts[2]), null));
        }
    }
}
