package io.silo.postgres.pool;

import io.silo.postgres.placement.Placement;
import io.silo.postgres.placement.PlacementCache;
import io.silo.postgres.placement.ServiceDatabase;
import io.silo.tenant.TenantStatus;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Closes the pools that a placement change made stale, on every instance: subscribe it to a
 * {@link io.silo.postgres.placement.PlacementListener}. A pool is stale when its tenant is no longer
 * active (suspended, failed, being deleted, gone), or when its database is no longer where the
 * placement says, no longer ready, or opened with other credentials. Other changes of the tenant's
 * row (its name, its notes, a user change marking the directory) leave its pools alone.
 *
 * <p>A stale pool's lent connections are aborted, except where the database has not changed: a
 * suspended tenant's (requests admitted before the suspension, and the sign-in that reads a
 * suspended organization's credentials so that the right password learns why it is refused) and
 * an active tenant's whose role got a new password (a rotation: the connections logged in before
 * stay good). Those finish what they do, and the pool closes once they are back.
 *
 * <p>Thread-safe.
 */
public final class StalePools implements Consumer<UUID> {
    private final PlacementCache placements;
    private final PoolRegistry pools;

    public StalePools(PlacementCache placements, PoolRegistry pools) {
        this.placements = placements;
        this.pools = pools;
    }

    /**
     * Re-reads the tenant's placement and evicts its pools that no longer match it. For a tenant this
     * instance holds no pool of, nothing is read from the control database: a rollout records a
     * version for every database, and the next request that needs the placement reads it anyway.
     *
     * <p>A request that read the placement before the change and opens its pool after this check keeps
     * a stale pool, as one that opened it after the scans always could: nothing new is served from it
     * (the next request reads the new placement; a moved database's old pool idles out; a password
     * changed on the same database replaces it), but a failed or deleted tenant's connection lent to
     * that request is not aborted. The check now comes right after the cache forgot the tenant rather
     * than a control-database round trip later, so that window is a little wider.
     */
    @Override
    public void accept(UUID tenantId) {
        if (!pools.hasPools(tenantId)) {
            return;
        }
        Optional<Placement> placement = placements.find(tenantId);
        Optional<Placement> served = placement.filter(Placement::isActive);
        Optional<Placement> suspended = placement.filter(current -> current.status() == TenantStatus.SUSPENDED);
        pools.evictTenant(tenantId, target -> !samePlace(served, target) && !matches(suspended, target));
        pools.drainTenant(tenantId, target -> !matches(served, target));
    }

    static boolean matches(Optional<Placement> placement, DatabaseTarget target) {
        return samePlace(placement.filter(current -> current.password().equals(target.password())), target);
    }

    /** Whether the pool's database is where the placement says and serves, as the same role, whatever its password. */
    private static boolean samePlace(Optional<Placement> placement, DatabaseTarget target) {
        return placement
                .filter(current -> current.role().equals(target.role()))
                .flatMap(current -> current.database(target.service()))
                .filter(ServiceDatabase::servesRequests)
                .filter(database -> database.clusterId().equals(target.cluster().id())
                        && database.database().equals(target.database()))
                .isPresent();
    }

    @Override
    public String toString() {
        return "StalePools";
    }
}
