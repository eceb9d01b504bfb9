package io.silo.http.health;

import io.silo.app.access.Access;
import io.silo.app.admission.TenantGate;
import io.silo.app.session.Principal;
import io.silo.error.SiloException;
import io.silo.http.auth.Authenticator;
import io.silo.http.server.Endpoints;
import io.silo.http.server.Exchange;
import io.silo.http.server.Routes;
import io.silo.postgres.placement.Placement;
import io.silo.postgres.placement.ServiceDatabase;
import io.silo.postgres.routing.TenantConnections;
import io.silo.template.RoleSpec;
import io.silo.template.ServiceTemplate;
import io.silo.template.TemplateCatalog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/health/tenant}: for each database of the caller's organization, whether it
 * answers (through the same pool and role as the data plane), how fast, how large, and at which
 * schema version. {@code GET /api/health/tenant/collections}: the collections of each database
 * with their estimated document counts.
 *
 * <p>Thread-safe.
 */
public final class TenantHealthEndpoints implements Endpoints {
    private static final Logger log = LoggerFactory.getLogger(TenantHealthEndpoints.class);

    private final Authenticator authenticator;
    private final TenantGate gate;
    private final TenantConnections connections;
    private final TemplateCatalog templates;

    public TenantHealthEndpoints(
            Authenticator authenticator, TenantGate gate, TenantConnections connections, TemplateCatalog templates) {
        this.authenticator = authenticator;
        this.gate = gate;
        this.connections = connections;
        this.templates = templates;
    }

    @Override
    public void register(Routes routes) {
        routes.get("/api/health/tenant", this::health);
        routes.get("/api/health/tenant/collections", this::collections);
    }

    private void health(Exchange exchange) {
        Principal.Member member = authenticator.member(exchange);
        Placement placement = gate.admit(member);
        // where the databases live is the organization administrator's business, not every member's
        boolean administrator = Access.ORG_ADMIN.equals(member.roles().get(ServiceTemplate.CORE));
        List<Map<String, Object>> databases = new ArrayList<>();
        boolean allUp = true;
        for (ServiceDatabase database : placement.databases().values()) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("service", database.service());
            if (administrator) {
                body.put("database", database.database());
                body.put("cluster", database.clusterId());
            }
            body.put("schemaVersion", database.schemaVersion());
            long start = System.nanoTime();
            try {
                long size = connections.inTransaction(
                        member.tenantId(),
                        database.service(),
                        handle -> handle.queryOne("SELECT pg_database_size(current_database())", row -> row.getLong(1))
                                .orElse(0L));
                body.put("connected", true);
                if (administrator) {
                    body.put("sizeBytes", size);
                }
            } catch (SiloException e) {
                allUp = false;
                body.put("connected", false);
                // the type tells the member what kind of trouble; the text (SQL, hosts, role names) stays in the log
                body.put("error", e.type());
                log.warn(
                        "health check of {} database of {} failed: {}",
                        database.service(),
                        placement.slug(),
                        e.getMessage());
            }
            body.put("latencyMs", (System.nanoTime() - start) / 1_000_000);
            databases.add(body);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("organization", placement.slug());
        body.put("status", allUp ? "ready" : "degraded");
        body.put("databases", databases);
        exchange.status(allUp ? 200 : 503).json(body);
    }

    /** Only the services the caller has a role in, and only the collections that role may read. */
    private void collections(Exchange exchange) {
        Principal.Member member = authenticator.member(exchange);
        Placement placement = gate.admit(member);
        List<Map<String, Object>> databases = new ArrayList<>();
        for (ServiceDatabase database : placement.databases().values()) {
            Optional<RoleSpec> role = Optional.ofNullable(member.roles().get(database.service()))
                    .flatMap(name -> templates.find(database.service()).flatMap(template -> template.role(name)));
            if (role.isEmpty()) {
                continue;
            }
            List<String> names = templates
                    .find(database.service())
                    .map(template -> template.collections().keySet().stream()
                            .filter(role.get()::mayRead)
                            .toList())
                    .orElse(List.of());
            // reltuples is -1 until a table is first analysed (a small one written by the API may never
            // be): the statistics collector's live-row count stands in, a little behind the commits
            Map<String, Long> estimates = new LinkedHashMap<>();
            connections.inTransaction(
                    member.tenantId(),
                    database.service(),
                    handle -> handle.query("""
                    SELECT c.relname,
                           CASE WHEN c.reltuples < 0 THEN coalesce(s.n_live_tup, 0)
                                ELSE c.reltuples END::bigint
                    FROM pg_class c
                    JOIN pg_namespace n ON n.oid = c.relnamespace
                    LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
                    WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname = ANY(?)
                    """, row -> estimates.put(row.getString(1), row.getLong(2)), (Object)
                            names.toArray(String[]::new)));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("service", database.service());
            body.put("database", database.database());
            body.put(
                    "collections",
                    names.stream()
                            .map(name -> Map.of("name", name, "estimatedDocuments", estimates.getOrDefault(name, 0L)))
                            .toList());
            body.put("totalCollections", names.size());
            databases.add(body);
        }
        exchange.json(Map.of("organization", placement.slug(), "databases", databases));
    }
}
