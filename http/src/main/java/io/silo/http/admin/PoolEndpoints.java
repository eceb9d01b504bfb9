package io.silo.http.admin;

import io.silo.http.auth.Authenticator;
import io.silo.http.server.Endpoints;
import io.silo.http.server.Routes;
import io.silo.postgres.pool.PoolRegistry;
import java.util.Map;

/**
 * {@code GET /api/admin/pools}: per cluster, the connection budget and how it is used, the pools
 * open, opened and evicted, and how often requests waited for or were refused a connection.
 *
 * <p>Thread-safe.
 */
public final class PoolEndpoints implements Endpoints {
    private final PoolRegistry pools;
    private final Authenticator authenticator;

    public PoolEndpoints(PoolRegistry pools, Authenticator authenticator) {
        this.pools = pools;
        this.authenticator = authenticator;
    }

    @Override
    public void register(Routes routes) {
        routes.get("/api/admin/pools", exchange -> {
            authenticator.platformAdmin(exchange);
            exchange.json(Map.of("clusters", pools.stats()));
        });
    }
}
