package io.silo.tenant;

import java.util.Locale;

/** The state of one tenant database. */
public enum DatabaseState {
    /** Recorded, not yet created. */
    PENDING,
    /** CREATE DATABASE has been or is being issued; a database of this name is ours. */
    CREATING,
    /** Created, migrated and granted to the tenant's role. */
    READY,
    /** Ready, but refusing writes for a moment (503 with {@code Retry-After}): a migration step or a move. */
    WRITE_FENCED,
    /** Creation gave up. */
    FAILED,
    /** Being dropped. */
    DROPPING,
    /**
     * Its service was removed from the organization: no request is routed to it (as if the
     * organization had no such service), but it keeps its data until its grace period ends, and
     * restoring the service attaches it again.
     */
    DETACHED;

    /** The lower-case form stored and shown: {@code write-fenced}. */
    public String value() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static DatabaseState of(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
