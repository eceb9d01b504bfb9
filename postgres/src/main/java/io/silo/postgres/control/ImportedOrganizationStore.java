package io.silo.postgres.control;

import io.silo.postgres.jdbc.Handle;
import io.silo.postgres.jdbc.Jdbc;
import java.util.Optional;
import java.util.UUID;

/**
 * Which organization each organization of an imported source became ({@code imported_organizations}):
 * found again by a re-run of the import, so that it never makes a second one, and recorded in the
 * transaction that records the new organization. The demo loader records its organizations here
 * too, under its own source name, to tell one it created and did not finish from another's.
 *
 * <p>Thread-safe.
 */
public final class ImportedOrganizationStore {
    /** The source the demo loader records its organizations under; no import may take it. */
    public static final String DEMO_SOURCE = "silo serve --demo";

    private final Jdbc jdbc;

    public ImportedOrganizationStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** The organization that {@code key} of {@code source} became, if an import made it. */
    public Optional<UUID> find(String source, String key) {
        return jdbc.queryOne(
                "SELECT tenant_id FROM imported_organizations WHERE source = ? AND source_key = ?",
                row -> row.getObject(1, UUID.class),
                source,
                key);
    }

    /**
     * Records that {@code key} of {@code source} became {@code tenantId}, in the caller's transaction;
     * the organization's own row may come later in it (the reference is checked at commit).
     */
    public static void record(Handle handle, String source, String key, UUID tenantId) {
        handle.update(
                "INSERT INTO imported_organizations (source, source_key, tenant_id) VALUES (?, ?, ?)",
                source,
                key,
                tenantId);
    }
}
