package io.silo.app.document;

import io.silo.postgres.cluster.ClusterAdmins;
import io.silo.postgres.collection.DocumentStore;
import io.silo.postgres.jdbc.DataAccessException;
import io.silo.postgres.placement.PlacementCache;
import io.silo.template.CollectionSpec;
import io.silo.template.TemplateCatalog;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fresh planner statistics for collections loaded in one go (an import, the demo). A table written
 * by a bulk load has none until autovacuum's threshold of changed rows is passed, which a small
 * table never reaches: until then the planner guesses and the tenant health's document estimates
 * ({@code pg_class.reltuples}) stay at nothing. Only a table's owner may {@code ANALYZE} it, and the
 * tenant's role is not the owner, so this runs on the cluster's administrative connection. A
 * failure is logged, never thrown: the data loaded stays, and autovacuum catches up in time.
 *
 * <p>Thread-safe.
 */
public final class CollectionStatistics {
    private static final Logger log = LoggerFactory.getLogger(CollectionStatistics.class);

    private final PlacementCache placements;
    private final ClusterAdmins admins;
    private final TemplateCatalog templates;

    public CollectionStatistics(PlacementCache placements, ClusterAdmins admins, TemplateCatalog templates) {
        this.placements = placements;
        this.admins = admins;
        this.templates = templates;
    }

    /** Analyses every collection of {@code service} in organization {@code tenant}'s database. */
    public void refresh(UUID tenant, String service) {
        refresh(
                tenant,
                service,
                templates
                        .find(service)
                        .map(template -> List.copyOf(template.collections().values()))
                        .orElse(List.of()));
    }

    /** Analyses {@code collections} of {@code service} in organization {@code tenant}'s database; nothing if it has none. */
    public void refresh(UUID tenant, String service, Collection<CollectionSpec> collections) {
        placements
                .find(tenant)
                .flatMap(placement -> placement.database(service))
                .ifPresent(database -> {
                    try {
                        admins.of(database.clusterId()).inDatabase(database.database(), handle -> {
                            DocumentStore.analyze(handle.connection(), collections);
                            return null;
                        });
                    } catch (DataAccessException e) {
                        // statistics are an estimate: what was loaded stays loaded, autovacuum catches up later
                        log.warn(
                                "could not analyse the collections of database {} (organization {}, cluster {}): {}",
                                database.database(),
                                tenant,
                                database.clusterId(),
                                e.getMessage());
                    }
                });
    }
}
