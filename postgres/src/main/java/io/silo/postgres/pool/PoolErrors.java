package io.silo.postgres.pool;

import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import java.time.Duration;

/** The problems a request for a tenant connection can end in; each names the cluster, and the database when it is the one at fault. */
final class PoolErrors {
    private static final Duration RETRY_SOON = Duration.ofSeconds(1);

    private PoolErrors() {}

    static SiloException budgetExhausted(String cluster, int budget, long waitedMillis, Throwable cause) {
        return ProblemType.CONNECTION_BUDGET_EXHAUSTED
                .exception(
                        "cluster " + cluster + " is saturated: all " + budget
                                + " connections of its budget are in use and none came free within " + waitedMillis
                                + " ms",
                        cause)
                .retryAfter(RETRY_SOON);
    }

    static SiloException clusterUnavailable(String cluster, String reason, Duration retryAfter, Throwable cause) {
        return ProblemType.CLUSTER_UNAVAILABLE
                .exception("cluster " + cluster + " is unavailable: " + reason, cause)
                .retryAfter(retryAfter);
    }

    static SiloException clusterUnavailable(String cluster, String reason, Duration retryAfter) {
        return clusterUnavailable(cluster, reason, retryAfter, null);
    }

    static SiloException databaseUnavailable(
            DatabaseTarget target, String reason, Duration retryAfter, Throwable cause) {
        return ProblemType.DATABASE_UNAVAILABLE
                .exception(
                        "database " + target.database() + " on cluster "
                                + target.cluster().id() + " cannot be opened as role " + target.role() + ": " + reason,
                        cause)
                .retryAfter(retryAfter);
    }

    static SiloException databaseBusy(DatabaseTarget target, int maxPerDatabase, long waitedMillis, Throwable cause) {
        return ProblemType.DATABASE_BUSY
                .exception(
                        "all " + maxPerDatabase + " connections to database " + target.database() + " on cluster "
                                + target.cluster().id() + " are in use and none came free within " + waitedMillis
                                + " ms",
                        cause)
                .retryAfter(RETRY_SOON);
    }

    static SiloException databaseLineFull(DatabaseTarget target, int limit) {
        return ProblemType.DATABASE_BUSY
                .exception("database " + target.database() + " on cluster "
                        + target.cluster().id() + " already has " + limit
                        + " requests waiting for its connections; this one was not queued")
                .retryAfter(RETRY_SOON);
    }

    static SiloException clusterLineFull(String cluster, int limit) {
        return ProblemType.CONNECTION_BUDGET_EXHAUSTED
                .exception("cluster " + cluster + " already has " + limit
                        + " requests waiting for its connections; this one was not queued")
                .retryAfter(RETRY_SOON);
    }

    static SiloException poolChurning(DatabaseTarget target, int attempts) {
        return ProblemType.DATABASE_BUSY
                .exception("the pool of database " + target.database() + " on cluster "
                        + target.cluster().id() + " closed " + attempts + " times while the request waited")
                .retryAfter(RETRY_SOON);
    }

    static SiloException shuttingDown() {
        return ProblemType.SHUTTING_DOWN
                .exception("connections to tenant databases are closed: Silo is stopping")
                .retryAfter(RETRY_SOON);
    }
}
