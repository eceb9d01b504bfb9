package io.silo.postgres.backup;

import java.util.List;

/**
 * One tenant database in an archive: its service, its name and cluster when it was backed up, the
 * version of the service's template its schema was at, and its tables.
 */
public record ArchivedDatabase(
        String service, String databaseName, String clusterId, int version, List<ArchivedTable> tables) {
    public ArchivedDatabase {
        tables = List.copyOf(tables);
    }

    /** Its rows, every table's. */
    public long rows() {
        return tables.stream().mapToLong(ArchivedTable::rows).sum();
    }
}
