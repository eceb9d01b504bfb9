package io.silo.http.admin;

import io.silo.crypto.Ids;
import io.silo.http.auth.Authenticator;
import io.silo.http.server.Endpoints;
import io.silo.http.server.Exchange;
import io.silo.http.server.Paging;
import io.silo.http.server.Routes;
import io.silo.postgres.control.AuditLog;
import io.silo.postgres.jdbc.Cursors;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code GET /api/admin/activity}: the master audit log, newest first, for platform administrators;
 * {@code ?tenant=<id>} narrows it to one organization, {@code ?cursor=} (a page's {@code nextCursor}) pages back.
 *
 * <p>Thread-safe.
 */
public final class AuditEndpoints implements Endpoints {
    private final AuditLog audit;
    private final Authenticator authenticator;

    public AuditEndpoints(AuditLog audit, Authenticator authenticator) {
        this.audit = audit;
        this.authenticator = authenticator;
    }

    @Override
    public void register(Routes routes) {
        routes.get("/api/admin/activity", this::list);
    }

    private void list(Exchange exchange) {
        authenticator.platformAdmin(exchange);
        int limit = Paging.limit(exchange, 50, 500);
        // one more than a page: a next page exists only when that one does, so the last page is never empty
        List<AuditLog.Record> records = audit.page(
                before(exchange.query("cursor").orElse(null)),
                uuid(exchange.query("tenant").orElse(null)),
                limit + 1);
        List<AuditLog.Record> page = records.subList(0, Math.min(limit, records.size()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", page.stream().map(AuditEndpoints::json).toList());
        body.put(
                "nextCursor",
                records.size() > limit ? Cursors.encode(page.getLast().id()) : null);
        exchange.json(body);
    }

    private static Map<String, Object> json(AuditLog.Record record) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", record.id());
        body.put("at", record.at().toString());
        body.put(
                "actor",
                Map.of(
                        "kind",
                        record.entry().actor().kind(),
                        "id",
                        nullToEmpty(record.entry().actor().id()),
                        "name",
                        nullToEmpty(record.entry().actor().name())));
        body.put("action", record.entry().action());
        body.put(
                "target",
                Map.of(
                        "kind",
                        nullToEmpty(record.entry().targetKind()),
                        "id",
                        nullToEmpty(record.entry().targetId())));
        body.put("tenantId", record.entry().tenantId().map(UUID::toString).orElse(null));
        body.put("details", record.entry().details());
        body.put("clientAddress", record.entry().actor().clientAddress());
        body.put("userAgent", record.entry().actor().userAgent());
        body.put("requestId", record.entry().actor().requestId());
        return body;
    }

    private static String nullToEmpty(String text) {
        return text == null ? "" : text;
    }

    private static Optional<Long> before(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(Cursors.decode(cursor, 1, parts -> Long.parseLong(parts[0])));
    }

    private static Optional<UUID> uuid(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(Ids.parse(text, "tenant"));
    }
}
