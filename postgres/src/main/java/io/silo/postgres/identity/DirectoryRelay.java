package io.silo.postgres.identity;

import io.silo.json.Json;
import io.silo.postgres.routing.TenantConnections;
import io.silo.template.ServiceTemplate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves user changes from a tenant's core-database outbox to the control plane's directory.
 * Rows are locked while applied and deleted only after the directory has them, so a crash at
 * any point leaves them to be applied again, which is harmless. Relays of one tenant serialize
 * on the row locks.
 *
 * <p>Thread-safe.
 */
public final class DirectoryRelay {
    private static final Logger log = LoggerFactory.getLogger(DirectoryRelay.class);
    private static final int BATCH = 200;
    /**
     * How long a user change may sit between its dirty mark and its commit: a mark younger than
     * this outlives a drain, so the sweeper looks again. A user change is one short transaction;
     * the cost of the slack is a few extra, cheap drains of an empty outbox.
     */
    static final java.time.Duration UNFINISHED_CHANGE_SLACK = java.time.Duration.ofSeconds(30);

    private final DirectoryStore directory;
    private final TenantConnections cores;
    private final Clock clock;

    public DirectoryRelay(DirectoryStore directory, TenantConnections cores, Clock clock) {
        this.directory = directory;
        this.cores = cores;
        this.clock = clock;
    }

    /** Applies every pending change of the tenant; returns how many were applied. */
    public int drain(UUID tenantId) {
        Instant started = clock.instant();
        int total = 0;
        int applied;
        do {
            applied = cores.inTransaction(tenantId, ServiceTemplate.CORE, handle -> {
                List<Object[]> rows = handle.query(
                        "SELECT id, payload FROM outbox ORDER BY id LIMIT ? FOR UPDATE",
                        row -> new Object[] {row.getLong(1), row.getString(2)},
                        BATCH);
                for (Object[] row : rows) {
                    directory.apply(tenantId, UserChange.fromJson(Json.read((String) row[1])));
                }
                if (!rows.isEmpty()) {
                    // exact ids: a row committed meanwhile with a lower id must wait for the next drain
                    Long[] ids = rows.stream().map(row -> (Long) row[0]).toArray(Long[]::new);
                    handle.update("DELETE FROM outbox WHERE id = ANY(?)", (Object) ids);
                }
                return rows.size();
            });
            total += applied;
        } while (applied == BATCH);
        // a change marked just before this drain began may commit after it read the outbox: its mark stays
        directory.markClean(tenantId, started.minus(UNFINISHED_CHANGE_SLACK));
        if (total > 0) {
            log.debug("applied {} directory changes of tenant {}", total, tenantId);
        }
        return total;
    }
}
