package io.silo.postgres.identity;

import io.silo.identity.User;
import io.silo.json.Json;
import io.silo.postgres.internal.Handle;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * Users and memberships in a tenant's core database. Every change writes its {@link UserChange}
 * to the outbox in the same transaction; callers pass a handle on the core database.
 *
 * <p>Stateless and thread-safe.
 */
public final class UserStore {

    /** A user to create; the password is already hashed. */
    public record NewUser(UUID id, Optional<String> email, Optional<String> username, String name, String passwordHash,
                          Map<String, String> roles, JsonNode profile) {
        @Override
        public String toString() {
            return "NewUser[" + id + " " + email.or(() -> username).orElse("") + "]";
        }
    }

    /** Creates the user unless one with this id exists (so a repeated job step is harmless); returns it. */
    public User insertIfAbsent(Handle core, NewUser user) {
        int inserted = core.update("""
                INSERT INTO users (id, email, username, name, password_hash, profile) VALUES (?, ?, ?, ?, ?, ?::jsonb)
                ON CONFLICT (id) DO NOTHING
                """, user.id(), user.email(), user.username(), user.name(), user.passwordHash(), Json.write(user.profile()));
        if (inserted == 1) {
            for (Map.Entry<String, String> role : user.roles().entrySet()) {
                core.update("INSERT INTO memberships (user_id, service, role) VALUES (?, ?, ?)", user.id(), role.getKey(), role.getValue());
            }
            Outbox.userChanged(core, new UserChange(user.id(), 1, user.email(), user.username(), "active"));
        }
        return find(core, user.id()).orElseThrow();
    }

    public Optional<User> find(Handle core, UUID id) {
        return core.queryOne("SELECT * FROM users WHERE id = ?", row -> map(row, roles(core, id)), id);
    }

    public long count(Handle core) {
        return core.queryOne("SELECT count(*) FROM users", row -> row.getLong(1)).orElse(0L);
    }

    /** The service roles of a user, by service. */
    public Map<String, String> roles(Handle core, UUID userId) {
        Map<String, String> roles = new HashMap<>();
        core.query("SELECT service, role FROM memberships WHERE user_id = ?", row -> roles.put(row.getString(1), row.getString(2)), userId);
        return roles;
    }

    /** Users with their roles, for listings. */
    public List<User> list(Handle core, int limit, int offset) {
        return core.query("SELECT * FROM users ORDER BY created_at, id LIMIT ? OFFSET ?",
                row -> map(row, roles(core, row.getObject("id", UUID.class))), limit, offset);
    }

    static User map(ResultSet row, Map<String, String> roles) throws SQLException {
        return new User(row.getObject("id", UUID.class), Optional.ofNullable(row.getString("email")),
                Optional.ofNullable(row.getString("username")), row.getString("name"), row.getString("status"), roles,
                Json.read(row.getString("profile")),
                Optional.ofNullable(row.getTimestamp("last_login_at")).map(Timestamp::toInstant), row.getLong("version"),
                row.getTimestamp("created_at").toInstant(), row.getTimestamp("updated_at").toInstant());
    }
}
