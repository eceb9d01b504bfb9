package io.silo.postgres.activity;

import io.silo.audit.ActivityEntry;
import io.silo.json.Json;
import io.silo.postgres.internal.Handle;

/**
 * Appends to a tenant database's {@code silo_activity} table, inside the caller's transaction so
 * that the record commits with the change it describes. Insert only: the tenant's own role may
 * append to the table but not change it.
 *
 * <p>Stateless and thread-safe.
 */
public final class ActivityLog {
    private ActivityLog() {}

    public static void append(Handle tenantHandle, ActivityEntry entry) {
        ActivityEntry.Actor actor = entry.actor();
        tenantHandle.update("""
                INSERT INTO silo_activity (user_id, username, role, action, service, target_type, target_id, target_name,
                                           details, ip_address, user_agent, request_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?)
                """, actor.userId(), actor.name(), actor.role(), entry.action(), entry.service(), entry.target().type(),
                entry.target().id(), entry.target().name(), Json.write(entry.details()), actor.ipAddress(), actor.userAgent(),
                actor.requestId());
    }
}
