package io.silo.postgres.idempotency;

import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.json.Json;
import io.silo.postgres.jdbc.DataAccessException;
import io.silo.postgres.jdbc.Handle;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/**
 * The first answers to keyed requests, in {@code silo_idempotency} of the tenant database the
 * request writes to, each its caller's. A keyed write runs in one transaction:
 * {@link #claim} first, then the write, then {@link #remember} its answer, so that the answer is
 * kept exactly when the write commits. A write that fails leaves nothing: it changed nothing, and
 * a retry with the same key runs it again.
 *
 * <p>While one request holds a key, another with the same key and caller is refused at once
 * ({@code idempotency-key-in-use}) rather than queued: a tenant database has a few connections
 * only, and a client retrying in a loop must not take them all to wait. A key is kept
 * {@link #KEPT}; after that it is free again. Expired rows are taken over by their key's next use
 * and swept, a few at a time, by every keyed write of the database: no job visits every tenant.
 *
 * <p>Thread-safe: stateless but for the clock.
 */
public final class IdempotencyStore {
    /** How long a key answers with its first answer. */
    public static final Duration KEPT = Duration.ofHours(24);

    /** The most expired keys a keyed write removes on the side: more than one, so that sweeping outpaces keying. */
    static final int SWEEP = 16;

    private final Clock clock;

    public IdempotencyStore(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Takes the key for this request, for the rest of the transaction. Returns the first answer when
     * the same request was answered in the last {@link #KEPT}; empty when the work is to be done.
     *
     * @param handle a handle in a transaction on the tenant database
     * @throws SiloException {@code idempotency-key-in-use} (409) while another request with the key
     *     runs; {@code idempotency-key-reused} (422) when the key answered another request;
     *     {@code database-outdated} (503) for a database made without {@code silo_idempotency}
     */
    public Optional<Answer> claim(Handle handle, UUID user, IdempotentRequest request) {
        requireTransaction(handle);
        boolean mine = handle.queryOne(
                        "SELECT pg_try_advisory_xact_lock(?)", row -> row.getBoolean(1), request.lockId(user))
                .orElse(false);
        if (!mine) {
            throw ProblemType.IDEMPOTENCY_KEY_IN_USE
                    .exception("a request with this " + IdempotentRequest.HEADER
                            + " is still running; retry when it has ended to get its answer")
                    .retryAfter(Duration.ofSeconds(1));
        }
        // a statement of its own, after the lock: its snapshot sees what the lock's last holder committed
        Optional<Remembered> first = orOutdated(() -> handle.queryOne(
                "SELECT request_digest, status, headers::text, body, created_at FROM silo_idempotency"
                        + " WHERE user_id = ? AND key = ?",
                row -> new Remembered(
                        row.getBytes(1),
                        new Answer(row.getInt(2), headers(row.getString(3)), Optional.ofNullable(row.getString(4))),
                        row.getObject(5, OffsetDateTime.class).toInstant()),
                user,
                request.key()));
        if (first.isEmpty() || first.get().createdAt().isBefore(clock.instant().minus(KEPT))) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(first.get().digest(), request.digestBytes())) {
            throw ProblemType.IDEMPOTENCY_KEY_REUSED.exception("this " + IdempotentRequest.HEADER
                    + " answered another request (method, path, condition or body) less than "
                    + KEPT.toHours() + " hours ago; send a new key for a new request");
        }
        return Optional.of(first.get().answer());
    }

    /**
     * Keeps {@code answer} as the answer to the request claimed in this transaction, replacing an
     * expired one of the key, and removes a few other expired keys of the database.
     */
    public void remember(Handle handle, UUID user, IdempotentRequest request, Answer answer) {
        requireTransaction(handle);
        Instant now = clock.instant();
        // the caller's own key is left out of the sweep: its row is the one being written
        orOutdated(() -> handle.update(
                "WITH swept AS (DELETE FROM silo_idempotency WHERE (user_id, key) IN ("
                        + "SELECT user_id, key FROM silo_idempotency WHERE created_at < ? AND NOT (user_id = ? AND key = ?)"
                        + " ORDER BY created_at LIMIT " + SWEEP + " FOR UPDATE SKIP LOCKED))"
                        + " INSERT INTO silo_idempotency (user_id, key, request_digest, status, headers, body, created_at)"
                        + " VALUES (?, ?, ?, ?, ?::jsonb, ?, ?)"
                        + " ON CONFLICT (user_id, key) DO UPDATE SET request_digest = excluded.request_digest,"
                        + " status = excluded.status, headers = excluded.headers, body = excluded.body,"
                        + " created_at = excluded.created_at",
                now.minus(KEPT),
                user,
                request.key(),
                user,
                request.key(),
                request.digestBytes(),
                answer.status(),
                Json.write(answer.headers()),
                answer.body().orElse(null),
                now));
    }

    /** Removes the keys that expired before {@code now - KEPT}; how many. For tests and operators. */
    public int sweep(Handle handle) {
        return orOutdated(() -> handle.update(
                "DELETE FROM silo_idempotency WHERE created_at < ?",
                clock.instant().minus(KEPT)));
    }

    /** An advisory lock of a transaction, taken in auto-commit, would be let go before the write even began. */
    private static void requireTransaction(Handle handle) {
        if (!handle.inTransaction()) {
            throw new IllegalStateException("an idempotent write runs in a transaction");
        }
    }

    /**
     * A database made before idempotency keys has no table for them: the client is told so, and may
     * send the write without a key meanwhile; an operator brings the database forward.
     */
    private static <T> T orOutdated(Supplier<T> work) {
        try {
            return work.get();
        } catch (DataAccessException e) {
            if (e.isMissingTable()) {
                throw ProblemType.DATABASE_OUTDATED
                        .exception(
                                "this organization's database was made before idempotency keys: it has no"
                                        + " silo_idempotency table until an operator brings it forward; send the"
                                        + " write without " + IdempotentRequest.HEADER + " meanwhile",
                                e)
                        .with("table", "silo_idempotency");
            }
            throw e;
        }
    }

    private static Map<String, String> headers(String json) {
        Map<String, String> out = new LinkedHashMap<>();
        JsonNode headers = Json.read(json);
        for (String name : headers.propertyNames()) {
            out.put(name, headers.get(name).asString());
        }
        return out;
    }

    /** A row of {@code silo_idempotency}. */
    private record Remembered(byte[] digest, Answer answer, Instant createdAt) {}
}
