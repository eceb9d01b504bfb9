package io.silo.postgres.collection;

import java.util.Set;
import java.util.UUID;

/**
 * The organization's users, as a template's references to {@code users} check them. They live in
 * the organization's core database, not in the one being written, so the check is made when the
 * write is, but is not part of its transaction: a user removed a moment later leaves the reference.
 */
@FunctionalInterface
public interface KnownUsers {
    /** Knows every id: for writes made by Silo itself, and for stores without an organization. */
    KnownUsers ANY = ids -> ids;

    /** The ids among {@code ids} that name a user of the organization. */
    Set<UUID> existing(Set<UUID> ids);
}
