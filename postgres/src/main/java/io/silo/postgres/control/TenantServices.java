package io.silo.postgres.control;

import io.silo.postgres.jdbc.Handle;
import io.silo.postgres.jdbc.Jdbc;
import io.silo.tenant.DatabaseState;
import io.silo.tenant.TenantDatabase;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The services of organizations after their creation: a database added to one, detached when its
 * service is removed, attached again when it is restored, and forgotten once dropped. Each change is
 * guarded by the state it expects, so that two racing changes (a restore and the drop after the grace
 * period, say) cannot both win; the {@code tenant_databases} trigger tells every instance.
 *
 * <p>Thread-safe.
 */
public final class TenantServices {
    private final Jdbc jdbc;

    public TenantServices(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * A database of a removed service whose grace ended: still detached, or being dropped already
     * (a drop job that failed or was cancelled leaves it so, for the next sweep to start again).
     */
    public record Detached(UUID tenantId, String service, Instant until, boolean dropping) {}

    /** Records a new database of an existing tenant (state pending) in the caller's transaction. */
    public void add(Handle handle, UUID tenantId, TenantDatabase database) {
        handle.update(
                """
                INSERT INTO tenant_databases (tenant_id, service, cluster_id, database_name, template_version, schema_version, state)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                tenantId,
                database.service(),
                database.clusterId(),
                database.databaseName(),
                database.templateVersion(),
                database.schemaVersion(),
                database.state().value());
    }

    /** Detaches a ready database until {@code until}; false when it was not ready (any more). */
    public boolean detach(Handle handle, UUID tenantId, String service, Instant until) {
        return handle.update("""
                        UPDATE tenant_databases SET state = 'detached', detached_until = ?, error = NULL, updated_at = now()
                        WHERE tenant_id = ? AND service = ? AND state = 'ready'
                        """, until, tenantId, service) == 1;
    }

    /** When the detached database of {@code service} is dropped; empty when it is not detached. */
    public Optional<Instant> detachedUntil(UUID tenantId, String service) {
        return jdbc.queryOne(
                "SELECT detached_until FROM tenant_databases WHERE tenant_id = ? AND service = ? AND state = 'detached'",
                row -> row.getTimestamp(1).toInstant(),
                tenantId,
                service);
    }

    /** Attaches a detached database again, while its grace lasts at {@code now}; false otherwise. */
    public boolean reattach(Handle handle, UUID tenantId, String service, Instant now) {
        return handle.update("""
                        UPDATE tenant_databases SET state = 'ready', detached_until = NULL, updated_at = now()
                        WHERE tenant_id = ? AND service = ? AND state = 'detached' AND detached_until > ?
                        """, tenantId, service, now) == 1;
    }

    /**
     * Databases of removed services whose grace ended at {@code now}, oldest first: detached, or
     * dropping. Those of an organization being deleted are left to its deletion.
     */
    public List<Detached> expired(Instant now, int limit) {
        return jdbc.query(
                """
                SELECT d.tenant_id, d.service, d.detached_until, d.state = 'dropping'
                FROM tenant_databases d JOIN tenants t ON t.id = d.tenant_id
                WHERE d.state IN ('detached', 'dropping') AND d.detached_until <= ? AND t.status <> 'deleting'
                ORDER BY d.detached_until LIMIT ?
                """,
                row -> new Detached(
                        row.getObject(1, UUID.class),
                        row.getString(2),
                        row.getTimestamp(3).toInstant(),
                        row.getBoolean(4)),
                now,
                limit);
    }

    /** Marks a detached database whose grace ended as dropping; false when it was restored or taken meanwhile. */
    public boolean startDrop(Handle handle, UUID tenantId, String service, Instant now) {
        return handle.update("""
                        UPDATE tenant_databases SET state = 'dropping', updated_at = now()
                        WHERE tenant_id = ? AND service = ? AND state = 'detached' AND detached_until <= ?
                        """, tenantId, service, now) == 1;
    }

    /**
     * Marks the database of a service whose addition failed as dropping at once: there is nothing in
     * it to keep. False when it is not failed (any more).
     */
    public boolean discardFailed(Handle handle, UUID tenantId, String service, Instant now) {
        return handle.update("""
                        UPDATE tenant_databases SET state = 'dropping', detached_until = ?, updated_at = now()
                        WHERE tenant_id = ? AND service = ? AND state = 'failed'
                        """, now, tenantId, service) == 1;
    }

    /** Sets the state of a database being added: ready, or failed with the reason. */
    public void setState(UUID tenantId, String service, DatabaseState state, Optional<String> error) {
        jdbc.update(
                "UPDATE tenant_databases SET state = ?, error = ?, updated_at = now() WHERE tenant_id = ? AND service = ?",
                state.value(),
                error,
                tenantId,
                service);
    }

    /** Forgets a dropped database of a tenant. */
    public void forget(UUID tenantId, String service) {
        jdbc.update(
                "DELETE FROM tenant_databases WHERE tenant_id = ? AND service = ? AND state = 'dropping'",
                tenantId,
                service);
    }
}
