package io.silo.app.identity;

import java.util.UUID;

/**
 * Sees every user change right after it committed in the core database and before the directory
 * learns of it: the window a crash can leave open. Tests throw from it to stand in for that crash.
 * Implementations must be thread-safe: requests call it concurrently.
 */
@FunctionalInterface
public interface CommitObserver {
    /** Does nothing. */
    CommitObserver NONE = tenantId -> {};

    void committed(UUID tenantId);
}
