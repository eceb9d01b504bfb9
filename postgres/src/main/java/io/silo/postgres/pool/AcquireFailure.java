package io.silo.postgres.pool;

import java.sql.SQLTransientConnectionException;

/**
 * Why the data source behind a pool did not open a connection without asking the server: thrown
 * to HikariCP, which records it and retries while a request still waits.
 */
final class AcquireFailure extends SQLTransientConnectionException {
    private static final long serialVersionUID = 1L;

    enum Reason {
        /** No permit of the cluster's budget came free before the deadline. */
        BUDGET_EXHAUSTED,
        /** The request that wanted the connection was served otherwise, or gave up. */
        NOT_NEEDED,
        /** The cluster's circuit is open. */
        CLUSTER_DOWN,
        /** The database refused this pool's role a moment ago. */
        REFUSED,
        /** The pool is closing. */
        POOL_CLOSED
    }

    private final Reason reason;

    AcquireFailure(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    Reason reason() {
        return reason;
    }
}
