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
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Loads one database's records of an archive, as {@link ArchiveCheck}'s walk hands them over, into
 * a new, empty database of the same service at the same template version, which nobody reaches
 * until the restore activates its organization.
 *
 * <p>Format 2: each table's rows streamed into {@code COPY … FROM STDIN} as the archive holds them
 * (a large table over several connections at once, {@link ParallelCopy}), with the table's indexes
 * and keys dropped first and built again once it is full and the walk found its count and checksum
 * to be the archive's (as {@code pg_restore} does: one sort instead of an index insertion per row);
 * the count the {@code COPY}s report must be the archive's too. Each statement commits by itself:
 * a failure leaves the database part-loaded, for the restore to delete with its organization.
 * Format 1 ({@link InsertedRows}): rows inserted in batches in one transaction, then every table
 * read back as {@code to_jsonb} and its count and checksum compared with the archive's before it
 * commits.
 *
 * <p>{@code silo_schema} and {@code silo_migrations} are not loaded: they describe the schema,
 * which the new database has from its template database.
 *
 * <p>Not thread-safe: one per database being restored.
 */
final class DatabaseLoad implements ArchiveCheck.Sink {
    /** Tables that come with the template database, not from the archive. */
    static final Set<String> SCHEMA_TABLES = Set.of("silo_schema", "silo_migrations");

    private static final int BATCH_ROWS = 500;
    private static final int BATCH_BYTES = 4 * 1024 * 1024;

    /** What {@code COPY} is handed at a time: rows are gathered, not sent one message each. */
    private static final int COPY_CHUNK = 1 << 18;

    private final Connection connection;
    private final Connector connector;
    private final ArchivedDatabase expected;
    private final int format;
    private final String database;
    private final DatabaseDump.Progress progress;
    /** Connections of the {@code COPY} streams after the first, opened when a table first needs them. */
    private final List<Connection> extra = new ArrayList<>();

    private Optional<ParallelCopy> copying = Optional.empty();
    private boolean ended;

    /** Opens another administrative connection to the new database. */
    @FunctionalInterface
    interface Connector {
        Connection connect() throws SQLException;
    }

    /**
     * @param connector opens administrative connections to the new database, in auto-commit mode;
     *     those this opens are closed by {@link #close}
     * @param expected the database as the archive's header lists it
     */
    DatabaseLoad(Connector connector, ArchivedDatabase expected, int format, DatabaseDump.Progress progress)
            throws SQLException {
        this.connector = connector;
        this.connection = settled(connector.connect());
        this.expected = expected;
        this.format = format;
        this.database = connection.getCatalog();
        this.progress = progress;
        connection.setAutoCommit(format != ArchiveManifest.LEGACY);
    }

    /** A new connection with the settings under which {@code COPY}'s text reads as the backup wrote it. */
    private static Connection settled(Connection connection) throws SQLException {
        try (var statement = connection.createStatement()) {
            for (String setting : DatabaseDump.CANONICAL_SETTINGS) {
                // for the session: the load's statements commit one by one, and its connections are its own
                statement.execute("SET " + setting);
            }
            return connection;
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
    }

    /** The connection of {@code COPY} stream {@code stream} (from 1), opened once for the database. */
    private Connection extra(int stream) throws SQLException {
        while (extra.size() < stream) {
            extra.add(settled(connector.connect()));
        }
        return extra.get(stream - 1);
    }

    @Override
    public ArchiveCheck.TableSink table(String table, List<String> columns) {
        try {
            if (SCHEMA_TABLES.contains(table)) {
                return ArchiveCheck.TableSink.NONE; // described by the template database it was copied from
            }
            List<String> present = DatabaseDump.columns(connection, table);
            List<String> unknown =
                    columns.stream().filter(column -> !present.contains(column)).toList();
            if (present.isEmpty() || (format != ArchiveManifest.LEGACY && !unknown.isEmpty())) {
                throw ProblemType.INVALID_ARCHIVE.exception("table " + table + " of the archive's "
                        + expected.service() + " database "
                        + (present.isEmpty() ? "is not" : "has columns " + unknown + " not")
                        + " in that service's template at version " + expected.version());
            }
            return format == ArchiveManifest.LEGACY
                    ? new InsertedRows(
                            table, columns.stream().filter(present::contains).toList())
                    : new CopiedRows(table, columns);
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    @Override
    public void end(ArchivedDatabase checked, JsonNode sequences) {
        try {
            setSequences(sequences);
            if (format == ArchiveManifest.LEGACY) {
                verify(checked);
                connection.commit();
            }
            ended = true;
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    /**
     * Closes the connections; after a failure, a {@code COPY} under way is cancelled (and a format 1
     * database's transaction rolled back). What a format 2 load committed stays, for the restore,
     * which deletes the organization it was loading, to drop.
     */
    @Override
    public void close() {
        copying.ifPresent(ParallelCopy::close);
        SQLException failure = null;
        List<Connection> all = new ArrayList<>(List.of(connection));
        all.addAll(extra);
        for (Connection open : all) {
            try {
                if (!ended && !open.isClosed()) {
                    open.abort(Runnable::run);
                }
                open.close();
            } catch (SQLException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failed(failure);
        }
    }

    /**
     * What the server's refusal of a table's rows or keys means: a value it cannot read or a key
     * two rows share (SQLSTATE classes 22 and 23) is the archive's fault, {@code invalid-archive};
     * anything else is the server's, as it came.
     */
    private RuntimeException refused(String table, DataAccessException e) {
        String state = e.sqlState().orElse("");
        if (state.startsWith("22") || state.startsWith("23")) {
            return ProblemType.INVALID_ARCHIVE.exception("table " + table + " of the archive's " + expected.service()
                    + " database cannot be loaded: " + e.getMessage());
        }
        return e;
    }

    private DataAccessException failed(SQLException e) {
        return new DataAccessException("(restore database " + database + ")", e);
    }

    /**
     * Format 2: a table's rows into {@code COPY … FROM STDIN} as the archive holds them, over more
     * than one connection once the table is large ({@link ParallelCopy}); the table's keys and
     * indexes that nothing depends on dropped first and built once over the loaded rows.
     */
    private final class CopiedRows implements ArchiveCheck.TableSink {
        private final String table;
        private final List<String> rebuilds;
        private final ParallelCopy copy;
        private byte[] chunk = new byte[COPY_CHUNK];
        private int filled;
        private long rows;

        CopiedRows(String table, List<String> columns) throws SQLException {
            this.table = table;
            this.rebuilds = dropKeysAndIndexes(table);
            String list =
                    String.join(", ", columns.stream().map(Identifiers::quote).toList());
            this.copy = new ParallelCopy(
                    connection,
                    DatabaseLoad.this::extra,
                    keepsUniqueIndex(table) ? 1 : ParallelCopy.STREAMS,
                    "COPY " + Identifiers.quote(table) + " (" + list + ") FROM STDIN",
                    table + " of " + database);
            copying = Optional.of(copy);
        }

        @Override
        public void row(byte[] bytes, int length) {
            if (filled + length + 1 > chunk.length) {
                flush();
            }
            if (length + 1 > chunk.length) {
                byte[] line = Arrays.copyOf(bytes, length + 1);
                line[length] = '\n';
                send(line, line.length);
            } else {
                System.arraycopy(bytes, 0, chunk, filled, length);
                filled += length;
                chunk[filled++] = '\n';
            }
            if (++rows % 10_000 == 0) {
                progress.rows(expected.service(), table, rows);
            }
        }

        private void flush() {
            if (filled > 0) {
                send(chunk, filled);
                chunk = new byte[COPY_CHUNK];
                filled = 0;
            }
        }

        private void send(byte[] bytes, int length) {
            try {
                copy.send(bytes, length);
            } catch (DataAccessException e) {
                throw refused(table, e);
            }
        }

        @Override
        public long finish() {
            flush();
            long loaded;
            try {
                loaded = copy.finish();
            } catch (DataAccessException e) {
                throw refused(table, e);
            }
            copying = Optional.empty();
            progress.rows(expected.service(), table, rows);
            try (var statement = connection.createStatement()) {
                // one after the other: PostgreSQL builds each with its parallel workers already, and
                // two at once on two connections measured no faster
                for (String rebuild : rebuilds) {
                    statement.execute(rebuild);
                }
            } catch (SQLException e) {
                throw refused(table, failed(e));
            }
            return loaded;
        }
    }

    /** Whether a unique index of the table stays while it loads: one a foreign key references. */
    private boolean keepsUniqueIndex(String table) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT EXISTS (SELECT 1 FROM pg_index WHERE indrelid = ('public.' || quote_ident(?))::regclass"
                        + " AND indisunique)")) {
            select.setString(1, table);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() && rows.getBoolean(1);
            }
        }
    }

    /**
     * Drops {@code table}'s indexes and its primary and unique keys that no foreign key depends on,
     * and returns the statements that create them again: built once over the loaded rows, they cost a
     * sort instead of an insertion per row, as with {@code pg_restore}. A key a foreign key references
     * stays.
     */
    private List<String> dropKeysAndIndexes(String table) throws SQLException {
        List<String> drops = new ArrayList<>();
        List<String> creates = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("""
                WITH t AS (SELECT ('public.' || quote_ident(?))::regclass AS oid, quote_ident(?) AS name)
                SELECT 'DROP INDEX public.' || quote_ident(c.relname), pg_get_indexdef(i.indexrelid)
                FROM t JOIN pg_index i ON i.indrelid = t.oid JOIN pg_class c ON c.oid = i.indexrelid
                WHERE NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
                  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.refobjid = i.indexrelid
                                  AND d.refclassid = 'pg_class'::regclass AND d.classid = 'pg_constraint'::regclass)
                UNION ALL
                SELECT 'ALTER TABLE public.' || t.name || ' DROP CONSTRAINT ' || quote_ident(k.conname),
                       'ALTER TABLE public.' || t.name || ' ADD CONSTRAINT ' || quote_ident(k.conname) || ' '
                           || pg_get_constraintdef(k.oid)
                FROM t JOIN pg_constraint k ON k.conrelid = t.oid
                WHERE k.contype IN ('p', 'u')
                  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.refobjid = k.conindid
                                  AND d.refclassid = 'pg_class'::regclass AND d.classid = 'pg_constraint'::regclass)""")) {
            select.setString(1, table);
            select.setString(2, table);
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

    /**
     * Format 1: rows inserted in batches ({@code jsonb_populate_recordset}, so that PostgreSQL parses
     * each value as its column's type); read back when the database ends ({@link #verify}).
     */
    private final class InsertedRows implements ArchiveCheck.TableSink {
        private final String table;
        private final PreparedStatement insert;
        private final StringBuilder batch = new StringBuilder();
        private int inBatch;
        private long rows;

        InsertedRows(String table, List<String> columns) throws SQLException {
            this.table = table;
            String list =
                    String.join(", ", columns.stream().map(Identifiers::quote).toList());
            String quoted = Identifiers.quote(table);
            this.insert = connection.prepareStatement("INSERT INTO " + quoted + " (" + list
                    + ") OVERRIDING SYSTEM VALUE SELECT " + list + " FROM jsonb_populate_recordset(null::" + quoted
                    + ", ?::jsonb)");
        }

        @Override
        public void row(byte[] bytes, int length) {
            batch.append(inBatch == 0 ? '[' : ',').append(new String(bytes, 0, length, StandardCharsets.UTF_8));
            inBatch++;
            rows++;
            if (inBatch == BATCH_ROWS || batch.length() > BATCH_BYTES) {
                execute();
                progress.rows(expected.service(), table, rows);
            }
        }

        @Override
        public long finish() {
            if (inBatch > 0) {
                execute();
            }
            progress.rows(expected.service(), table, rows);
            try {
                insert.close();
            } catch (SQLException e) {
                throw failed(e);
            }
            return rows;
        }

        private void execute() {
            try {
                insert.setString(1, batch.append(']').toString());
                insert.executeUpdate();
                batch.setLength(0);
                inBatch = 0;
            } catch (SQLException e) {
                throw failed(e);
            }
        }
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
    private void verify(ArchivedDatabase checked) throws SQLException {
        for (ArchivedTable table : checked.tables()) {
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
