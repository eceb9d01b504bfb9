package io.silo.postgres.identity;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes directory updates that the request which made them could not: the instance crashed
 * between the core commit and the relay, or the control database failed meanwhile. Every
 * {@code interval} it drains the outbox of tenants whose dirty mark is older than {@code age}
 * (younger marks belong to requests still relaying). Each round is bounded; a failing tenant is
 * logged and retried next round without holding up the others.
 *
 * <p>Thread-safe; {@link #close()} stops the schedule and waits a bounded time for a running round.
 */
public final class DirectorySweeper implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DirectorySweeper.class);
    private static final int TENANTS_PER_ROUND = 100;

    private final DirectoryStore directory;
    private final DirectoryRelay relay;
    private final Clock clock;
    private final Duration age;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("silo-directory-sweeper").daemon().factory());

    public DirectorySweeper(
            DirectoryStore directory, DirectoryRelay relay, Clock clock, Duration interval, Duration age) {
        this.directory = directory;
        this.relay = relay;
        this.clock = clock;
        this.age = age;
        long millis = Math.max(1, interval.toMillis());
        scheduler.scheduleWithFixedDelay(this::sweepQuietly, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** One round: drains every tenant marked longer than {@code age} ago; returns how many changes were applied. */
    public int sweep() {
        List<UUID> tenants = directory.dirtySince(clock.instant().minus(age), TENANTS_PER_ROUND);
        int applied = 0;
        for (UUID tenant : tenants) {
            try {
                applied += relay.drain(tenant);
            } catch (RuntimeException e) {
                // to the back of the queue: a tenant that keeps failing (its cluster is down) must not starve the
                // others
                directory.markDirty(tenant, clock.instant());
                log.warn("directory sweep of tenant {} failed, will retry: {}", tenant, e.getMessage());
            }
        }
        if (applied > 0) {
            log.info("directory sweep applied {} pending changes of {} tenants", applied, tenants.size());
        }
        return applied;
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException e) {
            // a control database outage must not end the schedule: the next round tries again
            log.warn("directory sweep failed: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("directory sweeper did not finish its round within 10 s; interrupting it");
                scheduler.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
