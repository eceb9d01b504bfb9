package io.silo.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Waits, bounded, for something that happens in the background, checking often; never a fixed sleep. */
public final class Eventually {
    private Eventually() {}

    /** The first value of {@code probe} that {@code done} accepts, or an AssertionError with the last one after {@code limit}. */
    public static <T> T get(Duration limit, Supplier<T> probe, Predicate<T> done) {
        long deadline = System.nanoTime() + limit.toNanos();
        T last = probe.get();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still not done after " + limit + "; last seen: " + last);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting", e);
            }
            last = probe.get();
        }
        return last;
    }

    /** Returns once {@code condition} holds, or fails naming {@code what} after 10 seconds. */
    public static void until(String what, BooleanSupplier condition) {
        try {
            get(Duration.ofSeconds(10), condition::getAsBoolean, held -> held);
        } catch (AssertionError e) {
            throw new AssertionError("not within 10 s: " + what, e);
        }
    }
}
