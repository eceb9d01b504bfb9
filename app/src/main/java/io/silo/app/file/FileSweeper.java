package io.silo.app.file;

import io.silo.postgres.control.TenantStore;
import io.silo.postgres.control.TenantStore.ServiceOfTenant;
import io.silo.postgres.file.FileStore;
import io.silo.postgres.routing.TenantConnections;
import io.silo.template.CollectionSpec;
import io.silo.template.ServiceTemplate;
import io.silo.template.TemplateCatalog;
import io.silo.tenant.TenantStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes files no request will: those whose document is gone (deleted other than through Silo,
 * such as by a migration's SQL; Silo's own deletions take the files along) and uploads that never
 * completed. Housekeeping calls {@link #sweepSome()} every round; it visits the next few databases
 * of the services whose templates take files, walking round all of them in turn, so that each
 * round costs a bounded number of connections whatever the number of tenants.
 *
 * <p>Thread-safe: a round at a time.
 */
public final class FileSweeper {
    private static final Logger log = LoggerFactory.getLogger(FileSweeper.class);
    /** Databases visited per round: each takes a connection of its own pool, which may have to open. */
    private static final int DATABASES_PER_ROUND = 25;
    /**
     * An incomplete upload older than this is abandoned: an upload runs in one transaction, which
     * PostgreSQL ends after twice {@code pools.statementTimeout} of silence from its client.
     */
    private static final Duration ABANDONED = Duration.ofHours(1);

    private final TenantStore tenants;
    private final TenantConnections connections;
    private final TemplateCatalog templates;
    private final FileStore store;
    private final Clock clock;
    private Optional<ServiceOfTenant> position = Optional.empty();

    public FileSweeper(
            TenantStore tenants,
            TenantConnections connections,
            TemplateCatalog templates,
            FileStore store,
            Clock clock) {
        this.tenants = tenants;
        this.connections = connections;
        this.templates = templates;
        this.store = store;
        this.clock = clock;
    }

    /** Sweeps the next databases of the walk; the number of files removed. */
    public synchronized int sweepSome() {
        Set<String> services = servicesWithFiles();
        if (services.isEmpty()) {
            return 0;
        }
        List<ServiceOfTenant> next =
                tenants.readyDatabases(List.of(TenantStatus.ACTIVE), services, position, DATABASES_PER_ROUND);
        position = next.isEmpty() ? Optional.empty() : Optional.of(next.getLast());
        int removed = 0;
        for (ServiceOfTenant database : next) {
            try {
                removed += sweep(database.tenantId(), database.service());
            } catch (RuntimeException e) {
                log.warn(
                        "file sweep of the {} database of tenant {} failed; it comes round again: {}",
                        database.service(),
                        database.tenantId(),
                        e.getMessage());
            }
        }
        return removed;
    }

    /** Sweeps one tenant's database of {@code service}; the number of files removed. */
    public int sweep(UUID tenantId, String service) {
        Set<String> collections =
                templates.find(service).map(FileSweeper::collectionsWithFiles).orElse(Set.of());
        int removed = connections.inTransaction(
                tenantId,
                service,
                handle -> store.isInstalled(handle.connection())
                        ? store.sweep(
                                handle.connection(),
                                collections,
                                clock.instant().minus(ABANDONED))
                        : 0);
        if (removed > 0) {
            log.info("file sweep removed {} files from the {} database of tenant {}", removed, service, tenantId);
        }
        return removed;
    }

    private Set<String> servicesWithFiles() {
        return templates.all().stream()
                .filter(template -> !collectionsWithFiles(template).isEmpty())
                .map(ServiceTemplate::service)
                .collect(Collectors.toSet());
    }

    static Set<String> collectionsWithFiles(ServiceTemplate template) {
        return template.collections().values().stream()
                .filter(collection -> collection.files().isPresent())
                .map(CollectionSpec::name)
                .collect(Collectors.toSet());
    }
}
