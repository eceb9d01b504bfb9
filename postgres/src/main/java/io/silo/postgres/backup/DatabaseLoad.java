package io.silo.postgres.backup;

import io.silo.error.ProblemType;
import io.silo.postgres.jdbc.DataAccessException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Loads one database's records of an archive into a new, empty database of the same service at the
 * same template version, in one transaction: rows inserted in batches ({@code
 * jsonb_populate_recordset}, so that PostgreSQL parses each value as its column's type), sequences
 * set, then every table read back and its count and checksum compared with the archive's before the
 * transaction commits. A mismatch rolls the whole database back.
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

    private final Connection connection;
    private final ArchivedDatabase expected;
    private final String database;

    DatabaseLoad(Connection connection, ArchivedDatabase expected) throws SQLException {
        this.connection = connection;
        this.expected = expected;
        this.database = connection.getCatalog();
        connection.setAutoCommit(false);
        try (var statement = connection.createStatement()) {
            statement.execute("SET LOCAL TimeZone = 'UTC'");
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
                } else {
                    insertRows(reader, table, columns, progress);
                }
            }
            if (reader.kind() != 'Q') {
                throw ProblemType.INVALID_ARCHIVE.exception(
                        "database " + expected.service() + " of the archive does not end" + " with its sequences");
            }
            setSequences(reader.json().path("sequences"));
            verify();
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

    private void insertRows(ArchiveReader reader, String table, List<String> archived, DatabaseDump.Progress progress)
            throws SQLException {
        List<String> present = DatabaseDump.columns(connection, table);
        if (present.isEmpty()) {
            throw ProblemType.INVALID_ARCHIVE.exception("table " + table + " of the archive's " + expected.service()
                    + " database is not in that service's template at version " + expected.version());
        }
        List<String> columns = archived.stream()
                .filter(present::contains)
                .map(DatabaseDump::quote)
                .toList();
        String list = String.join(", ", columns);
        String quoted = DatabaseDump.quote(table);
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
                "SELECT (to_jsonb(t) - ?::text[])::text FROM " + DatabaseDump.quote(table.name()) + " t")) {
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
