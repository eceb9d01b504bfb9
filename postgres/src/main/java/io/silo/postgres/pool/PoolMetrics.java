package io.silo.postgres.pool;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.function.ToDoubleFunction;

/**
 * Micrometer meters of the pools, one set per cluster and never per tenant or database: with
 * thousands of tenants, per-tenant series would swamp the metrics store. {@link PoolStats} is the
 * per-cluster snapshot behind them.
 */
final class PoolMetrics {
    private PoolMetrics() {}

    static void bind(MeterRegistry registry, ClusterPools cluster) {
        Tags tags = Tags.of("cluster", cluster.id());
        gauge(
                registry,
                "silo.pool.budget",
                "most server connections Silo may hold to the cluster",
                tags,
                cluster,
                pools -> pools.budget().limit());
        gauge(
                registry,
                "silo.pool.budget.used",
                "server connections held to the cluster, opened or being opened",
                tags,
                cluster,
                pools -> pools.budget().used());
        gauge(
                registry,
                "silo.pool.connections",
                "connections lent to requests",
                tags.and("state", "active"),
                cluster,
                pools -> pools.inUse());
        gauge(
                registry,
                "silo.pool.connections",
                "connections parked idle in pools",
                tags.and("state", "idle"),
                cluster,
                pools -> pools.idle());
        gauge(
                registry,
                "silo.pool.open",
                "tenant-database pools open",
                tags,
                cluster,
                pools -> pools.pools().size());
        gauge(
                registry,
                "silo.pool.cluster.available",
                "1 while the cluster answers, 0 while it is down and probed",
                tags,
                cluster,
                pools -> pools.watch().isDown() ? 0 : 1);
        counter(registry, "silo.pool.opened", "pools opened", tags, cluster, pools -> pools.opened());
        counter(
                registry,
                "silo.pool.logins",
                "logins to the server: connections opened, or tried",
                tags,
                cluster,
                pools -> pools.logins());
        counter(
                registry,
                "silo.pool.evicted",
                "pools closed: idle, least recently used, or evicted",
                tags,
                cluster,
                pools -> pools.evicted());
        counter(
                registry,
                "silo.pool.budget.waits",
                "new connections that waited for the budget",
                tags,
                cluster,
                pools -> pools.budget().waits());
        counter(
                registry,
                "silo.pool.budget.timeouts",
                "requests failed with connection-budget-exhausted",
                tags,
                cluster,
                pools -> pools.budgetTimeouts());
        counter(
                registry,
                "silo.pool.reclaimed",
                "idle connections closed for another pool of the cluster",
                tags,
                cluster,
                pools -> pools.reclaimed());
        counter(
                registry,
                "silo.pool.surplus.retired",
                "surplus connections closed once their pool's requests stopped waiting for them",
                tags,
                cluster,
                pools -> pools.retired());
        counter(
                registry,
                "silo.pool.rejected",
                "requests failed at once because the cluster was unavailable",
                tags,
                cluster,
                pools -> pools.rejectedCount());
    }

    private static void gauge(
            MeterRegistry registry,
            String name,
            String description,
            Tags tags,
            ClusterPools cluster,
            ToDoubleFunction<ClusterPools> value) {
        Gauge.builder(name, cluster, value)
                .description(description)
                .tags(tags)
                .strongReference(true)
                .register(registry);
    }

    private static void counter(
            MeterRegistry registry,
            String name,
            String description,
            Tags tags,
            ClusterPools cluster,
            ToDoubleFunction<ClusterPools> value) {
        FunctionCounter.builder(name, cluster, value)
                .description(description)
                .tags(tags)
                .register(registry);
    }
}
