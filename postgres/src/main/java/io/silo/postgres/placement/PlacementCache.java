package io.silo.postgres.placement;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.silo.crypto.Ids;
import io.silo.crypto.SecretBox;
import io.silo.json.Json;
import io.silo.postgres.control.ControlDatabase;
import io.silo.postgres.jdbc.DataAccessException;
import io.silo.postgres.jdbc.Jdbc;
import io.silo.tenant.DatabaseState;
import io.silo.tenant.Features;
import io.silo.tenant.Quotas;
import io.silo.tenant.TenantStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.type.TypeReference;

/**
 * Placements of tenants, read from the control database ({@code tenants} joined with
 * {@code tenant_databases}) and cached by tenant id, with a slug index so that a tenant is found
 * by either. Every request resolves its tenant here, so the cache spares the control database a
 * query per request. A detached database (its service removed, restorable for a while) is left
 * out: every route answers as for a service the organization does not use. A placement carries the tenant's browser origins (CORS) too, and the set of
 * every organization's origins is kept here as well ({@link ListedOrigins}), told of the same changes.
 *
 * <p>Coherence comes from a {@link PlacementListener}: a change of a tenant in any instance
 * invalidates it here. While the listener is not connected, changes may be missed, so the cache
 * then reads through to the database and keeps nothing. The TTL is only a backstop. Unknown ids
 * and slugs are never cached: a tenant created a moment ago must be found.
 *
 * <p>While the control database does not answer (its {@code ControlAvailability}, or a read that
 * lost its connection), a tenant is served from the last placement read of it, however old, rather
 * than not at all: that is what lets members go on with their own data through an outage of the
 * control plane. Nothing newer can be known then; the listener drops every cached placement when it
 * is back, so a change made meanwhile holds from then on. While the listener is away, a read-through
 * that takes longer than {@link #READ_THROUGH_WAIT} is not waited for either: the start of an outage,
 * before anything has noticed it, must not hold every request for the pool's connection timeout. A
 * tenant whose change was heard is forgotten entirely, last placement included, and one never read
 * is not served until the control database answers.
 *
 * <p>Thread-safe. A load runs inside Caffeine's atomic compute, so an invalidation that arrives
 * while a load is under way waits for it and then drops what it read; a stale placement cannot
 * outlive the notification of its change.
 */
public final class PlacementCache {
    private static final Logger log = LoggerFactory.getLogger(PlacementCache.class);

    /** The backstop: a cached placement is read again after this long even without a notification. */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(5);

    /** While the listener is away, how long a request waits for a fresh placement when it has a last known one. */
    public static final Duration READ_THROUGH_WAIT = Duration.ofMillis(500);

    private static final long MAX_TENANTS = 100_000;

    private static final TypeReference<List<String>> ORIGINS = new TypeReference<>() {};
    private static final TypeReference<Map<String, Long>> LIMITS = new TypeReference<>() {};

    private static final String SELECT = """
            SELECT t.id, t.slug, t.status, t.business_type, t.db_role, t.db_role_password, t.cors_origins,
                   t.quotas, t.features,
                   d.service, d.cluster_id, d.database_name, d.state, d.schema_version
              FROM tenants t LEFT JOIN tenant_databases d ON d.tenant_id = t.id AND d.state <> 'detached'
             WHERE t.id = ?
             ORDER BY d.service
            """;

    private final Jdbc control;
    private final SecretBox secrets;
    private final BooleanSupplier controlAnswers;
    private final Cache<UUID, Placement> byId;
    private final Cache<String, UUID> idsBySlug;
    private final Cache<UUID, Placement> lastKnown;
    private final ListedOrigins listedOrigins;
    private final LongAdder servedLastKnown = new LongAdder();
    private final AtomicBoolean servingLastKnown = new AtomicBoolean();
    private final AtomicBoolean readThroughStalled = new AtomicBoolean();
    /** Counts invalidations, so that a read cannot keep as last known what a change heard meanwhile made stale. */
    private final AtomicLong invalidations = new AtomicLong();

    private volatile boolean coherent = true;

    /** A cache on the control database, serving last known placements while it is unavailable. */
    public PlacementCache(ControlDatabase control, SecretBox secrets) {
        this(control.jdbc(), secrets, control.availability()::isAvailable, DEFAULT_TTL, Ticker.systemTicker());
    }

    /** A cache with the default TTL on system time, on a control database taken to answer unless a read fails. */
    public PlacementCache(Jdbc control, SecretBox secrets) {
        this(control, secrets, DEFAULT_TTL, Ticker.systemTicker());
    }

    /**
     * @param control the control database
     * @param secrets opens the tenants' sealed role passwords
     * @param ttl how long a placement is kept without a notification
     * @param ticker the time of the TTL, for tests
     */
    public PlacementCache(Jdbc control, SecretBox secrets, Duration ttl, Ticker ticker) {
        this(control, secrets, () -> true, ttl, ticker);
    }

    private PlacementCache(
            Jdbc control, SecretBox secrets, BooleanSupplier controlAnswers, Duration ttl, Ticker ticker) {
        this.control = control;
        this.secrets = secrets;
        this.controlAnswers = controlAnswers;
        this.byId = Caffeine.newBuilder()
                .expireAfterWrite(ttl)
                .maximumSize(MAX_TENANTS)
                .ticker(ticker)
                .build();
        this.idsBySlug = Caffeine.newBuilder()
                .expireAfterWrite(ttl)
                .maximumSize(MAX_TENANTS)
                .ticker(ticker)
                .build();
        this.lastKnown = Caffeine.newBuilder().maximumSize(MAX_TENANTS).build();
        this.listedOrigins = new ListedOrigins(control, ttl, ticker);
    }

    /** The placement of the tenant with this id (in its text form) or slug. */
    public Optional<Placement> find(String idOrSlug) {
        Optional<UUID> id = parseId(idOrSlug);
        return id.isPresent() ? find(id.get()) : findBySlug(idOrSlug);
    }

    /**
     * The placement of the tenant with this id: cached while the listener hears every change, read
     * through while it does not, and the last one read while the control database does not answer.
     */
    public Optional<Placement> find(UUID tenantId) {
        if (!controlAnswers.getAsBoolean()) {
            Placement known = lastKnown.getIfPresent(tenantId);
            if (known != null) {
                return Optional.of(servedLastKnown(known));
            }
        }
        try {
            if (coherent) {
                return Optional.ofNullable(byId.get(tenantId, id -> load(id).orElse(null)));
            }
            Placement known = lastKnown.getIfPresent(tenantId);
            return known == null ? load(tenantId) : readThrough(tenantId, known);
        } catch (DataAccessException e) {
            Placement known = e.isConnectionLost() ? lastKnown.getIfPresent(tenantId) : null;
            if (known == null) {
                throw e;
            }
            return Optional.of(servedLastKnown(known));
        }
    }

    /**
     * Whether any active or suspended organization lists {@code origin} for its browser front ends:
     * what a CORS preflight, which names no organization, is allowed by. Kept coherent like the
     * placements ({@link ListedOrigins}).
     */
    public boolean anyOrganizationListsOrigin(String origin) {
        return listedOrigins.contains(origin, coherent, controlAnswers.getAsBoolean());
    }

    /** Forgets one tenant, last known placement included: its row changed somewhere. */
    public void invalidate(UUID tenantId) {
        invalidations.incrementAndGet();
        byId.invalidate(tenantId);
        lastKnown.invalidate(tenantId);
        listedOrigins.invalidate(tenantId);
    }

    /**
     * Forgets every tenant: changes may have been missed. The last known placements stay, for an
     * outage of the control database; they are served only while it does not answer.
     */
    public void invalidateAll() {
        byId.invalidateAll();
        idsBySlug.invalidateAll();
        listedOrigins.invalidateAll();
    }

    /** How many lookups were answered with a last known placement because the control database did not answer. */
    public long servedLastKnown() {
        return servedLastKnown.sum();
    }

    /**
     * Whether cached placements can be trusted: true while a listener receives every change. When
     * false, every lookup reads the control database. The listener sets it; without one, the cache
     * is coherent up to its TTL.
     */
    void coherent(boolean value) {
        coherent = value;
        invalidateAll();
        if (value) {
            // listening again, so the control database answers: what was known from before may have
            // changed unheard, and must not be served in a later outage
            invalidations.incrementAndGet();
            lastKnown.invalidateAll();
        }
    }

    private Optional<Placement> findBySlug(String slug) {
        UUID known = idsBySlug.getIfPresent(slug);
        if (known != null) {
            // The index may be stale (a renamed or deleted tenant); the placement itself is not.
            Optional<Placement> placement =
                    find(known).filter(found -> found.slug().equals(slug));
            if (placement.isPresent()) {
                return placement;
            }
            idsBySlug.invalidate(slug);
        }
        Optional<UUID> id =
                control.queryOne("SELECT id FROM tenants WHERE slug = ?", row -> row.getObject(1, UUID.class), slug);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        if (coherent) {
            idsBySlug.put(slug, id.get());
        }
        return find(id.get()).filter(found -> found.slug().equals(slug));
    }

    /**
     * A fresh placement while the listener is away, unless the control database takes longer than
     * {@link #READ_THROUGH_WAIT} to give it: then the last known one, and the next requests do not
     * wait either until that read has ended. An outage begins before anything has noticed it, and the
     * pool would hold every request that reads through for its whole connection timeout. The read goes
     * on in the background and keeps its result for the next request.
     */
    private Optional<Placement> readThrough(UUID tenantId, Placement known) {
        if (readThroughStalled.get()) {
            return Optional.of(servedLastKnown(known));
        }
        CompletableFuture<Optional<Placement>> read = new CompletableFuture<>();
        Thread.ofVirtual().name("placement-read-through").start(() -> {
            try {
                read.complete(load(tenantId));
            } catch (RuntimeException | Error e) {
                read.completeExceptionally(e);
            }
        });
        try {
            return read.get(READ_THROUGH_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            readThroughStalled.set(true);
            read.whenComplete((placement, failure) -> readThroughStalled.set(false));
            return Optional.of(servedLastKnown(known));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException("reading the placement of tenant " + tenantId + " failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the placement of tenant " + tenantId, e);
        }
    }

    private Placement servedLastKnown(Placement known) {
        servedLastKnown.increment();
        if (servingLastKnown.compareAndSet(false, true)) {
            log.warn(
                    "the control database does not answer: tenants are served from their last known placements "
                            + "(the first: {}); changes made meanwhile hold once it is back",
                    known.slug());
        }
        return known;
    }

    private Optional<Placement> load(UUID tenantId) {
        long invalidationsBefore = invalidations.get();
        List<Row> rows = control.query(SELECT, PlacementCache::row, tenantId);
        if (servingLastKnown.compareAndSet(true, false)) {
            log.info("the control database answers again: placements are read from it again");
        }
        if (rows.isEmpty()) {
            lastKnown.invalidate(tenantId);
            return Optional.empty();
        }
        Row first = rows.getFirst();
        Map<String, ServiceDatabase> databases = new LinkedHashMap<>();
        for (Row row : rows) {
            row.database().ifPresent(database -> databases.put(database.service(), database));
        }
        Placement placement = new Placement(
                first.tenantId(),
                first.slug(),
                TenantStatus.of(first.status()),
                first.businessType(),
                first.role(),
                secrets.open(first.sealedPassword()),
                databases,
                first.corsOrigins(),
                first.quotas(),
                first.features());
        if (invalidations.get() == invalidationsBefore) {
            // a change heard while this read ran may be newer than what it read: then keep nothing
            lastKnown.put(tenantId, placement);
        }
        return Optional.of(placement);
    }

    private static Row row(ResultSet row) throws SQLException {
        String service = row.getString("service");
        Optional<ServiceDatabase> database = service == null
                ? Optional.empty()
                : Optional.of(new ServiceDatabase(
                        service,
                        row.getString("cluster_id"),
                        row.getString("database_name"),
                        DatabaseState.of(row.getString("state")),
                        row.getInt("schema_version")));
        return new Row(
                row.getObject("id", UUID.class),
                row.getString("slug"),
                row.getString("status"),
                Optional.ofNullable(row.getString("business_type")),
                row.getString("db_role"),
                row.getString("db_role_password"),
                Set.copyOf(Json.mapper().readValue(row.getString("cors_origins"), ORIGINS)),
                new Quotas(Json.mapper().readValue(row.getString("quotas"), LIMITS)),
                Features.of(Json.mapper().readValue(row.getString("features"), ORIGINS)),
                database);
    }

    private static Optional<UUID> parseId(String text) {
        return Ids.parseCanonical(text);
    }

    /** One row of the join: a tenant, and one of its databases when it has any. */
    private record Row(
            UUID tenantId,
            String slug,
            String status,
            Optional<String> businessType,
            String role,
            String sealedPassword,
            Set<String> corsOrigins,
            Quotas quotas,
            Features features,
            Optional<ServiceDatabase> database) {}
}
