package io.silo.app;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.silo.app.migration.TemplateReload;
import io.silo.config.SiloConfig;
import io.silo.postgres.control.ClusterStore;
import io.silo.postgres.control.ControlAvailability;
import io.silo.postgres.control.RevokedSessions;
import io.silo.postgres.control.TemplateReloads;
import io.silo.postgres.identity.DirectoryRelay;
import io.silo.postgres.identity.UserStore;
import io.silo.postgres.job.JobSignal;
import io.silo.postgres.job.JobStore;
import io.silo.postgres.placement.PlacementCache;
import io.silo.postgres.placement.PlacementListener;
import io.silo.postgres.pool.PoolRegistry;
import io.silo.postgres.pool.StalePools;
import io.silo.postgres.routing.PooledConnections;
import io.silo.template.ServiceTemplate;
import io.silo.template.TemplateCatalog;
import java.time.Clock;
import java.util.List;

/**
 * The second phase: the way into tenant data. Placements cached and kept coherent by
 * LISTEN/NOTIFY, pools under the connection budget (evicted when a placement goes stale),
 * routing as each tenant's own role, and the directory relay that rides on it. The same listener
 * keeps the instances' templates in step ({@link TemplateReload}).
 */
record DataPlane(
        Metrics metrics,
        PoolRegistry pools,
        PlacementCache placements,
        PooledConnections connections,
        DirectoryRelay relay,
        UserStore users,
        RevokedSessions revokedSessions,
        JobSignal jobSignal,
        TemplateReload templateReload) {

    static DataPlane open(
            SiloConfig config, ControlPlane control, TemplateCatalog templates, Clock clock, Shutdown shutdown) {
        Metrics metrics = shutdown.register("metrics", new Metrics());
        PoolRegistry pools = shutdown.register(
                "tenant pools",
                PoolRegistry.open(config.pools(), metrics.registry(), control.tenants()::rolePasswords));
        PlacementCache placements = new PlacementCache(control.database(), control.secrets());
        bindControlMetrics(metrics.registry(), control.database().availability(), placements);
        bindTemplateMetrics(metrics.registry(), templates);
        JobSignal jobSignal = new JobSignal();
        // revocations ride on the placement listener's connection: one LISTEN session per instance
        // kept an access lifetime plus the token verifier's clock tolerance (60 s) and a margin
        RevokedSessions revoked = new RevokedSessions(
                control.jdbc(), clock, config.tokens().accessTtl().plusMinutes(2));
        // known before the first request, not only once the listener is up (it reloads them then too)
        revoked.resync();
        PooledConnections connections = new PooledConnections(placements, pools, control.clusters());
        TemplateReload templateReload = new TemplateReload(
                templates,
                config.servicesDir(),
                control.releasedSteps(),
                new TemplateReloads(control.jdbc(), control.audit()));
        PlacementListener listener = shutdown.register(
                "placement listener",
                PlacementListener.start(
                        control.database(),
                        placements,
                        List.of(
                                new PlacementListener.Channel(RevokedSessions.CHANNEL, revoked::heard, revoked::resync),
                                // a job recorded anywhere: an idle worker here looks now, not at its next poll
                                new PlacementListener.Channel(
                                        JobStore.CHANNEL, job -> jobSignal.raise(), jobSignal::raise),
                                // templates reloaded on another instance: this one reads its own folder
                                new PlacementListener.Channel(
                                        TemplateReloads.CHANNEL, templateReload::heard, templateReload::resync),
                                // a cluster's administrative password rotated, or the cluster removed, anywhere: its
                                // cached settings go, and its administrative pool takes the password up or closes
                                new PlacementListener.Channel(
                                        ClusterStore.CHANNEL,
                                        cluster -> {
                                            connections.forgetCluster(cluster);
                                            control.admins().refresh(cluster);
                                        },
                                        () -> {
                                            connections.forgetClusters();
                                            control.admins().refreshAll();
                                        }))));
        listener.subscribe(new StalePools(placements, pools));
        return new DataPlane(
                metrics,
                pools,
                placements,
                connections,
                new DirectoryRelay(control.directory(), connections, clock),
                new UserStore(),
                revoked,
                jobSignal,
                templateReload);
    }

    /**
     * The newest version of each service this instance serves: after a reload, every instance
     * should show the new one before a rollout starts ({@code docs/operations.md}).
     */
    private static void bindTemplateMetrics(MeterRegistry registry, TemplateCatalog templates) {
        for (ServiceTemplate template : templates.all()) {
            String service = template.service();
            Gauge.builder(
                            "silo.template.version",
                            templates,
                            catalog -> catalog.require(service).version())
                    .description("the newest version of the service's template this instance serves")
                    .tag("service", service)
                    .register(registry);
        }
    }

    /** What operators watch while the control database is away ({@code docs/operations.md}). */
    private static void bindControlMetrics(
            MeterRegistry registry, ControlAvailability availability, PlacementCache placements) {
        Gauge.builder("silo.control.database.available", availability, known -> known.isAvailable() ? 1 : 0)
                .description("1 while the control database answers, 0 while its requests fail at once")
                .register(registry);
        FunctionCounter.builder("silo.placement.last.known", placements, PlacementCache::servedLastKnown)
                .description(
                        "placement lookups answered with a tenant's last known placement: the control database did not answer")
                .register(registry);
    }
}
