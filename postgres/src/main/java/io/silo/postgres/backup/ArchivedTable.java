package io.silo.postgres.backup;

import java.util.List;

/**
 * A table as an archive holds it: its name, the columns each row has, how many rows and their
 * {@link RowChecksum}. A collection's table is named after the collection.
 */
public record ArchivedTable(String name, List<String> columns, long rows, String checksum) {
    public ArchivedTable {
        columns = List.copyOf(columns);
    }
}
