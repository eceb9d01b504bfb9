package io.silo.postgres.control;

import io.silo.crypto.Ids;
import io.silo.crypto.SecretBox;
import io.silo.json.Json;
import io.silo.postgres.jdbc.Cursors;
import io.silo.postgres.jdbc.Handle;
import io.silo.postgres.jdbc.Jdbc;
import io.silo.tenant.Contact;
import io.silo.tenant.DatabaseState;
import io.silo.tenant.Quotas;
import io.silo.tenant.Slugs;
import io.silo.tenant.Tenant;
import io.silo.tenant.TenantDatabase;
import io.silo.tenant.TenantStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;

/**
 * The tenant registry: tenants and the placement of their databases. Writes that belong
 * together take the caller's {@link Handle}, so they commit in one transaction.
 *
 * <p>Thread-safe.
 */
public final class TenantStore {
    /** The unique constraint on an organization's slug, named in a violation. */
    public static final String SLUG_KEY = "tenants_slug_key";
    /** Another organization has this external id. */
    public static final String EXTERNAL_ID_KEY = "tenants_external_id_key";
    /** The external id is an organization's slug (the control database's {@code check_organization_names}). */
    public static final String EXTERNAL_ID_IS_SLUG = "tenants_external_id_is_slug";
    /** The slug is an organization's external id. */
    public static final String SLUG_IS_EXTERNAL_ID = "tenants_slug_is_external_id";

    private static final TypeReference<Map<String, Long>> QUOTAS = new TypeReference<>() {};
    /** Features, origins: a list of names. */
    private static final TypeReference<List<String>> NAMES = new TypeReference<>() {};

    private final Jdbc jdbc;
    private final SecretBox secrets;

    public TenantStore(Jdbc jdbc, SecretBox secrets) {
        this.jdbc = jdbc;
        this.secrets = secrets;
    }

    /** The tenant's own PostgreSQL role; the password in clear, never printed. */
    public record TenantRole(String name, String password) {
        @Override
        public String toString() {
            return "TenantRole[" + name + "]";
        }
    }

    /** A page of tenants, oldest first, and the cursor of the next page. */
    public record Page(List<Tenant> items, Optional<String> nextCursor) {}

    /** Records a new tenant and its databases (state pending) in the caller's transaction. */
    public void insert(Handle handle, Tenant tenant, TenantRole role) {
        handle.update(
                """
                INSERT INTO tenants (id, slug, name, business_type, status, license, quotas, features, admin_contact,
                                     billing_contact, notes, cors_origins, db_role, db_role_password, created_at, updated_at,
                                     external_id)
                VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?::jsonb, ?, ?, ?, ?, ?)
                """,
                tenant.id(),
                tenant.slug(),
                tenant.name(),
                tenant.businessType(),
                tenant.status().value(),
                tenant.license(),
                Json.write(tenant.quotas().limits()),
                Json.write(tenant.features()),
                contactJson(tenant.adminContact()),
                contactJson(tenant.billingContact()),
                tenant.notes(),
                Json.write(tenant.corsOrigins()),
                role.name(),
                secrets.seal(role.password()),
                tenant.createdAt(),
                tenant.updatedAt(),
                tenant.externalId());
        for (TenantDatabase database : tenant.databases()) {
            handle.update(
                    """
                    INSERT INTO tenant_databases (tenant_id, service, cluster_id, database_name, template_version, schema_version, state)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                    tenant.id(),
                    database.service(),
                    database.clusterId(),
                    database.databaseName(),
                    database.templateVersion(),
                    database.schemaVersion(),
                    database.state().value());
        }
    }

    public Optional<Tenant> find(UUID id) {
        return jdbc.withHandle(handle -> find(handle, id));
    }

    public Optional<Tenant> find(Handle handle, UUID id) {
        return load(handle, "id = ?", id).stream().findFirst();
    }

    /**
     * Finds a tenant by id, slug or external id, as {@code {org}} in routes: slugs and external ids
     * never equal one another (the control database's {@code check_organization_names}), so at most
     * one matches.
     */
    public Optional<Tenant> resolve(String idOrSlug) {
        return jdbc.withHandle(handle -> {
            List<Tenant> found = Slugs.isUuid(idOrSlug)
                    ? loadIfUuid(handle, idOrSlug)
                    : load(handle, "slug = ? OR external_id = ?", idOrSlug, idOrSlug);
            return found.stream().findFirst();
        });
    }

    /** Tenants oldest first, optionally by status or matching {@code search} in name, slug or external id. */
    public Page list(Optional<TenantStatus> status, Optional<String> search, Optional<String> cursor, int limit) {
        return list(status, search, Optional.empty(), Optional.empty(), cursor, limit);
    }

    /**
     * Tenants oldest first, optionally by status, matching {@code search} in name, slug or external id,
     * with a database on {@code cluster}, and with a database of {@code service}.
     */
    public Page list(
            Optional<TenantStatus> status,
            Optional<String> search,
            Optional<String> cluster,
            Optional<String> service,
            Optional<String> cursor,
            int limit) {
        Optional<Cursors.Created> after = cursor.map(Cursors.Created::decode);
        String pattern = search.map(text ->
                        "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
                .orElse(null);
        List<Tenant> rows = jdbc.withHandle(handle -> load(
                handle,
                """
                (?::text IS NULL OR status = ?::text)
                AND (?::text IS NULL OR name ILIKE ?::text OR slug ILIKE ?::text OR external_id ILIKE ?::text)
                AND (?::text IS NULL OR EXISTS (SELECT 1 FROM tenant_databases d
                                               WHERE d.tenant_id = tenants.id AND d.cluster_id = ?::text))
                AND (?::text IS NULL OR EXISTS (SELECT 1 FROM tenant_databases d
                                               WHERE d.tenant_id = tenants.id AND d.service = ?::text))
                AND (?::timestamptz IS NULL OR (created_at, id) > (?::timestamptz, ?::uuid))
                ORDER BY created_at, id LIMIT ?""",
                status.map(TenantStatus::value).orElse(null),
                status.map(TenantStatus::value).orElse(null),
                pattern,
                pattern,
                pattern,
                pattern,
                cluster.orElse(null),
                cluster.orElse(null),
                service.orElse(null),
                service.orElse(null),
                after.map(Cursors.Created::createdAt).orElse(null),
                after.map(Cursors.Created::createdAt).orElse(null),
                after.map(Cursors.Created::id).orElse(null),
                limit + 1));
        Optional<String> next = rows.size() > limit
                ? Optional.of(new Cursors.Created(
                                rows.get(limit - 1).createdAt(),
                                rows.get(limit - 1).id())
                        .encode())
                : Optional.empty();
        return new Page(rows.subList(0, Math.min(limit, rows.size())), next);
    }

    public void setStatus(UUID id, TenantStatus status, Optional<String> reason, Instant at) {
        jdbc.withHandle(handle -> setStatus(handle, id, status, reason, at));
    }

    public int setStatus(Handle handle, UUID id, TenantStatus status, Optional<String> reason, Instant at) {
        return handle.update(
                "UPDATE tenants SET status = ?, status_reason = ?, updated_at = ? WHERE id = ?",
                status.value(),
                reason,
                at,
                id);
    }

    /** Moves a tenant from one status to another only if it is still in the first; false otherwise. */
    public boolean transition(UUID id, TenantStatus from, TenantStatus to, Optional<String> reason, Instant at) {
        return jdbc.withHandle(handle -> transition(handle, id, from, to, reason, at));
    }

    /** As {@link #transition(UUID, TenantStatus, TenantStatus, Optional, Instant)}, in the caller's transaction. */
    public boolean transition(
            Handle handle, UUID id, TenantStatus from, TenantStatus to, Optional<String> reason, Instant at) {
        return handle.update(
                        // any change of status ends a closing: activating a closed organization restores it
                        "UPDATE tenants SET status = ?, status_reason = ?, delete_after = NULL, updated_at = ?"
                                + " WHERE id = ? AND status = ?",
                        to.value(),
                        reason,
                        at,
                        id,
                        from.value())
                == 1;
    }

    /**
     * Closes an active tenant, in the caller's transaction: suspended with {@code reason}, deleted
     * once {@code deleteAfter} has passed ({@link #closedBefore}). False when it was not active.
     */
    public boolean close(Handle handle, UUID id, String reason, Instant deleteAfter, Instant at) {
        return handle.update(
                        "UPDATE tenants SET status = 'suspended', status_reason = ?, delete_after = ?, updated_at = ?"
                                + " WHERE id = ? AND status = 'active'",
                        reason,
                        deleteAfter,
                        at,
                        id)
                == 1;
    }

    /** Closed tenants whose grace ended before {@code now}, oldest first, at most {@code limit}. */
    public List<UUID> closedBefore(Instant now, int limit) {
        return jdbc.query(
                "SELECT id FROM tenants WHERE status = 'suspended' AND delete_after <= ? ORDER BY delete_after LIMIT ?",
                row -> row.getObject(1, UUID.class),
                now,
                limit);
    }

    public void setDatabaseState(UUID tenantId, String service, DatabaseState state, Optional<String> error) {
        jdbc.update(
                "UPDATE tenant_databases SET state = ?, error = ?, updated_at = now() WHERE tenant_id = ? AND service = ?",
                state.value(),
                error,
                tenantId,
                service);
    }

    /** Changes the registry fields of a tenant; status, slug and placement change elsewhere. */
    public void update(Handle handle, Tenant changed, Instant at) {
        handle.update(
                """
                UPDATE tenants SET name = ?, business_type = ?, license = ?, quotas = ?::jsonb, features = ?::jsonb,
                                   admin_contact = ?::jsonb, billing_contact = ?::jsonb, notes = ?, cors_origins = ?::jsonb,
                                   external_id = ?, updated_at = ?
                WHERE id = ?
                """,
                changed.name(),
                changed.businessType(),
                changed.license(),
                Json.write(changed.quotas().limits()),
                Json.write(changed.features()),
                contactJson(changed.adminContact()),
                contactJson(changed.billingContact()),
                changed.notes(),
                Json.write(changed.corsOrigins()),
                changed.externalId(),
                at,
                changed.id());
    }

    /**
     * Sets or clears (empty) an organization's own password minimum, in the caller's transaction; the
     * tenants trigger tells every instance, as for any change of the row.
     */
    public void updatePasswordMinLength(Handle handle, UUID id, Optional<Integer> minLength) {
        handle.update("UPDATE tenants SET password_min_length = ? WHERE id = ?", minLength, id);
    }

    /** Removes the tenant row; its databases, directory entries and refresh tokens go with it (cascade). */
    public void delete(Handle handle, UUID id) {
        handle.update("DELETE FROM tenants WHERE id = ?", id);
    }

    public TenantRole role(UUID id) {
        return jdbc.queryOne(
                        "SELECT db_role, db_role_password FROM tenants WHERE id = ?",
                        row -> new TenantRole(row.getString(1), secrets.open(row.getString(2))),
                        id)
                .orElseThrow(() -> new IllegalStateException("tenant " + id + " has no row"));
    }

    /**
     * The passwords the control database holds for the tenant's role: the current one and, while a
     * rotation is under way, the next; empty for a tenant that is gone. A pool asks after a login is
     * refused ({@link io.silo.postgres.pool.RolePasswords}).
     */
    public List<String> rolePasswords(UUID id) {
        return jdbc.queryOne(
                        "SELECT db_role_password, db_role_password_next FROM tenants WHERE id = ?",
                        row -> {
                            List<String> passwords = new ArrayList<>();
                            passwords.add(secrets.open(row.getString(1)));
                            Optional.ofNullable(row.getString(2))
                                    .map(secrets::open)
                                    .ifPresent(passwords::add);
                            return List.copyOf(passwords);
                        },
                        id)
                .orElse(List.of());
    }

    /**
     * The role's next password, staged before the clusters' role is altered: the one staged before
     * when a rotation was interrupted (it may be the role's password already), else {@code fresh}.
     */
    public String stageRolePassword(UUID id, String fresh) {
        return jdbc.inTransaction(handle -> {
            Optional<String> staged = handle.queryOne(
                            "SELECT db_role_password_next FROM tenants WHERE id = ? FOR UPDATE",
                            row -> Optional.ofNullable(row.getString(1)),
                            id)
                    .orElseThrow(() -> new IllegalStateException("tenant " + id + " has no row"));
            if (staged.isPresent()) {
                return secrets.open(staged.get());
            }
            handle.update("UPDATE tenants SET db_role_password_next = ? WHERE id = ?", secrets.seal(fresh), id);
            return fresh;
        });
    }

    /**
     * Makes the staged password the role's, once every cluster's role has it; the row's change tells
     * every instance, whose pools then re-open with it. False when nothing was staged (done before).
     */
    public boolean promoteRolePassword(UUID id) {
        return jdbc.update("""
                        UPDATE tenants SET db_role_password = db_role_password_next, db_role_password_next = NULL,
                                           updated_at = now()
                        WHERE id = ? AND db_role_password_next IS NOT NULL
                        """, id) == 1;
    }

    /** Whether any tenant database of this name is placed, on any cluster. */
    public boolean databaseNameKnown(String databaseName) {
        return jdbc.queryOne("SELECT 1 FROM tenant_databases WHERE database_name = ?", row -> 1, databaseName)
                .isPresent();
    }

    /** Whether a tenant database of this name is already placed on the cluster. */
    public boolean databaseNameTaken(String clusterId, String databaseName) {
        return jdbc.queryOne(
                        "SELECT 1 FROM tenant_databases WHERE cluster_id = ? AND database_name = ?",
                        row -> 1,
                        clusterId,
                        databaseName)
                .isPresent();
    }

    /** How many tenant databases each cluster holds, for placement. */
    public Map<String, Long> databasesPerCluster() {
        Map<String, Long> counts = new LinkedHashMap<>();
        jdbc.query(
                "SELECT cluster_id, count(*) FROM tenant_databases GROUP BY cluster_id",
                row -> counts.put(row.getString(1), row.getLong(2)));
        return counts;
    }

    /** A ready database of a tenant: which tenant, which service. */
    public record ServiceOfTenant(UUID tenantId, String service) {}

    /**
     * Ready databases of tenants in one of {@code statuses} for {@code services}, ordered by tenant
     * then service, those after {@code after} (from the start when empty): a walk through them a page
     * at a time.
     */
    public List<ServiceOfTenant> readyDatabases(
            Collection<TenantStatus> statuses,
            Collection<String> services,
            Optional<ServiceOfTenant> after,
            int limit) {
        return jdbc.query(
                "SELECT d.tenant_id, d.service FROM tenant_databases d JOIN tenants t ON t.id = d.tenant_id"
                        + " WHERE d.state = 'ready' AND t.status = ANY (?) AND d.service = ANY (?)"
                        + " AND (?::uuid IS NULL OR (d.tenant_id, d.service) > (?::uuid, ?::text))"
                        + " ORDER BY d.tenant_id, d.service LIMIT ?",
                row -> new ServiceOfTenant(row.getObject(1, UUID.class), row.getString(2)),
                statuses.stream().map(TenantStatus::value).toArray(String[]::new),
                services.toArray(String[]::new),
                after.map(ServiceOfTenant::tenantId),
                after.map(ServiceOfTenant::tenantId),
                after.map(ServiceOfTenant::service),
                limit);
    }

    public long count() {
        return jdbc.queryOne("SELECT count(*) FROM tenants", row -> row.getLong(1))
                .orElse(0L);
    }

    private List<Tenant> loadIfUuid(Handle handle, String text) {
        return Ids.parseCanonical(text).map(id -> load(handle, "id = ?", id)).orElse(List.of());
    }

    private List<Tenant> load(Handle handle, String where, Object... params) {
        List<Tenant> tenants = handle.query("SELECT * FROM tenants WHERE " + where, TenantStore::mapTenant, params);
        if (tenants.isEmpty()) {
            return tenants;
        }
        UUID[] ids = tenants.stream().map(Tenant::id).toArray(UUID[]::new);
        Map<UUID, List<TenantDatabase>> databases = new LinkedHashMap<>();
        handle.query(
                "SELECT * FROM tenant_databases WHERE tenant_id = ANY(?) ORDER BY tenant_id, service = 'core' DESC, service",
                row -> databases
                        .computeIfAbsent(row.getObject("tenant_id", UUID.class), key -> new ArrayList<>())
                        .add(mapDatabase(row)),
                (Object) ids);
        return tenants.stream()
                .map(tenant -> withDatabases(tenant, databases.getOrDefault(tenant.id(), List.of())))
                .toList();
    }

    private static Tenant withDatabases(Tenant t, List<TenantDatabase> databases) {
        return new Tenant(
                t.id(),
                t.slug(),
                t.name(),
                t.businessType(),
                t.status(),
                t.statusReason(),
                t.license(),
                t.quotas(),
                t.features(),
                t.adminContact(),
                t.billingContact(),
                t.notes(),
                t.corsOrigins(),
                t.createdAt(),
                t.updatedAt(),
                databases,
                t.passwordMinLength(),
                t.externalId(),
                t.deleteAfter());
    }

    private static Tenant mapTenant(ResultSet row) throws SQLException {
        return new Tenant(
                row.getObject("id", UUID.class),
                row.getString("slug"),
                row.getString("name"),
                Optional.ofNullable(row.getString("business_type")),
                TenantStatus.of(row.getString("status")),
                Optional.ofNullable(row.getString("status_reason")),
                Optional.ofNullable(row.getString("license")),
                new Quotas(Json.mapper().readValue(row.getString("quotas"), QUOTAS)),
                Json.mapper().readValue(row.getString("features"), NAMES),
                contact(row.getString("admin_contact")),
                contact(row.getString("billing_contact")),
                Optional.ofNullable(row.getString("notes")),
                Json.mapper().readValue(row.getString("cors_origins"), NAMES),
                row.getTimestamp("created_at").toInstant(),
                row.getTimestamp("updated_at").toInstant(),
                List.of(),
                Optional.ofNullable(row.getObject("password_min_length", Integer.class)),
                Optional.ofNullable(row.getString("external_id")),
                Optional.ofNullable(row.getTimestamp("delete_after")).map(java.sql.Timestamp::toInstant));
    }

    private static TenantDatabase mapDatabase(ResultSet row) throws SQLException {
        return new TenantDatabase(
                row.getString("service"),
                row.getString("cluster_id"),
                row.getString("database_name"),
                row.getInt("template_version"),
                row.getInt("schema_version"),
                DatabaseState.of(row.getString("state")),
                Optional.ofNullable(row.getString("error")));
    }

    private static Optional<Contact> contact(String json) {
        if (json == null) {
            return Optional.empty();
        }
        JsonNode node = Json.read(json);
        return Optional.of(new Contact(node.path("email").asString(), text(node, "name"), text(node, "phone")));
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isString() ? Optional.of(value.asString()) : Optional.empty();
    }

    private static String contactJson(Optional<Contact> contact) {
        return contact.map(value -> {
                    Map<String, String> out = new LinkedHashMap<>();
                    out.put("email", value.email());
                    value.name().ifPresent(name -> out.put("name", name));
                    value.phone().ifPresent(phone -> out.put("phone", phone));
                    return Json.write(out);
                })
                .orElse(null);
    }

    /** Keyset position in the listing: (created_at, id) of the last row seen. */
}
