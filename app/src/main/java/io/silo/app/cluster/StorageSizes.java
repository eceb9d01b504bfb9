package io.silo.app.cluster;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import io.silo.cluster.Cluster;
import io.silo.postgres.cluster.DatabaseSizes;
import io.silo.postgres.control.ClusterStore;
import io.silo.postgres.control.TenantStore;
import io.silo.tenant.Tenant;
import io.silo.tenant.TenantDatabase;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How much each organization stores: the sizes of its databases on their clusters, measured at most
 * once every {@link #MAX_AGE} for all organizations together (one query per cluster), and kept in
 * memory meanwhile, so that the admin console's overview costs the clusters nothing on most views.
 * A cluster that does not answer leaves its databases without a size (and says so in the log).
 *
 * <p>Thread-safe: one caller measures while the others wait for its answer.
 */
public final class StorageSizes {
    private static final Logger log = LoggerFactory.getLogger(StorageSizes.class);
    /** How old the sizes shown may be. */
    public static final Duration MAX_AGE = Duration.ofMinutes(5);
    /** How often an organization missing from the sizes may have them measured anew. */
    public static final Duration MIN_AGE = Duration.ofSeconds(10);

    private static final int PAGE = 500;

    private final TenantStore tenants;
    private final ClusterStore clusters;
    private final Clock clock;
    private final LoadingCache<Boolean, Snapshot> snapshot;

    public StorageSizes(TenantStore tenants, ClusterStore clusters, Clock clock) {
        this.tenants = tenants;
        this.clusters = clusters;
        this.clock = clock;
        this.snapshot = Caffeine.newBuilder().expireAfterWrite(MAX_AGE).build(key -> measure());
    }

    /** One database's size; empty when its cluster did not answer or it does not exist yet. */
    public record DatabaseSize(String service, String cluster, String name, Optional<Long> bytes) {}

    /** An organization's databases and their total. */
    public record OrganizationSize(UUID id, String slug, String name, long bytes, List<DatabaseSize> databases) {}

    /** Every organization, largest first, as measured at {@code computedAt}. */
    public record Snapshot(Instant computedAt, List<OrganizationSize> organizations) {}

    /** The sizes, measured now when the last measurement is older than {@link #MAX_AGE}. */
    public Snapshot current() {
        return snapshot.get(Boolean.TRUE);
    }

    /**
     * The sizes, measured anew when the last measurement does not know the organization {@code id}
     * (made since) and is older than {@link #MIN_AGE}: a new organization's page shows its sizes
     * within seconds, while a stream of such requests still measures at most once per {@code MIN_AGE}.
     */
    public Snapshot including(UUID id) {
        Snapshot last = current();
        boolean known = last.organizations().stream().anyMatch(size -> size.id().equals(id));
        if (!known && Duration.between(last.computedAt(), clock.instant()).compareTo(MIN_AGE) > 0) {
            snapshot.invalidateAll();
            return current();
        }
        return last;
    }

    private Snapshot measure() {
        Map<String, Map<String, Long>> byCluster = new HashMap<>();
        for (Cluster cluster : clusters.list()) {
            if ("disabled".equals(cluster.status())) {
                continue;
            }
            try {
                byCluster.put(cluster.id(), DatabaseSizes.measure(cluster));
            } catch (SQLException e) {
                log.warn("cannot measure the databases of cluster {}: {}", cluster.id(), e.getMessage());
            }
        }
        List<OrganizationSize> out = new ArrayList<>();
        Optional<String> cursor = Optional.empty();
        do {
            TenantStore.Page page = tenants.list(Optional.empty(), Optional.empty(), cursor, PAGE);
            page.items().forEach(tenant -> out.add(size(tenant, byCluster)));
            cursor = page.nextCursor();
        } while (cursor.isPresent());
        out.sort(Comparator.comparingLong(OrganizationSize::bytes).reversed());
        return new Snapshot(clock.instant(), List.copyOf(out));
    }

    private static OrganizationSize size(Tenant tenant, Map<String, Map<String, Long>> byCluster) {
        List<DatabaseSize> databases = new ArrayList<>();
        long total = 0;
        for (TenantDatabase database : tenant.databases()) {
            Optional<Long> bytes = Optional.ofNullable(
                    byCluster.getOrDefault(database.clusterId(), Map.of()).get(database.databaseName()));
            total += bytes.orElse(0L);
            databases.add(new DatabaseSize(database.service(), database.clusterId(), database.databaseName(), bytes));
        }
        return new OrganizationSize(tenant.id(), tenant.slug(), tenant.name(), total, databases);
    }
}
