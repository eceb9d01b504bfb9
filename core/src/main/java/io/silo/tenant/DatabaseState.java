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
    /** Creation gave up. */
    FAILED,
    /** Being dropped. */
    DROPPING;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static DatabaseState of(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
