package io.silo.postgres.control;

import io.silo.audit.AuditEntry;
import io.silo.json.Json;
import io.silo.postgres.jdbc.Handle;
import io.silo.postgres.jdbc.Jdbc;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.core.type.TypeReference;

/**
 * The master audit log in the control database: platform actions, append-only.
 *
 * <p>Thread-safe.
 */
public final class AuditLog {
    private static final TypeReference<Map<String, Object>> DETAILS = new TypeReference<>() {};

    private final Jdbc jdbc;

    public AuditLog(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** A stored entry. */
    public record Record(long id, Instant at, AuditEntry entry) {}

    public void append(AuditEntry entry) {
        jdbc.useHandle(handle -> {
            append(handle, entry);
        });
    }

    /** Appends within the caller's transaction, so the record commits with the change it describes. */
    public void append(Handle handle, AuditEntry entry) {
        AuditEntry.Actor actor = entry.actor();
        handle.update(
                """
                INSERT INTO audit_log (actor_kind, actor_id, actor_name, action, target_kind, target_id, tenant_id,
                                       details, client_address, user_agent, request_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?)
                """,
                actor.kind(),
                actor.id(),
                actor.name(),
                entry.action(),
                entry.targetKind(),
                entry.targetId(),
                entry.tenantId(),
                Json.write(entry.details()),
                actor.clientAddress(),
                actor.userAgent(),
                actor.requestId());
    }

    /** Entries newer first, before the given id (exclusive) when one is given; optionally for one tenant. */
    public List<Record> page(Optional<Long> beforeId, Optional<UUID> tenantId, int limit) {
        return jdbc.query(
                """
                SELECT * FROM audit_log
                WHERE (?::bigint IS NULL OR id < ?::bigint) AND (?::uuid IS NULL OR tenant_id = ?::uuid)
                ORDER BY id DESC LIMIT ?
                """,
                row -> new Record(
                        row.getLong("id"),
                        row.getTimestamp("at").toInstant(),
                        new AuditEntry(
                                new AuditEntry.Actor(
                                        row.getString("actor_kind"),
                                        row.getString("actor_id"),
                                        row.getString("actor_name"),
                                        row.getString("client_address"),
                                        row.getString("user_agent"),
                                        row.getString("request_id")),
                                row.getString("action"),
                                row.getString("target_kind"),
                                row.getString("target_id"),
                                Optional.ofNullable(row.getObject("tenant_id", UUID.class)),
                                Json.mapper().readValue(row.getString("details"), DETAILS))),
                beforeId,
                beforeId,
                tenantId,
                tenantId,
                limit);
    }
}
