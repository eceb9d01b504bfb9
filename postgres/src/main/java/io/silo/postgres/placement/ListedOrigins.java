package io.silo.postgres.placement;

import com.github.benmanes.caffeine.cache.Ticker;
import io.silo.json.Json;
import io.silo.postgres.jdbc.DataAccessException;
import io.silo.postgres.jdbc.Jdbc;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import tools.jackson.core.type.TypeReference;

/**
 * Every origin that an active or suspended organization lists for its browser front ends: what a
 * CORS preflight, which carries no token to say whose front end it is, is judged by. Part of
 * {@link PlacementCache}, which tells it of every change it hears.
 *
 * <p>Preflights come often (a browser caches one per URL, and every authenticated call needs one),
 * while tenants change often too (every user change touches its tenant's row). So the set is read
 * whole once, then kept up to date tenant by tenant: a change heard marks its tenant stale, and the
 * next lookup re-reads only the stale tenants, by primary key. While the placement listener is
 * away, every lookup reads the whole set; while the control database does not answer, the last set
 * read is used, however old. The TTL is a backstop, as for placements.
 *
 * <p>Thread-safe. Lookups are lock-free while nothing is stale; one refresh runs at a time, and an
 * invalidation never waits for it (the listener's thread must not block on a query).
 */
final class ListedOrigins {
    private static final TypeReference<List<String>> ORIGINS = new TypeReference<>() {};
    private static final String LISTED = "status IN ('active', 'suspended') AND cors_origins <> '[]'::jsonb";
    private static final String SELECT_ALL = "SELECT id, cors_origins FROM tenants WHERE " + LISTED;
    private static final String SELECT_SOME = "SELECT id, cors_origins FROM tenants WHERE id = ANY(?) AND " + LISTED;

    /** The origins by tenant (only tenants that list any), their union, and when the whole set was read. */
    private record Snapshot(Map<UUID, Set<String>> byTenant, Set<String> union, long readAtNanos) {
        static Snapshot of(Map<UUID, Set<String>> byTenant, long readAtNanos) {
            Set<String> union = new HashSet<>();
            byTenant.values().forEach(union::addAll);
            return new Snapshot(Map.copyOf(byTenant), Set.copyOf(union), readAtNanos);
        }

        /** This snapshot with the tenants of {@code reread} replaced by what was read of them. */
        Snapshot with(Set<UUID> reread, Map<UUID, Set<String>> read) {
            Map<UUID, Set<String>> next = new HashMap<>(byTenant);
            next.keySet().removeAll(reread);
            next.putAll(read);
            return of(next, readAtNanos);
        }
    }

    private final Jdbc control;
    private final long ttlNanos;
    private final Ticker ticker;
    private final Set<UUID> stale = ConcurrentHashMap.newKeySet();
    private final ReentrantLock refreshing = new ReentrantLock();
    /** Empty until read, and after every change that may have been missed. Written under {@code this}. */
    private volatile Optional<Snapshot> current = Optional.empty();
    /** Counts {@link #invalidateAll()}, so that a refresh cannot keep what one made stale meanwhile. */
    private long generation;

    private volatile Set<String> lastKnown = Set.of();

    ListedOrigins(Jdbc control, Duration ttl, Ticker ticker) {
        this.control = control;
        this.ttlNanos = ttl.toNanos();
        this.ticker = ticker;
    }

    /**
     * Whether any active or suspended organization lists {@code origin}.
     *
     * @param coherent whether every change is heard; when not, the whole set is read for this lookup
     * @param controlAnswers whether the control database answers; when not, the last set read decides
     */
    boolean contains(String origin, boolean coherent, boolean controlAnswers) {
        if (!controlAnswers) {
            return lastKnown.contains(origin);
        }
        if (!coherent) {
            return readThrough().contains(origin);
        }
        Optional<Snapshot> known = current;
        if (known.isPresent() && stale.isEmpty() && !expired(known.get())) {
            return known.get().union().contains(origin);
        }
        return refresh().contains(origin);
    }

    /** A change of one tenant was heard: its origins are read again at the next lookup. */
    void invalidate(UUID tenantId) {
        stale.add(tenantId);
    }

    /** Changes may have been missed: the whole set is read again at the next lookup. */
    synchronized void invalidateAll() {
        generation++;
        current = Optional.empty();
    }

    private Set<String> refresh() {
        refreshing.lock();
        try {
            long generationBefore;
            Optional<Snapshot> known;
            synchronized (this) {
                generationBefore = generation;
                known = current;
            }
            if (known.isPresent() && stale.isEmpty() && !expired(known.get())) {
                return known.get().union();
            }
            Snapshot next = known.isPresent() && !expired(known.get()) ? rereadStale(known.get()) : readAll();
            lastKnown = next.union();
            synchronized (this) {
                if (generation == generationBefore) {
                    current = Optional.of(next);
                }
            }
            return next.union();
        } catch (DataAccessException e) {
            if (e.isConnectionLost()) {
                return lastKnown;
            }
            throw e;
        } finally {
            refreshing.unlock();
        }
    }

    private Snapshot readAll() {
        // whatever is heard from now on is newer than what this read may see: it stays stale
        stale.clear();
        return Snapshot.of(origins(control.query(SELECT_ALL, ListedOrigins::row)), ticker.read());
    }

    private Snapshot rereadStale(Snapshot known) {
        Set<UUID> reread = Set.copyOf(stale);
        stale.removeAll(reread);
        try {
            return known.with(reread, origins(control.query(SELECT_SOME, ListedOrigins::row, (Object)
                    reread.toArray(UUID[]::new))));
        } catch (RuntimeException e) {
            stale.addAll(reread);
            throw e;
        }
    }

    private Set<String> readThrough() {
        try {
            Set<String> read = readAll().union();
            lastKnown = read;
            return read;
        } catch (DataAccessException e) {
            if (e.isConnectionLost()) {
                return lastKnown;
            }
            throw e;
        }
    }

    private boolean expired(Snapshot snapshot) {
        return ticker.read() - snapshot.readAtNanos() > ttlNanos;
    }

    private static Map<UUID, Set<String>> origins(List<Map.Entry<UUID, Set<String>>> rows) {
        Map<UUID, Set<String>> out = new HashMap<>();
        rows.forEach(row -> out.put(row.getKey(), row.getValue()));
        return out;
    }

    private static Map.Entry<UUID, Set<String>> row(ResultSet row) throws SQLException {
        return Map.entry(row.getObject(1, UUID.class), Set.copyOf(Json.mapper().readValue(row.getString(2), ORIGINS)));
    }
}
