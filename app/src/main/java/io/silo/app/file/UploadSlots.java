package io.silo.app.file;

import io.silo.error.ProblemType;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * How many uploads may run into one tenant database at once. An upload holds a pooled connection
 * while its client sends, for as long as that takes, so that a broken upload leaves nothing: without
 * a bound, a few slow uploads would take every connection of the database's pool and its reads with
 * them. One upload more is refused at once ({@code database-busy}, {@code Retry-After}), not queued.
 *
 * <p>Thread-safe.
 */
final class UploadSlots {
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final int perDatabase;
    private final ConcurrentMap<Database, Integer> running = new ConcurrentHashMap<>();

    /** @param perDatabase uploads that may run into one database at once, at least 1 */
    UploadSlots(int perDatabase) {
        if (perDatabase < 1) {
            throw new IllegalArgumentException("uploads per database must be at least 1, got " + perDatabase);
        }
        this.perDatabase = perDatabase;
    }

    /** A slot, given back when closed. */
    @FunctionalInterface
    interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    Slot take(UUID tenantId, String service, String slug) {
        Database database = new Database(tenantId, service);
        boolean[] granted = {false};
        running.compute(database, (key, count) -> {
            int now = count == null ? 0 : count;
            if (now >= perDatabase) {
                return count;
            }
            granted[0] = true;
            return now + 1;
        });
        if (!granted[0]) {
            throw ProblemType.DATABASE_BUSY
                    .exception(perDatabase + " uploads are running into the " + service + " database of " + slug
                            + " already; retry when one is done")
                    .retryAfter(RETRY);
        }
        return () -> running.computeIfPresent(database, (key, count) -> count == 1 ? null : count - 1);
    }

    private record Database(UUID tenantId, String service) {}
}
