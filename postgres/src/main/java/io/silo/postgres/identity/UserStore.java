package io.silo.postgres.identity;

import io.silo.error.ProblemType;
import io.silo.identity.MemberProfile;
import io.silo.identity.User;
import io.silo.json.Json;
import io.silo.postgres.jdbc.Cursors;
import io.silo.postgres.jdbc.Handle;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
    /** The unique index on a user's email (core template), named in a violation. */
    public static final String EMAIL_KEY = "users_email_key";
    /** The unique index on a user's username (core template), named in a violation. */
    public static final String USERNAME_KEY = "users_username_key";

    /** A user to create; the password is already hashed. */
    public record NewUser(
            UUID id,
            Optional<String> email,
            Optional<String> username,
            String name,
            String passwordHash,
            Map<String, String> roles,
            JsonNode profile) {
        @Override
        public String toString() {
            return "NewUser[" + id + " " + email.or(() -> username).orElse("") + "]";
        }
    }

    /**
     * What sign-in needs to know about a user, the password hash included; it never leaves the server.
     *
     * @param failedLogins consecutive failed sign-ins since the last success or lock
     * @param lockedUntil when set and in the future, sign-in is refused until then
     */
    public record Credentials(
            UUID userId, String passwordHash, String status, int failedLogins, Optional<Instant> lockedUntil) {
        public boolean active() {
            return "active".equals(status);
        }

        public boolean lockedAt(Instant now) {
            return lockedUntil.filter(until -> until.isAfter(now)).isPresent();
        }

        @Override
        public String toString() {
            return "Credentials[" + userId + " " + status + "]";
        }
    }

    /**
     * The whole new state of a user after a change; the store bumps its version and tells the outbox.
     *
     * @param roles the complete set of memberships after the change, by service
     * @param newPasswordHash a new password, already hashed; it also lifts a lock, as does a change of status
     */
    public record Edit(
            Optional<String> email,
            Optional<String> username,
            String name,
            String status,
            JsonNode profile,
            Map<String, String> roles,
            Optional<String> newPasswordHash,
            Instant at) {
        @Override
        public String toString() {
            return "Edit[" + email.or(() -> username).orElse("") + " " + status + "]";
        }
    }

    /** A page of users in creation order and the cursor of the next one. */
    public record Page(List<User> items, Optional<String> nextCursor) {}

    /**
     * Which members to list: optionally those whose username or name contains {@code search}, those
     * with a role in {@code service}, and of them those whose role there is {@code role}.
     */
    public record ProfileQuery(
            Optional<String> search,
            Optional<String> service,
            Optional<String> role,
            Optional<String> cursor,
            int limit) {}

    /** A page of members' public profiles in creation order and the cursor of the next one. */
    public record ProfilePage(List<MemberProfile> items, Optional<String> nextCursor) {}

    /** Creates the user unless one with this id exists (so a repeated job step is harmless); returns it. */
    public User insertIfAbsent(Handle core, NewUser user) {
        int inserted = core.update(
                """
                INSERT INTO users (id, email, username, name, password_hash, profile) VALUES (?, ?, ?, ?, ?, ?::jsonb)
                ON CONFLICT (id) DO NOTHING
                """,
                user.id(),
                user.email(),
                user.username(),
                user.name(),
                user.passwordHash(),
                Json.write(user.profile()));
        if (inserted == 1) {
            for (Map.Entry<String, String> role : user.roles().entrySet()) {
                core.update(
                        "INSERT INTO memberships (user_id, service, role) VALUES (?, ?, ?)",
                        user.id(),
                        role.getKey(),
                        role.getValue());
            }
            Outbox.userChanged(core, new UserChange(user.id(), 1, user.email(), user.username(), "active"));
        }
        return find(core, user.id()).orElseThrow();
    }

    public Optional<User> find(Handle core, UUID id) {
        return core.queryOne("SELECT * FROM users WHERE id = ?", row -> map(row, roles(core, id)), id);
    }

    /** The ids among {@code ids} that name a user of this core database. */
    public java.util.Set<UUID> existing(Handle core, java.util.Collection<UUID> ids) {
        return java.util.Set.copyOf(
                core.query("SELECT id FROM users WHERE id = ANY(?)", row -> row.getObject("id", UUID.class), (Object)
                        ids.toArray(UUID[]::new)));
    }

    public long count(Handle core) {
        return core.queryOne("SELECT count(*) FROM users", row -> row.getLong(1))
                .orElse(0L);
    }

    /** The service roles of a user, by service. */
    private Map<String, String> roles(Handle core, UUID userId) {
        Map<String, String> roles = new HashMap<>();
        core.query(
                "SELECT service, role FROM memberships WHERE user_id = ?",
                row -> roles.put(row.getString(1), row.getString(2)),
                userId);
        return roles;
    }

    /**
     * Serializes every change that can affect who administers the organization, or how many users
     * it has, with the others, until the caller's transaction ends. An advisory lock needs no
     * privilege on any table, so the tenant's own role may take it.
     */
    public void lockMembership(Handle core) {
        core.query("SELECT pg_advisory_xact_lock(7163021)", row -> 1);
    }

    /** How many active users hold the organization's {@code admin} role in {@code core}. */
    public long activeAdmins(Handle core) {
        return core.queryOne("""
                SELECT count(*) FROM users u JOIN memberships m ON m.user_id = u.id
                WHERE m.service = 'core' AND m.role = 'admin' AND u.status = 'active'
                """, row -> row.getLong(1)).orElse(0L);
    }

    /** The credentials behind a sign-in name: {@code kind} is {@code email} or {@code username}, {@code login} in lower case. */
    public Optional<Credentials> credentials(Handle core, String kind, String login) {
        String column = switch (kind) {
            case "email" -> "email";
            case "username" -> "username";
            default -> throw new IllegalArgumentException("unknown login kind " + kind);
        };
        return core.queryOne(
                "SELECT id, password_hash, status, failed_logins, locked_until FROM users WHERE " + column + " = ?",
                row -> new Credentials(
                        row.getObject(1, UUID.class),
                        row.getString(2),
                        row.getString(3),
                        row.getInt(4),
                        Optional.ofNullable(row.getTimestamp(5)).map(Timestamp::toInstant)),
                login);
    }

    /** The credentials of the user {@code id}, for a signed-in member's own password change. */
    public Optional<Credentials> credentials(Handle core, UUID id) {
        return core.queryOne(
                "SELECT id, password_hash, status, failed_logins, locked_until FROM users WHERE id = ?",
                row -> new Credentials(
                        row.getObject(1, UUID.class),
                        row.getString(2),
                        row.getString(3),
                        row.getInt(4),
                        Optional.ofNullable(row.getTimestamp(5)).map(Timestamp::toInstant)),
                id);
    }

    /**
     * Sets an active user's password hash. With {@code replacing}, only while the stored hash is
     * still that one (a change checked against the current password must not overwrite a reset that
     * won the race); {@code unlock} also clears failures and a lock (a reset by mail).
     *
     * @return false when the user is gone, disabled, or its password changed meanwhile
     */
    public boolean setPassword(
            Handle core, UUID id, Optional<String> replacing, String newHash, boolean unlock, Instant at) {
        return core.update("""
                UPDATE users SET password_hash = ?, password_changed_at = ?, updated_at = ?,
                                 failed_logins = CASE WHEN ? THEN 0 ELSE failed_logins END,
                                 locked_until = CASE WHEN ? THEN NULL ELSE locked_until END
                WHERE id = ? AND status = 'active' AND (?::text IS NULL OR password_hash = ?)
                """, newHash, at, at, unlock, unlock, id, replacing, replacing) == 1;
    }

    /**
     * A successful sign-in: clears failures and lock, notes the time, and stores a rehash when
     * parameters changed. It applies only to the password whose hash was {@code verifiedHash}; false when the
     * account changed meanwhile (an administrator reset the password, disabled or deleted it), so
     * that a sign-in racing a reset never issues a session, nor writes the old password back.
     */
    public boolean recordLogin(Handle core, UUID id, String verifiedHash, Instant at, Optional<String> rehash) {
        return core.update("""
                UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = ?, password_hash = coalesce(?, password_hash)
                WHERE id = ? AND password_hash = ? AND status = 'active'
                """, at, rehash, id, verifiedHash) == 1;
    }

    /**
     * A wrong password: counts it, and locks the account for {@code lockFor} when this failure
     * reaches {@code threshold}; the count starts again after a lock.
     *
     * @return the end of the lock, if this failure locked the account
     */
    public Optional<Instant> recordFailure(Handle core, UUID id, Instant at, int threshold, Duration lockFor) {
        Instant until = at.plus(lockFor);
        boolean locked = core.queryOne("""
                UPDATE users SET failed_logins = CASE WHEN failed_logins + 1 >= ? THEN 0 ELSE failed_logins + 1 END,
                                 locked_until = CASE WHEN failed_logins + 1 >= ? THEN ? ELSE locked_until END
                WHERE id = ? RETURNING failed_logins = 0
                """, row -> row.getBoolean(1), threshold, threshold, until, id)
                .orElse(false);
        return locked ? Optional.of(until) : Optional.empty();
    }

    /**
     * Writes a user's new state and memberships, bumps its version and records the change in the
     * outbox, all in the caller's transaction.
     *
     * @return the user as it is now
     */
    public User change(Handle core, UUID id, Edit edit) {
        long version = core.queryOne(
                        """
                UPDATE users SET email = ?, username = ?, name = ?, profile = ?::jsonb, version = version + 1, updated_at = ?,
                                 password_hash = coalesce(?, password_hash),
                                 password_changed_at = CASE WHEN ?::text IS NULL THEN password_changed_at ELSE ? END,
                                 failed_logins = CASE WHEN ?::text IS NULL AND status = ? THEN failed_logins ELSE 0 END,
                                 locked_until = CASE WHEN ?::text IS NULL AND status = ? THEN locked_until ELSE NULL END,
                                 status = ?
                WHERE id = ? RETURNING version
                """,
                        row -> row.getLong(1),
                        edit.email(),
                        edit.username(),
                        edit.name(),
                        Json.write(edit.profile()),
                        edit.at(),
                        edit.newPasswordHash(),
                        edit.newPasswordHash(),
                        edit.at(),
                        edit.newPasswordHash(),
                        edit.status(),
                        edit.newPasswordHash(),
                        edit.status(),
                        edit.status(),
                        id)
                .orElseThrow(() -> ProblemType.USER_NOT_FOUND.exception("no user " + id + " in this organization"));
        core.update("DELETE FROM memberships WHERE user_id = ?", id);
        for (Map.Entry<String, String> role : edit.roles().entrySet()) {
            core.update(
                    "INSERT INTO memberships (user_id, service, role) VALUES (?, ?, ?)",
                    id,
                    role.getKey(),
                    role.getValue());
        }
        Outbox.userChanged(core, new UserChange(id, version, edit.email(), edit.username(), edit.status()));
        return find(core, id).orElseThrow();
    }

    /** Deletes a user and its memberships, and tells the outbox; false when there was no such user. */
    public boolean delete(Handle core, UUID id) {
        Optional<Long> version =
                core.queryOne("DELETE FROM users WHERE id = ? RETURNING version", row -> row.getLong(1), id);
        version.ifPresent(last ->
                Outbox.userChanged(core, new UserChange(id, last + 1, Optional.empty(), Optional.empty(), "deleted")));
        return version.isPresent();
    }

    /**
     * Users in creation order, with their roles, after {@code cursor} when given; optionally only
     * those of one status, or whose email, username or name contains {@code search}.
     */
    public Page page(
            Handle core, Optional<String> status, Optional<String> search, Optional<String> cursor, int limit) {
        Optional<Cursors.Created> after = cursor.map(Cursors.Created::decode);
        Optional<String> pattern = search.map(UserStore::containing);
        List<User> rows = core.query(
                """
                SELECT * FROM users
                WHERE (?::text IS NULL OR status = ?::text)
                  AND (?::text IS NULL OR email ILIKE ?::text OR username ILIKE ?::text OR name ILIKE ?::text)
                  AND (?::timestamptz IS NULL OR (created_at, id) > (?::timestamptz, ?::uuid))
                ORDER BY created_at, id LIMIT ?
                """,
                row -> map(row, Map.of()),
                status,
                status,
                pattern,
                pattern,
                pattern,
                pattern,
                after.map(Cursors.Created::createdAt),
                after.map(Cursors.Created::createdAt),
                after.map(Cursors.Created::id),
                limit + 1);
        List<User> page = withRoles(core, rows.subList(0, Math.min(limit, rows.size())));
        Optional<String> next = rows.size() > limit
                ? Optional.of(new Cursors.Created(
                                page.getLast().createdAt(), page.getLast().id())
                        .encode())
                : Optional.empty();
        return new Page(page, next);
    }

    /**
     * Active users' public profiles in creation order, after the query's cursor. Only the public
     * columns are read: the search never looks at emails, so it cannot tell whether someone has one.
     */
    public ProfilePage profiles(Handle core, ProfileQuery query) {
        Optional<Cursors.Created> after = query.cursor().map(Cursors.Created::decode);
        Optional<String> pattern = query.search().map(UserStore::containing);
        List<ProfileRow> rows = core.query(
                """
                SELECT u.id, u.name, u.username, u.created_at FROM users u
                WHERE u.status = 'active'
                  AND (?::text IS NULL OR u.username ILIKE ?::text OR u.name ILIKE ?::text)
                  AND (?::text IS NULL OR EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id
                                                  AND m.service = ?::text AND (?::text IS NULL OR m.role = ?::text)))
                  AND (?::timestamptz IS NULL OR (u.created_at, u.id) > (?::timestamptz, ?::uuid))
                ORDER BY u.created_at, u.id LIMIT ?
                """,
                row -> new ProfileRow(
                        row.getObject(1, UUID.class),
                        row.getString(2),
                        Optional.ofNullable(row.getString(3)),
                        row.getTimestamp(4).toInstant()),
                pattern,
                pattern,
                pattern,
                query.service(),
                query.service(),
                query.role(),
                query.role(),
                after.map(Cursors.Created::createdAt),
                after.map(Cursors.Created::createdAt),
                after.map(Cursors.Created::id),
                query.limit() + 1);
        List<ProfileRow> page = rows.subList(0, Math.min(query.limit(), rows.size()));
        Map<UUID, Map<String, String>> roles =
                rolesOf(core, page.stream().map(ProfileRow::id).toList());
        Optional<String> next = rows.size() > query.limit()
                ? Optional.of(new Cursors.Created(
                                page.getLast().createdAt(), page.getLast().id())
                        .encode())
                : Optional.empty();
        return new ProfilePage(
                page.stream()
                        .map(row -> new MemberProfile(
                                row.id(), row.name(), row.username(), roles.getOrDefault(row.id(), Map.of())))
                        .toList(),
                next);
    }

    /** An active user's public profile; a disabled or missing one is not found alike. */
    public Optional<MemberProfile> profile(Handle core, UUID id) {
        return core.queryOne(
                "SELECT id, name, username FROM users WHERE id = ? AND status = 'active'",
                row -> new MemberProfile(
                        row.getObject(1, UUID.class),
                        row.getString(2),
                        Optional.ofNullable(row.getString(3)),
                        roles(core, id)),
                id);
    }

    /** A public profile's columns, and the creation time its cursor needs. */
    private record ProfileRow(UUID id, String name, Optional<String> username, Instant createdAt) {}

    private static String containing(String text) {
        return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    /** The roles of each of {@code userIds}, by service. */
    private static Map<UUID, Map<String, String>> rolesOf(Handle core, List<UUID> userIds) {
        Map<UUID, Map<String, String>> roles = new HashMap<>();
        if (!userIds.isEmpty()) {
            core.query(
                    "SELECT user_id, service, role FROM memberships WHERE user_id = ANY(?)",
                    row -> roles.computeIfAbsent(row.getObject(1, UUID.class), key -> new LinkedHashMap<>())
                            .put(row.getString(2), row.getString(3)),
                    (Object) userIds.toArray(UUID[]::new));
        }
        return roles;
    }

    private List<User> withRoles(Handle core, List<User> users) {
        Map<UUID, Map<String, String>> roles =
                rolesOf(core, users.stream().map(User::id).toList());
        return users.stream()
                .map(user -> new User(
                        user.id(),
                        user.email(),
                        user.username(),
                        user.name(),
                        user.status(),
                        roles.getOrDefault(user.id(), Map.of()),
                        user.profile(),
                        user.lastLoginAt(),
                        user.version(),
                        user.createdAt(),
                        user.updatedAt()))
                .toList();
    }

    static User map(ResultSet row, Map<String, String> roles) throws SQLException {
        return new User(
                row.getObject("id", UUID.class),
                Optional.ofNullable(row.getString("email")),
                Optional.ofNullable(row.getString("username")),
                row.getString("name"),
                row.getString("status"),
                roles,
                Json.read(row.getString("profile")),
                Optional.ofNullable(row.getTimestamp("last_login_at")).map(Timestamp::toInstant),
                row.getLong("version"),
                row.getTimestamp("created_at").toInstant(),
                row.getTimestamp("updated_at").toInstant());
    }

    /** Keyset position in the listing: (created_at, id) of the last user seen. */
}
