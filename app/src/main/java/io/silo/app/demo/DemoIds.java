package io.silo.app.demo;

import io.silo.tenant.Tenant;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The ids of a demo organization's documents: the n-th document its load writes gets the same id on
 * every run, so that a rerun's insert meets the document an interrupted run wrote (a {@code
 * duplicate-key} on {@code _id}, in the insert's own statement) instead of writing a second one. No
 * table of what was written is needed, and nothing can be written twice.
 *
 * <p>Each id is a version-7 UUID, as generated ids are, whose time is the organization's creation plus
 * n milliseconds: lists ordered by {@code _id} (the default) show the documents in the order the load
 * wrote them, as they would with generated ids. The other bits come from the organization's id and n.
 *
 * <p>Stateless and thread-safe.
 */
final class DemoIds {
    private DemoIds() {}

    /** The id of the {@code n}-th document (from 0) the demo writes into {@code tenant}. */
    static UUID of(Tenant tenant, int n) {
        UUID hash = UUID.nameUUIDFromBytes((tenant.id() + "/" + n).getBytes(StandardCharsets.UTF_8));
        long millis = tenant.createdAt().toEpochMilli() + n;
        long most = (millis << 16) | 0x7000L | (hash.getMostSignificantBits() & 0x0FFFL);
        long least = (hash.getLeastSignificantBits() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(most, least);
    }
}
