package io.silo.postgres.pool;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Closes evicted pools on threads of its own. Caffeine calls the removal listener on the thread
 * that triggered the eviction, often a request's, and closing a pool may wait for lent connections;
 * so the listener only hands the pool over (see the Javadoc of {@code Caffeine#removalListener}).
 * One virtual thread per pool: a pool that drains slowly delays no other.
 *
 * <p>Thread-safe.
 */
final class PoolCloser {
    private final ExecutorService executor = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("silo-pool-close-", 0).factory());
    private final Duration drainTimeout;

    PoolCloser(Duration drainTimeout) {
        this.drainTimeout = drainTimeout;
    }

    void close(TenantPool pool) {
        try {
            executor.execute(() -> pool.close(drainTimeout));
        } catch (RejectedExecutionException e) {
            // Only after shutdown, when no request runs any more: close here, without draining.
            pool.abortOnClose();
            pool.close(Duration.ZERO);
        }
    }

    /** Stops taking pools and waits for the closes under way; returns whether they all ended within {@code bound}. */
    boolean shutdown(Duration bound) {
        executor.shutdown();
        try {
            if (executor.awaitTermination(bound.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor.shutdownNow();
        return false;
    }
}
