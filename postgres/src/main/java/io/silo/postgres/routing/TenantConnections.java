package io.silo.postgres.routing;

import io.silo.postgres.jdbc.Jdbc;
import java.util.UUID;

/**
 * Runs work on one database of one tenant: the data plane's single way into tenant data. The
 * implementation finds where the database lives and takes a connection that authenticates as the
 * tenant's own role. It does not judge the tenant's status (provisioning relays through it):
 * routes admit callers first, through {@code TenantGate}.
 *
 * <p>Implementations are thread-safe.
 */
public interface TenantConnections {

    /**
     * Runs {@code work} in one transaction on the tenant's database of {@code service}: committed
     * when it returns, rolled back when it throws. The handle's connection has auto-commit off.
     */
    <T> T inTransaction(UUID tenantId, String service, Jdbc.HandleFunction<T> work);

    /**
     * Runs {@code work}, which must be a single statement, on the tenant's database of
     * {@code service} in auto-commit: PostgreSQL gives the statement a transaction and a snapshot
     * of its own, and it costs one round trip instead of a statement between BEGIN and COMMIT.
     */
    <T> T inOneStatement(UUID tenantId, String service, Jdbc.HandleFunction<T> work);

    /**
     * A connection to the tenant's database of {@code service} was found dead: its siblings are
     * retired (none aborted), so that the next request gets a fresh one.
     */
    void connectionLost(UUID tenantId, String service);
}
