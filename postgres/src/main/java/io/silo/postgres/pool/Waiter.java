package io.silo.postgres.pool;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A request waiting inside HikariCP for a connection, which the pool can wake when the wait has
 * become futile (its cluster went down, its database refused the role): HikariCP would otherwise
 * keep it waiting for the whole acquire timeout. Waking interrupts the thread, and only while it
 * is inside the wait: the interrupt is delivered and cleared before the request does anything else,
 * so it can never reach the request's own I/O.
 *
 * <p>Thread-safe.
 */
final class Waiter {
    private static final int WAITING = 0;
    private static final int WAKING = 1;
    private static final int WOKEN = 2;
    private static final int DONE = 3;

    private final Thread thread = Thread.currentThread();
    /** An interrupt the thread had before it waited is its own: {@link #done} keeps it. */
    private final boolean interruptedBefore = thread.isInterrupted();

    private final AtomicInteger state = new AtomicInteger(WAITING);

    /** Interrupts the waiting thread, unless its wait is over. */
    void wake() {
        if (state.compareAndSet(WAITING, WAKING)) {
            thread.interrupt();
            state.set(WOKEN);
        }
    }

    /**
     * Ends the wait, on the waiting thread; returns whether it was woken, in which case the interrupt
     * of the wake is cleared.
     */
    boolean done() {
        if (state.compareAndSet(WAITING, DONE)) {
            return false;
        }
        while (state.get() != WOKEN) {
            Thread.onSpinWait();
        }
        Thread.interrupted();
        if (interruptedBefore) {
            thread.interrupt();
        }
        return true;
    }
}
