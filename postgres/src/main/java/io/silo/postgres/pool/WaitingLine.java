package io.silo.postgres.pool;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The requests waiting for connections of one database or one cluster, bounded: a request that
 * finds the line full is refused at once rather than queued behind more work than the database
 * can do in its acquire timeout. This keeps one tenant from holding every request thread of the
 * instance, and a saturated cluster from collecting requests it will only fail later.
 *
 * <p>Thread-safe.
 */
final class WaitingLine {
    private final int limit;
    private final AtomicInteger waiting = new AtomicInteger();

    WaitingLine(int limit) {
        this.limit = limit;
    }

    /** Joins the line; false, without joining, when it is full. */
    boolean tryJoin() {
        if (waiting.incrementAndGet() > limit) {
            waiting.decrementAndGet();
            return false;
        }
        return true;
    }

    void leave() {
        waiting.decrementAndGet();
    }

    int limit() {
        return limit;
    }
}
