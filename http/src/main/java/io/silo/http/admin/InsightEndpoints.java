package io.silo.http.admin;

import io.silo.app.cluster.StorageSizes;
import io.silo.error.ProblemType;
import io.silo.http.auth.Authenticator;
import io.silo.http.server.Endpoints;
import io.silo.http.server.Exchange;
import io.silo.http.server.Paging;
import io.silo.http.server.RequestHistory;
import io.silo.http.server.Routes;
import io.silo.postgres.control.TenantStore;
import io.silo.tenant.Tenant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The figures of the admin console's overview, for platform administrators: {@code GET
 * /api/admin/metrics/history}, this instance's requests and errors per minute over the last hour
 * ({@link RequestHistory}); {@code GET /api/admin/storage}, the organizations by the size of their
 * databases, largest first ({@link StorageSizes}, measured at most every five minutes).
 *
 * <p>Thread-safe.
 */
public final class InsightEndpoints implements Endpoints {
    private final RequestHistory history;
    private final StorageSizes storage;
    private final TenantStore tenants;
    private final Authenticator authenticator;

    public InsightEndpoints(
            RequestHistory history, StorageSizes storage, TenantStore tenants, Authenticator authenticator) {
        this.history = history;
        this.storage = storage;
        this.tenants = tenants;
        this.authenticator = authenticator;
    }

    @Override
    public void register(Routes routes) {
        routes.get("/api/admin/metrics/history", this::history);
        routes.get("/api/admin/storage", this::storage);
    }

    private void history(Exchange exchange) {
        authenticator.platformAdmin(exchange);
        exchange.json(Map.of(
                "minutes",
                history.lastHour().stream()
                        .map(minute -> Map.of(
                                "at", minute.at().toString(),
                                "requests", minute.requests(),
                                "clientErrors", minute.clientErrors(),
                                "errors", minute.errors()))
                        .toList()));
    }

    private void storage(Exchange exchange) {
        authenticator.platformAdmin(exchange);
        int limit = Paging.limit(exchange, 10, 500);
        Optional<Tenant> only = exchange.query("organization")
                .filter(text -> !text.isBlank())
                .map(text -> tenants.resolve(text)
                        .orElseThrow(() -> ProblemType.ORGANIZATION_NOT_FOUND.exception("no organization " + text)));
        StorageSizes.Snapshot snapshot =
                only.map(tenant -> storage.including(tenant.id())).orElseGet(storage::current);
        List<Map<String, Object>> organizations = snapshot.organizations().stream()
                .filter(size ->
                        only.map(tenant -> tenant.id().equals(size.id())).orElse(true))
                .limit(limit)
                .map(InsightEndpoints::organization)
                .toList();
        exchange.json(Map.of("computedAt", snapshot.computedAt().toString(), "organizations", organizations));
    }

    private static Map<String, Object> organization(StorageSizes.OrganizationSize size) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", size.id().toString());
        body.put("slug", size.slug());
        body.put("name", size.name());
        body.put("bytes", size.bytes());
        body.put(
                "databases",
                size.databases().stream()
                        .map(database -> {
                            Map<String, Object> row = new LinkedHashMap<>();
                            row.put("service", database.service());
                            row.put("cluster", database.cluster());
                            row.put("name", database.name());
                            row.put("bytes", database.bytes().orElse(null));
                            return row;
                        })
                        .toList());
        return body;
    }
}
