package io.silo.http.admin;

import io.silo.app.cluster.ClusterChange;
import io.silo.app.cluster.ClusterRegistry;
import io.silo.app.cluster.NewCluster;
import io.silo.app.session.Principal;
import io.silo.cluster.Cluster;
import io.silo.http.auth.Authenticator;
import io.silo.http.server.Actors;
import io.silo.http.server.Bodies;
import io.silo.http.server.Endpoints;
import io.silo.http.server.Routes;
import io.silo.postgres.jdbc.JdbcUrls;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /api/admin/clusters}: the registry of clusters; {@code POST /api/admin/clusters}: a
 * platform administrator registers a cluster, checked before it is stored; {@code PATCH /api/admin/clusters/{id}}:
 * a platform administrator stops or resumes placing new organizations on a cluster, relabels it, or
 * changes its capacity or connection budget; {@code POST …/{id}/rotate-password} gives a cluster
 * registered at run time a new administrative password;
 * {@code DELETE /api/admin/clusters/{id}} removes one that keeps no tenant database.
 * Their probe is {@code /api/admin/clusters/health} ({@link io.silo.http.health.HealthEndpoints}).
 *
 * <p>Thread-safe.
 */
public final class ClusterEndpoints implements Endpoints {
    private final ClusterRegistry clusters;
    private final Authenticator authenticator;

    public ClusterEndpoints(ClusterRegistry clusters, Authenticator authenticator) {
        this.clusters = clusters;
        this.authenticator = authenticator;
    }

    @Override
    public void register(Routes routes) {
        routes.get("/api/admin/clusters", exchange -> {
            authenticator.platformAdmin(exchange);
            exchange.json(
                    Map.of("clusters", clusters.list().stream().map(this::body).toList()));
        });
        routes.post("/api/admin/clusters", exchange -> {
            Principal admin = authenticator.platformAdmin(exchange);
            NewCluster candidate = NewCluster.fromJson(Bodies.tree(exchange), clusters.defaultBudget());
            Cluster cluster = clusters.register(candidate, Actors.of(exchange, admin));
            exchange.header("Location", "/api/admin/clusters/" + cluster.id());
            exchange.status(201).json(body(cluster));
        });
        routes.post("/api/admin/clusters/{id}/rotate-password", exchange -> {
            Principal admin = authenticator.platformAdmin(exchange);
            exchange.json(body(clusters.rotatePassword(exchange.pathParam("id"), Actors.of(exchange, admin))));
        });
        routes.delete("/api/admin/clusters/{id}", exchange -> {
            Principal admin = authenticator.platformAdmin(exchange);
            clusters.remove(exchange.pathParam("id"), Actors.of(exchange, admin));
            exchange.status(204);
        });
        routes.patch("/api/admin/clusters/{id}", exchange -> {
            Principal admin = authenticator.platformAdmin(exchange);
            ClusterChange change = ClusterChange.fromJson(Bodies.tree(exchange));
            exchange.json(body(clusters.update(exchange.pathParam("id"), change, Actors.of(exchange, admin))));
        });
    }

    /** A cluster as the API shows it: its URL without credentials, never its password. */
    private Map<String, Object> body(Cluster cluster) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", cluster.id());
        body.put("url", JdbcUrls.redacted(cluster.url()));
        body.put("labels", cluster.labels());
        body.put("capacity", cluster.capacity());
        body.put("connectionBudget", cluster.connectionBudget());
        body.put("control", cluster.control());
        body.put("status", cluster.status());
        body.put("acceptingTenants", cluster.acceptsNewTenants());
        body.put("configured", clusters.configured(cluster.id()));
        return body;
    }
}
