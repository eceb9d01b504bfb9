package io.silo.postgres.pool;

import io.silo.error.SiloException;
import java.time.Duration;

/** The problems a request for a tenant connection can end in; each names the cluster, and the database when it is the one at fault. */
final class PoolErrors {
    private static final Duration RETRY_SOON = Duration.ofSeconds(1);

    private PoolErrors() {}

    static SiloException budgetExhausted(String cluster, int budget, long waitedMillis, Throwable cause) {
        return SiloException.unavailable(
                "connection-budget-exhausted",
                "cluster " + cluster + " is saturated: all " + budget
                        + " connections of its budget are in use and none came free within " + waitedMillis + " ms",
                RETRY_SOON,
                cause);
    }

    static SiloException clusterUnavailable(String cluster, String reason, Duration retryAfter, Throwable cause) {
        return SiloException.unavailable(
                "cluster-unavailable", "cluster " + cluster + " is unavailable: " + reason, retryAfter, cause);
    }

    static SiloException clusterUnavailable(String cluster, String reason, Duration retryAfter) {
        return clusterUnavailable(cluster, reason, retryAfter, null);
    }

    static SiloException databaseUnavailable(
            DatabaseTarget target, String reason, Duration retryAfter, Throwable cause) {
        return SiloException.unavailable(
                "database-unavailable",
                "database " + target.database() + " on cluster "
                        + target.cluster().id() + " cannot be opened as role " + target.role() + ": " + reason,
                retryAfter,
                cause);
    }

    static SiloException databaseBusy(DatabaseTarget target, int maxPerDatabase, long waitedMillis, Throwable cause) {
        return SiloException.unavailable(
                "database-busy",
                "all " + maxPerDatabase + " connections to database " + target.database() + " on cluster "
                        + target.cluster().id() + " are in use and none came free within " + waitedMillis + " ms",
                RETRY_SOON,
                cause);
    }

    static SiloException poolChurning(DatabaseTarget target, int attempts) {
        return SiloException.unavailable(
                "database-busy",
                "the pool of database " + target.database() + " on cluster "
                        + target.cluster().id() + " closed " + attempts + " times while the request waited",
                RETRY_SOON);
    }

    static SiloException shuttingDown() {
        return SiloException.unavailable(
                "shutting-down", "connections to tenant databases are closed: Silo is stopping", RETRY_SOON);
    }
}
