package io.silo.postgres.job;

import io.silo.postgres.jdbc.Handle;
import io.silo.postgres.jdbc.Jdbc;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.UUID;

/**
 * Named leases with an expiry in the control database ({@code leases}), on database time so that
 * every instance agrees: {@code tenant:<id>} while a job's step changes that tenant, {@code retention}
 * while one instance purges old log rows. A holder renews while it works and releases when done; one
 * that dies stops renewing, and after the expiry the lease is free again. Unlike an advisory lock, a
 * lease holds no connection while the work runs.
 *
 * <p>Thread-safe.
 */
public final class Leases {
    private final Jdbc jdbc;

    public Leases(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** The lease name of a tenant. */
    public static String tenant(UUID tenantId) {
        return "tenant:" + tenantId;
    }

    /** Takes the lease when it is free, lapsed, or already {@code holder}'s; false when someone else holds it. */
    public boolean tryAcquire(String name, String holder, Duration duration) {
        return jdbc.update("""
                INSERT INTO leases (name, holder, until) VALUES (?, ?, now() + ?::interval)
                ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
                WHERE leases.until < now() OR leases.holder = excluded.holder
                """, name, holder, interval(duration)) == 1;
    }

    /**
     * Takes every lease of {@code names} that is free, lapsed, or already {@code holder}'s, in one
     * statement; returns those taken.
     */
    public Set<String> tryAcquireAll(Collection<String> names, String holder, Duration duration) {
        return Set.copyOf(
                jdbc.query("""
                INSERT INTO leases (name, holder, until) SELECT unnest(?::text[]), ?, now() + ?::interval
                ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
                WHERE leases.until < now() OR leases.holder = excluded.holder
                RETURNING name
                """, row -> row.getString(1), names.toArray(String[]::new), holder, interval(duration)));
    }

    /** Extends every lease of {@code names} that {@code holder} still has, in one statement. */
    public void renewAll(Collection<String> names, String holder, Duration duration) {
        jdbc.update(
                "UPDATE leases SET until = now() + ?::interval WHERE name = ANY(?::text[]) AND holder = ?",
                interval(duration),
                names.toArray(String[]::new),
                holder);
    }

    /** Gives up every lease of {@code names} that {@code holder} still has. */
    public void releaseAll(Collection<String> names, String holder) {
        jdbc.useHandle(handle -> releaseAll(handle, names, holder));
    }

    /** Gives back those of {@code names} {@code holder} has, inside the caller's transaction. */
    public static void releaseAll(Handle handle, Collection<String> names, String holder) {
        handle.update(
                "DELETE FROM leases WHERE name = ANY(?::text[]) AND holder = ?", names.toArray(String[]::new), holder);
    }

    /** Extends the lease while {@code holder} still has it; false when it was lost. */
    public boolean renew(String name, String holder, Duration duration) {
        return jdbc.update(
                        "UPDATE leases SET until = now() + ?::interval WHERE name = ? AND holder = ?",
                        interval(duration),
                        name,
                        holder)
                == 1;
    }

    /** Gives the lease up, if {@code holder} still has it. */
    public void release(String name, String holder) {
        jdbc.useTransaction(handle -> release(handle, name, holder));
    }

    /** Gives a lease back inside the caller's transaction, with the work it guarded. */
    public static void release(Handle handle, String name, String holder) {
        handle.update("DELETE FROM leases WHERE name = ? AND holder = ?", name, holder);
    }

    private static String interval(Duration duration) {
        return duration.toMillis() + " milliseconds";
    }
}
