package io.silo.postgres.placement;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.silo.crypto.Ids;
import io.silo.crypto.SecretBox;
import io.silo.postgres.jdbc.Jdbc;
import io.silo.tenant.DatabaseState;
import io.silo.tenant.TenantStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Placements of tenants, read from the control database ({@code tenants} joined with
 * {@code tenant_databases}) and cached by tenant id, with a slug index so that a tenant is found
 * by either. Every request resolves its tenant here, so the cache spares the control database a
 * query per request.
 *
 * <p>Coherence comes from a {@link PlacementListener}: a change of a tenant in any instance
 * invalidates it here. While the listener is not connected, changes may be missed, so the cache
 * then reads through to the database and keeps nothing. The TTL is only a backstop. Unknown ids
 * and slugs are never cached: a tenant created a moment ago must be found.
 *
 * <p>Thread-safe. A load runs inside Caffeine's atomic compute, so an invalidation that arrives
 * while a load is under way waits for it and then drops what it read; a stale placement cannot
 * outlive the notification of its change.
 */
public final class PlacementCache {
    /** The backstop: a cached placement is read again after this long even without a notification. */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(5);

    private static final long MAX_TENANTS = 100_000;

    private static final String SELECT = """
            SELECT t.id, t.slug, t.status, t.business_type, t.db_role, t.db_role_password,
                   d.service, d.cluster_id, d.database_name, d.state, d.schema_version
              FROM tenants t LEFT JOIN tenant_databases d ON d.tenant_id = t.id
             WHERE t.id = ?
             ORDER BY d.service
            """;

    private final Jdbc control;
    private final SecretBox secrets;
    private final Cache<UUID, Placement> byId;
    private final Cache<String, UUID> idsBySlug;
    private volatile boolean coherent = true;

    /** A cache with the default TTL on system time. */
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
        this.control = control;
        this.secrets = secrets;
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
    }

    /** The placement of the tenant with this id (in its text form) or slug. */
    public Optional<Placement> find(String idOrSlug) {
        Optional<UUID> id = parseId(idOrSlug);
        return id.isPresent() ? find(id.get()) : findBySlug(idOrSlug);
    }

    public Optional<Placement> find(UUID tenantId) {
        if (!coherent) {
            return load(tenantId);
        }
        return Optional.ofNullable(byId.get(tenantId, id -> load(id).orElse(null)));
    }

    /** Forgets one tenant: its row changed somewhere. */
    public void invalidate(UUID tenantId) {
        byId.invalidate(tenantId);
    }

    /** Forgets every tenant: changes may have been missed. */
    public void invalidateAll() {
        byId.invalidateAll();
        idsBySlug.invalidateAll();
    }

    /**
     * Whether cached placements can be trusted: true while a listener receives every change. When
     * false, every lookup reads the control database. The listener sets it; without one, the cache
     * is coherent up to its TTL.
     */
    void coherent(boolean value) {
        coherent = value;
        invalidateAll();
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

    private Optional<Placement> load(UUID tenantId) {
        List<Row> rows = control.query(SELECT, PlacementCache::row, tenantId);
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Row first = rows.getFirst();
        Map<String, ServiceDatabase> databases = new LinkedHashMap<>();
        for (Row row : rows) {
            row.database().ifPresent(database -> databases.put(database.service(), database));
        }
        return Optional.of(new Placement(
                first.tenantId(),
                first.slug(),
                TenantStatus.of(first.status()),
                first.businessType(),
                first.role(),
                secrets.open(first.sealedPassword()),
                databases));
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
            Optional<ServiceDatabase> database) {}
}
