package io.silo.http.health;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import io.silo.cluster.Cluster;
import io.silo.error.ProblemType;
import io.silo.http.auth.Authenticator;
import io.silo.http.server.Endpoints;
import io.silo.http.server.Exchange;
import io.silo.http.server.Routes;
import io.silo.postgres.cluster.ClusterProbe;
import io.silo.postgres.control.ClusterStore;
import io.silo.postgres.control.ControlDatabase;
import io.silo.postgres.control.TenantStore;
import io.silo.tenant.Tenant;
import io.silo.tenant.TenantDatabase;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code GET /api/health}: 200 when the control database and every active cluster answer, 503
 * otherwise; a platform administrator also gets the figures of each. {@code /api/admin/clusters/health}
 * gives platform administrators a probe of each cluster (the registry itself is
 * {@link io.silo.http.admin.ClusterEndpoints}). {@code /api/admin/organizations/{org}/connectivity}
 * checks each database of one organization now: a fresh connection as its cluster's administrator
 * and {@code SELECT 1}, bounded like the cluster probe, so a cluster that is down is reported on
 * its databases' rows and never fails the request.
 *
 * <p>Thread-safe.
 */
public final class HealthEndpoints implements Endpoints {
    private final ControlDatabase control;
    private final ClusterStore clusters;
    private final TenantStore tenants;
    private final Authenticator authenticator;

    private final LoadingCache<Boolean, Snapshot> snapshots = Caffeine.newBuilder()
            .expireAfterWrite(java.time.Duration.ofSeconds(1))
            .build(key -> probe());

    public HealthEndpoints(
            ControlDatabase control, ClusterStore clusters, TenantStore tenants, Authenticator authenticator) {
        this.control = control;
        this.clusters = clusters;
        this.tenants = tenants;
        this.authenticator = authenticator;
    }

    @Override
    public void register(Routes routes) {
        routes.get("/api/health", this::health);
        routes.get("/api/admin/clusters/health", this::clusterHealth);
        routes.get("/api/admin/organizations/{org}/connectivity", this::connectivity);
    }

    /**
     * Anyone may ask, so the answer is computed at most once per second, by one caller while the
     * others wait for it: a flood of health checks costs one connection per cluster per second,
     * not one per request. Anyone else than a platform administrator (a load balancer, say) learns
     * whether Silo is ready, not which clusters it has, how fast they answer or why not.
     */
    private void health(Exchange exchange) {
        Snapshot snapshot = snapshots.get(Boolean.TRUE);
        boolean detailed = authenticator.optionalPlatformAdmin(exchange).isPresent();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", snapshot.ready() ? "ready" : "unavailable");
        if (detailed) {
            body.put(
                    "controlDatabase",
                    Map.of("reachable", snapshot.controlUp(), "latencyMs", snapshot.controlLatencyMillis()));
            body.put(
                    "clusters",
                    snapshot.probes().stream().map(HealthEndpoints::probeBody).toList());
        }
        body.put("checkedAt", snapshot.at().toString());
        exchange.status(snapshot.ready() ? 200 : 503).json(body);
    }

    private record Snapshot(
            boolean controlUp, long controlLatencyMillis, List<ClusterProbe.Result> probes, java.time.Instant at) {
        boolean ready() {
            return controlUp && probes.stream().allMatch(ClusterProbe.Result::reachable);
        }
    }

    private Snapshot probe() {
        long start = System.nanoTime();
        boolean controlUp = control.isReachable();
        long latency = (System.nanoTime() - start) / 1_000_000;
        return new Snapshot(controlUp, latency, controlUp ? probeAll() : List.of(), java.time.Instant.now());
    }

    private void clusterHealth(Exchange exchange) {
        authenticator.platformAdmin(exchange);
        exchange.json(Map.of(
                "clusters", probeAll().stream().map(HealthEndpoints::probeBody).toList()));
    }

    private void connectivity(Exchange exchange) {
        authenticator.platformAdmin(exchange);
        String org = exchange.pathParam("org");
        Tenant tenant = tenants.resolve(org)
                .orElseThrow(() -> ProblemType.ORGANIZATION_NOT_FOUND.exception("no organization " + org));
        List<Map<String, Object>> databases;
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Map<String, Object>>> futures = tenant.databases().stream()
                    .map(database -> executor.submit(() -> connectivity(database)))
                    .toList();
            databases = futures.stream().map(HealthEndpoints::join).toList();
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("organization", tenant.slug());
        body.put("databases", databases);
        body.put("checkedAt", java.time.Instant.now().toString());
        exchange.json(body);
    }

    private Map<String, Object> connectivity(TenantDatabase database) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("service", database.service());
        body.put("cluster", database.clusterId());
        body.put("name", database.databaseName());
        body.put("state", database.state().value());
        Optional<Cluster> cluster = clusters.find(database.clusterId());
        if (cluster.isEmpty()) {
            body.put("reachable", false);
            body.put("error", "cluster " + database.clusterId() + " is not registered");
            return body;
        }
        ClusterProbe.Result result = ClusterProbe.probe(cluster.get(), database.databaseName());
        body.put("reachable", result.reachable());
        body.put("latencyMs", result.latencyMillis());
        if (result.reachable()) {
            body.put("version", result.version());
        } else {
            body.put("error", result.error());
        }
        return body;
    }

    private List<ClusterProbe.Result> probeAll() {
        List<Cluster> active = clusters.list().stream()
                .filter(cluster -> !"disabled".equals(cluster.status()))
                .toList();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<ClusterProbe.Result>> futures = active.stream()
                    .map(cluster -> executor.submit(() -> ClusterProbe.probe(cluster)))
                    .toList();
            return futures.stream().map(HealthEndpoints::join).toList();
        }
    }

    private static <T> T join(Future<T> future) {
        try {
            return future.get();
        } catch (Exception e) {
            throw new IllegalStateException("cluster probe failed", e);
        }
    }

    private static Map<String, Object> probeBody(ClusterProbe.Result result) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", result.cluster());
        body.put("reachable", result.reachable());
        body.put("latencyMs", result.latencyMillis());
        if (result.reachable()) {
            body.put("version", result.version());
        } else {
            body.put("error", result.error());
        }
        return body;
    }
}
