package io.silo.bench.system;

import java.time.Duration;

/**
 * Waiting in the benchmark's own threads, where an interrupt ends the run.
 *
 * <p>Thread-safe: stateless.
 */
public final class Pause {
    private Pause() {}

    /**
     * Sleeps for {@code duration}; an interrupt is kept and ends the run.
     *
     * @param during what was waited for, for the message of an interrupted wait
     * @throws IllegalStateException when interrupted
     */
    public static void sleep(Duration duration, String during) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + during, e);
        }
    }
}
