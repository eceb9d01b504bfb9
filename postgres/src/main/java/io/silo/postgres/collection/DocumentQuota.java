package io.silo.postgres.collection;

import io.silo.error.ProblemType;
import io.silo.postgres.jdbc.Handle;
import io.silo.template.CollectionSpec;
import io.silo.tenant.Quotas;
import java.sql.Connection;

/**
 * The check of a quota on a collection's document count ({@code erp.branches}), made where the
 * insert is: in the inserting transaction, under a transaction-scoped advisory lock of the
 * collection, so that inserts into a limited collection queue and each counts what the ones before
 * it committed (the count is a statement of its own, with a snapshot taken after the lock). Twenty
 * concurrent inserts at the edge land exactly as many documents as the quota has room for; the
 * documents a batch inserted before count too, being in its transaction. Inserts into collections
 * without a quota take no lock and count nothing.
 *
 * <p>What it costs: one lock and one {@code count(*)} per insert into a limited collection, and such
 * inserts of one organization's collection run one at a time. Quotas count things an organization
 * has tens or thousands of (branches, users), where that is cheap.
 *
 * <p>Thread-safe: stateless.
 */
public final class DocumentQuota {
    /**
     * The first key of the two-key advisory lock; the second is the collection's hash. Two-key locks
     * are a space of their own, apart from the one-key locks of schema changes and idempotency keys.
     */
    private static final int LOCK_SPACE = 0x51_0A_7A;

    private DocumentQuota() {}

    /**
     * Makes room for one more document in the collection, or refuses with 422 {@code quota-exceeded}.
     * Must run in the transaction of the insert (not in auto-commit): the lock is held until it ends.
     */
    public static void reserve(Connection connection, CollectionSpec spec, String service, Quotas.DocumentLimit limit) {
        Handle handle = new Handle(connection);
        handle.query("SELECT pg_advisory_xact_lock(?, hashtext(?))", row -> 1, LOCK_SPACE, spec.name());
        long count = handle.queryOne("SELECT count(*) FROM " + Sql.table(spec.name()), row -> row.getLong(1))
                .orElse(0L);
        if (count >= limit.limit()) {
            throw ProblemType.QUOTA_EXCEEDED
                    .exception("the organization's quota " + limit.quota() + " allows " + limit.limit()
                            + " documents in " + service + "." + spec.name() + ", and they are there")
                    .with("quota", limit.quota())
                    .with("limit", limit.limit())
                    .with("service", service)
                    .with("collection", spec.name());
        }
    }
}
