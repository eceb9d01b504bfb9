package io.silo.postgres.activity;

import io.silo.json.Json;
import io.silo.postgres.jdbc.Handle;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.core.type.TypeReference;

/**
 * The activity log of a tenant database ({@code silo_activity}). A change is logged in the
 * database it changed, in the same transaction, so a write is never without its record and a
 * record never without its write; the tenant's role may append and read, never rewrite.
 *
 * <p>Stateless and thread-safe.
 */
public final class ActivityLog {
    private static final TypeReference<Map<String, Object>> DETAILS = new TypeReference<>() {};

    private static final String COLUMNS =
            "user_id, username, role, action, service, target_type, target_id, target_name, details, ip_address,"
                    + " user_agent, request_id";

    public void record(Handle handle, ActivityEntry entry) {
        Object[] values = new Object[12];
        Object[] others = parameters(entry);
        System.arraycopy(others, 0, values, 0, 6);
        values[6] = entry.targetId();
        System.arraycopy(others, 6, values, 7, 5);
        handle.update(
                "INSERT INTO silo_activity (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?)",
                values);
    }

    /**
     * The entry's row as one part of a larger statement: an {@code INSERT … SELECT} with one row per
     * row of {@code source} (a common table expression with an {@code id} column), which gives the
     * target id; the entry's own target id is not used. Its parameters are {@link #parameters}.
     */
    public static String insertFrom(String source) {
        return "INSERT INTO silo_activity (" + COLUMNS + ") SELECT ?, ?, ?, ?, ?, ?, " + source
                + ".id::text, ?, ?::jsonb, ?, ?, ? FROM " + source;
    }

    /** The parameters of {@link #insertFrom}, in order: every column but {@code target_id}. */
    public static Object[] parameters(ActivityEntry entry) {
        return new Object[] {
            entry.userId(),
            entry.username(),
            entry.role(),
            entry.action(),
            entry.service(),
            entry.targetType(),
            entry.targetName(),
            Json.write(entry.details()),
            entry.ipAddress(),
            entry.userAgent(),
            entry.requestId()
        };
    }

    /** Entries newest first, strictly before the position {@code (at, id)} when given. */
    public List<ActivityEntry> page(Handle handle, Optional<Instant> beforeAt, Optional<Long> beforeId, int limit) {
        return handle.query("""
                SELECT * FROM silo_activity
                WHERE ?::timestamptz IS NULL OR (at, id) < (?::timestamptz, ?::bigint)
                ORDER BY at DESC, id DESC LIMIT ?
                """, ActivityLog::map, beforeAt, beforeAt, beforeId.orElse(Long.MAX_VALUE), limit);
    }

    private static ActivityEntry map(ResultSet row) throws SQLException {
        return new ActivityEntry(
                Optional.of(row.getLong("id")),
                Optional.of(row.getTimestamp("at").toInstant()),
                Optional.ofNullable(row.getObject("user_id", UUID.class)),
                Optional.ofNullable(row.getString("username")),
                Optional.ofNullable(row.getString("role")),
                row.getString("action"),
                row.getString("service"),
                row.getString("target_type"),
                row.getString("target_id"),
                Optional.ofNullable(row.getString("target_name")),
                Json.mapper().readValue(row.getString("details"), DETAILS),
                row.getString("ip_address"),
                row.getString("user_agent"),
                row.getString("request_id"));
    }
}
