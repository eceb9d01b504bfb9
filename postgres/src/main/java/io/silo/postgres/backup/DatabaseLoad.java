package io.silo.postgres.backup;

import io.silo.error.ProblemType;
import io.silo.postgres.jdbc.DataAccessException;
import io.silo.postgres.jdbc.Identifiers;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import tools.jackson.databind.JsonNode;

/**
 * Loads one database's records of an archive into a new, empty database of the same service at the
 * same template version, in one transaction, verified before the transaction commits; a mismatch
 * rolls the whole database back.
 *
 * <p>Format 2: each table's rows streamed into {@code COPY … FROM STDIN} as the archive holds them,
 * with the table's secondary indexes dropped first and built again once it is full (as {@code
 * pg_restore} does: one sort instead of an index insertion per row). The rows' checksum is summed
 * over the very bytes sent, and must be the archive's, and the count {@code COPY} reports must be
 * its count. Format 1 ({@link #insertRows}): rows inserted in batches ({@code
 * jsonb_populate_recordset}, so that PostgreSQL parses each value as its column's type), then every
 * table read back as {@code to_jsonb} and its count and checksum compared with the archive's.
 *
 * <p>{@code silo_schema} and {@code silo_migrations} are not loaded: they describe the schema,
 * which the new database has from its template database.
 *
 * <p>Not thread-safe: one per database being restored.
 */
final class DatabaseLoad {
    /** Tables that come with the template database, not from the archive. */
    static final Set<String> SCHEMA_TABLES = Set.of("silo_schema", "silo_migrations");

    private static final int BATCH_ROWS = 500;
    private static final int BATCH_BYTES = 4 * 1024 * 1024;

    /** What {@code COPY} is handed at a time: rows are gathered, not sent one message each. */
    private static final int COPY_CHUNK = 1 << 18;

    private final Connection connection;
    private final ArchivedDatabase expected;
    private final int format;
    private final String database;

    DatabaseLoad(Connection connection, ArchivedDatabase expected, int format) throws SQLException {
        this.connection = connection;
        this.expected = expected;
        this.format = format;
        this.database = connection.getCatalog();
        connection.setAutoCommit(false);
        try (var statement = connection.createStatement()) {
            for (String setting : DatabaseDump.CANONICAL_SETTINGS) {
                statement.execute(setting);
            }
        }
    }

    /**
     * Loads the tables that follow the database's {@code D} record, up to and with its {@code Q}
     * record, verifies and commits.
     */
    void load(ArchiveReader reader, DatabaseDump.Progress progress) {
        try {
            while (reader.next() && reader.kind() == 'T') {
                JsonNode start = reader.json();
                String table = start.path("table").asString();
                List<String> columns = new ArrayList<>();
                start.path("columns").forEach(column -> columns.add(column.asString()));
                if (SCHEMA_TABLES.contains(table)) {
                    skipRows(reader);
                } else if (format == ArchiveManifest.LEGACY) {
                    insertRows(reader, table, columns, progress);
                } else {
                    copyRows(reader, table, columns, progress);
                }
            }
            if (reader.kind() != 'Q') {
                throw ProblemType.INVALID_ARCHIVE.exception(
                        "database " + expected.service() + " of the archive does not end" + " with its sequences");
            }
            setSequences(reader.json().path("sequences"));
            if (format == ArchiveManifest.LEGACY) {
                verify();
            }
            connection.commit();
        } catch (SQLException e) {
            throw new DataAccessException("(restore database " + database + ")", e);
        }
    }

    private void skipRows(ArchiveReader reader) {
        while (reader.next() && reader.kind() == 'R') {
            // described by the template database, which the new database was copied from
        }
    }

    private void copyRows(ArchiveReader reader, String table, List<String> archived, DatabaseDump.Progress progress)
            throws SQLException {
        ArchivedTable expectedTable = expected.tables().stream()
                .filter(candidate -> candidate.name().equals(table))
                .findFirst()
                .orElseThrow(() -> ProblemType.INVALID_ARCHIVE.exception("the archive changed since it was checked"));
        List<String> present = DatabaseDump.columns(connection, table);
        List<String> unknown =
                archived.stream().filter(column -> !present.contains(column)).toList();
        if (present.isEmpty() || !unknown.isEmpty()) {
            throw ProblemType.INVALID_ARCHIVE.exception("table " + table + " of the archive's " + expected.service()
                    + " database " + (present.isEmpty() ? "is not" : "has columns " + unknown + " not")
                    + " in that service's template at version " + expected.version());
        }
        List<String> indexes = dropSecondaryIndexes(table);
        String list =
                String.join(", ", archived.stream().map(Identifiers::quote).toList());
        CopyIn copy = connection
                .unwrap(PGConnection.class)
                .getCopyAPI()
                .copyIn("COPY " + Identifiers.quote(table) + " (" + list + ") FROM STDIN");
        RowChecksum checksum = new RowChecksum();
        long loaded;
        try {
            byte[] chunk = new byte[COPY_CHUNK];
            int filled = 0;
            while (reader.next() && reader.kind() == 'R') {
                checksum.add(reader.bytes(), reader.length());
                if (filled + reader.length() + 1 > chunk.length) {
                    copy.writeToCopy(chunk, 0, filled);
                    filled = 0;
                }
                if (reader.length() + 1 > chunk.length) {
                    copy.writeToCopy(reader.bytes(), 0, reader.length());
                    copy.writeToCopy(new byte[] {'\n'}, 0, 1);
                } else {
                    System.arraycopy(reader.bytes(), 0, chunk, filled, reader.length());
                    filled += reader.length();
                    chunk[filled++] = '\n';
                }
                if (checksum.rows() % 10_000 == 0) {
                    progress.rows(expected.service(), table, checksum.rows());
                }
            }
            if (filled > 0) {
                copy.writeToCopy(chunk, 0, filled);
            }
            loaded = copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
        progress.rows(expected.service(), table, checksum.rows());
        if (loaded != expectedTable.rows() || !checksum.hex().equals(expectedTable.checksum())) {
            throw ProblemType.INVALID_ARCHIVE.exception("table " + table + " of database " + database + " took "
                    + loaded + " rows of checksum " + checksum.hex() + "; the archive holds "
                    + expectedTable.rows() + " of " + expectedTable.checksum());
        }
        try (var statement = connection.createStatement()) {
            for (String index : indexes) {
                statement.execute(index);
            }
        }
    }

    /**
     * Drops {@code table}'s indexes that no constraint owns or uses (secondary indexes, unique keys)
     * and returns the statements that create them again: built once over the loaded rows, they cost a
     * sort instead of an insertion per row. The primary key stays, as foreign keys depend on it.
     */
    private List<String> dropSecondaryIndexes(String table) throws SQLException {
        List<String> drops = new ArrayList<>();
        List<String> creates = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT 'DROP INDEX public.' || quote_ident(c.relname), pg_get_indexdef(i.indexrelid)
                FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                WHERE i.indrelid = ('public.' || quote_ident(?))::regclass
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
                  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.refobjid = i.indexrelid
                                  AND d.refclassid = 'pg_class'::regclass AND d.classid = 'pg_constraint'::regclass)""")) {
            select.setString(1, table);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    drops.add(rows.getString(1));
                    creates.add(rows.getString(2));
                }
            }
        }
        try (var statement = connection.createStatement()) {
            for (String drop : drops) {
                statement.execute(drop);
            }
        }
        return creates;
    }

    private void insertRows(ArchiveReader reader, String table, List<String> archived, DatabaseDump.Progress progress)
            throws SQLException {
        List<String> present = DatabaseDump.columns(connection, table);
        if (present.isEmpty()) {
            throw ProblemType.INVALID_ARCHIVE.exception("table " + table + " of the archive's " + expected.service()
                    + " database is not in that service's template at version " + expected.version());
        }
        List<String> columns = archived.stream()
                .filter(present::contains)
                .map(Identifiers::quote)
                .toList();
        String list = String.join(", ", columns);
        String quoted = Identifiers.quote(table);
        String sql = "INSERT INTO " + quoted + " (" + list + ") OVERRIDING SYSTEM VALUE SELECT " + list
                + " FROM jsonb_populate_recordset(null::" + quoted + ", ?::jsonb)";
        long rows = 0;
        try (PreparedStatement insert = connection.prepareStatement(sql)) {
            StringBuilder batch = new StringBuilder();
            int inBatch = 0;
            while (reader.next() && reader.kind() == 'R') {
                batch.append(inBatch == 0 ? '[' : ',').append(reader.text());
                inBatch++;
                rows++;
                if (inBatch == BATCH_ROWS || batch.length() > BATCH_BYTES) {
                    execute(insert, batch);
                    inBatch = 0;
                    progress.rows(expected.service(), table, rows);
                }
            }
            if (inBatch > 0) {
                execute(insert, batch);
            }
        }
        progress.rows(expected.service(), table, rows);
    }

    private static void execute(PreparedStatement insert, StringBuilder batch) throws SQLException {
        insert.setString(1, batch.append(']').toString());
        insert.executeUpdate();
        batch.setLength(0);
    }

    private void setSequences(JsonNode sequences) throws SQLException {
        try (PreparedStatement set =
                connection.prepareStatement("SELECT setval(('public.' || quote_ident(?))::regclass, ?, ?)")) {
            for (JsonNode sequence : sequences) {
                set.setString(1, sequence.path("name").asString());
                set.setLong(2, sequence.path("value").asLong());
                set.setBoolean(3, sequence.path("called").asBoolean());
                set.execute();
            }
        }
    }

    /** Every loaded table read back: its count and checksum must be the archive's. */
    private void verify() throws SQLException {
        for (ArchivedTable table : expected.tables()) {
            if (SCHEMA_TABLES.contains(table.name())) {
                continue;
            }
            RowChecksum checksum = read(table);
            if (checksum.rows() != table.rows() || !checksum.hex().equals(table.checksum())) {
                throw ProblemType.INVALID_ARCHIVE.exception("table " + table.name() + " of database " + database
                        + " holds " + checksum.rows() + " rows of checksum " + checksum.hex()
                        + " once restored; the archive holds " + table.rows() + " of " + table.checksum());
            }
        }
    }

    private RowChecksum read(ArchivedTable table) throws SQLException {
        // columns the template has and the archive had not (a baseline table grown since) are left out
        String[] extra = DatabaseDump.columns(connection, table.name()).stream()
                .filter(column -> !table.columns().contains(column))
                .toArray(String[]::new);
        RowChecksum checksum = new RowChecksum();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT (to_jsonb(t) - ?::text[])::text FROM " + Identifiers.quote(table.name()) + " t")) {
            select.setArray(1, connection.createArrayOf("text", extra));
            select.setFetchSize(table.name().equals("silo_file_chunks") ? 4 : 256);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    byte[] text = rows.getString(1).getBytes(StandardCharsets.UTF_8);
                    checksum.add(text, text.length);
                }
            }
        }
        return checksum;
    }
}
