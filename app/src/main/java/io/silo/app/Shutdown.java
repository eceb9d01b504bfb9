package io.silo.app;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes what was opened, in reverse order, each within a time bound, logging how long each
 * took; one failure does not stop the others.
 *
 * <p>Thread-safe.
 */
final class Shutdown {
    private static final Logger log = LoggerFactory.getLogger(Shutdown.class);
    private static final long BOUND_SECONDS = 15;

    private final Deque<Step> steps = new ArrayDeque<>();

    private record Step(String name, AutoCloseable resource) {}

    synchronized <T extends AutoCloseable> T register(String name, T resource) {
        steps.push(new Step(name, resource));
        return resource;
    }

    synchronized void run() {
        while (!steps.isEmpty()) {
            Step step = steps.pop();
            long start = System.nanoTime();
            Thread closer = Thread.ofVirtual().name("close-" + step.name()).start(() -> {
                try {
                    step.resource().close();
                } catch (Exception e) {
                    log.warn("closing {} failed: {}", step.name(), e.getMessage());
                }
            });
            try {
                if (!closer.join(java.time.Duration.ofSeconds(BOUND_SECONDS))) {
                    log.warn("closing {} took over {} s; moving on", step.name(), BOUND_SECONDS);
                    continue;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            log.debug("closed {} in {} ms", step.name(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }
    }
}
