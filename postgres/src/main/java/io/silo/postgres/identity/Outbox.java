package io.silo.postgres.identity;

import io.silo.postgres.jdbc.Handle;

/** The outbox of a core database: changes that other stores must learn about, written in the changing transaction. */
public final class Outbox {
    private Outbox() {}

    /** Records a user change inside the caller's core-database transaction. */
    public static void userChanged(Handle coreHandle, UserChange change) {
        coreHandle.update("INSERT INTO outbox (kind, payload) VALUES (?, ?::jsonb)", UserChange.KIND, change.toJson());
    }
}
