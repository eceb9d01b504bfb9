package io.silo.postgres.placement;

import io.silo.tenant.DatabaseState;
import java.util.Objects;

/**
 * The database of one (tenant, service) pair, as stored in {@code tenant_databases}. Immutable, so
 * thread-safe.
 *
 * @param service the service, e.g. {@code core} or {@code billing}
 * @param clusterId the cluster it lives on
 * @param database its name on that cluster
 * @param state whether it can be used
 * @param schemaVersion the version of the service template's migrations applied to it
 */
public record ServiceDatabase(
        String service, String clusterId, String database, DatabaseState state, int schemaVersion) {

    public ServiceDatabase {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(clusterId, "clusterId");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(state, "state");
    }

    /** Whether requests may use it: ready, or fenced against writes (its reads go on). */
    public boolean servesRequests() {
        return state == DatabaseState.READY || state == DatabaseState.WRITE_FENCED;
    }

    @Override
    public String toString() {
        return service + "=" + clusterId + "/" + database + " (" + state.value() + ", v" + schemaVersion + ")";
    }
}
