package io.silo.postgres.backup;

import io.silo.postgres.jdbc.DataAccessException;
import io.silo.postgres.jdbc.Identifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/**
 * One tenant database read into an archive, in one snapshot: a {@code REPEATABLE READ, READ ONLY}
 * transaction begun by {@link #open}, so that every table is read as of one instant while the
 * tenant keeps working. Tables come parents first (by their foreign keys), so that a restore can
 * insert them in the archive's order; each table is streamed by {@code COPY … TO STDOUT}, a row at a
 * time as PostgreSQL sends it (one message per row), so memory holds a row whatever the table's
 * size, and neither side waits for the other's round trip.
 *
 * <p>Not thread-safe; closing it ends the transaction and closes the connection.
 */
public final class DatabaseDump implements AutoCloseable {
    /**
     * Settings ({@code name = value}, for {@code SET LOCAL} in a backup's transaction, {@code SET} on a
     * restore's connections) that decide how {@code COPY} spells a value, pinned so that a row's
     * text, and its checksum, do not depend on the server's or the driver's defaults. The spellings
     * they give read back the same under any settings (ISO dates, offsets on time stamps, explicit
     * signs in intervals); a restore pins them too, so that this does not rest on that alone.
     */
    static final List<String> CANONICAL_SETTINGS = List.of(
            "TimeZone = 'UTC'",
            "DateStyle = 'ISO, MDY'",
            "IntervalStyle = 'postgres'",
            "extra_float_digits = 1",
            "bytea_output = 'hex'");

    private final Connection connection;
    private final String database;

    private DatabaseDump(Connection connection, String database) {
        this.connection = connection;
        this.database = database;
    }

    /** What a dump tells as it goes: a table begun, rows written. */
    public interface Progress {
        void rows(String service, String table, long rows);

        Progress NONE = (service, table, rows) -> {};
    }

    /**
     * Begins the snapshot on {@code connection} (administrative, in auto-commit mode, owned from now
     * on): the snapshot is taken by the first query, here, not by a later table's.
     */
    public static DatabaseDump open(Connection connection) {
        String database = "?";
        try {
            database = connection.getCatalog();
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            connection.setReadOnly(true);
            connection.setAutoCommit(false);
            try (var statement = connection.createStatement()) {
                for (String setting : CANONICAL_SETTINGS) {
                    statement.execute("SET LOCAL " + setting);
                }
                statement.execute("SELECT pg_current_snapshot()");
            }
            return new DatabaseDump(connection, database);
        } catch (SQLException e) {
            closeQuietly(connection);
            throw new DataAccessException("(begin the backup snapshot of database " + database + ")", e);
        }
    }

    /** Writes the database's records ({@code D}, then per table {@code T R… E}, then {@code Q}). */
    public ArchivedDatabase dump(
            ArchiveWriter writer, String service, String clusterId, int version, Progress progress) {
        try {
            writer.record('D', Map.of("service", service, "database", database));
            List<ArchivedTable> tables = new ArrayList<>();
            for (String table : tablesInOrder()) {
                tables.add(table(writer, service, table, progress));
            }
            writer.record('Q', Map.of("sequences", sequences()));
            return new ArchivedDatabase(service, database, clusterId, version, tables);
        } catch (SQLException e) {
            throw new DataAccessException("(back up database " + database + ")", e);
        }
    }

    private ArchivedTable table(ArchiveWriter writer, String service, String table, Progress progress)
            throws SQLException {
        List<String> columns = columns(connection, table);
        writer.record('T', Map.of("table", table, "columns", columns));
        RowChecksum checksum = new RowChecksum();
        String list = String.join(", ", columns.stream().map(Identifiers::quote).toList());
        CopyOut copy = connection
                .unwrap(PGConnection.class)
                .getCopyAPI()
                .copyOut("COPY " + Identifiers.quote(table) + " (" + list + ") TO STDOUT");
        try {
            byte[] row;
            while ((row = copy.readFromCopy()) != null) {
                int length = row.length - 1; // without its line end, which the archive's line has
                checksum.add(row, length);
                writer.row(row, length);
                if (checksum.rows() % 10_000 == 0) {
                    progress.rows(service, table, checksum.rows());
                }
            }
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
        progress.rows(service, table, checksum.rows());
        writer.record('E', Map.of("table", table, "rows", checksum.rows(), "sha256", checksum.hex()));
        return new ArchivedTable(table, columns, checksum.rows(), checksum.hex());
    }

    /** The tables of schema public, each after the tables its foreign keys reference. */
    private List<String> tablesInOrder() throws SQLException {
        List<String> tables = names(connection, """
                SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY c.relname""");
        Map<String, Set<String>> parents = new LinkedHashMap<>();
        try (var statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("""
                        SELECT child.relname, parent.relname FROM pg_constraint k
                        JOIN pg_class child ON child.oid = k.conrelid JOIN pg_class parent ON parent.oid = k.confrelid
                        JOIN pg_namespace n ON n.oid = k.connamespace
                        WHERE k.contype = 'f' AND n.nspname = 'public' AND child.oid <> parent.oid""")) {
            while (rows.next()) {
                parents.computeIfAbsent(rows.getString(1), key -> new LinkedHashSet<>())
                        .add(rows.getString(2));
            }
        }
        Set<String> ordered = new LinkedHashSet<>();
        for (String table : tables) {
            place(table, parents, ordered, new LinkedHashSet<>());
        }
        return List.copyOf(ordered);
    }

    private static void place(String table, Map<String, Set<String>> parents, Set<String> ordered, Set<String> path) {
        if (ordered.contains(table) || !path.add(table)) {
            return; // placed already, or a cycle of foreign keys, which a template never declares
        }
        for (String parent : parents.getOrDefault(table, Set.of())) {
            place(parent, parents, ordered, path);
        }
        ordered.add(table);
    }

    private List<Map<String, Object>> sequences() throws SQLException {
        List<Map<String, Object>> sequences = new ArrayList<>();
        for (String sequence : names(connection, """
                SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind = 'S' ORDER BY c.relname""")) {
            try (var statement = connection.createStatement();
                    ResultSet row = statement.executeQuery(
                            "SELECT last_value, is_called FROM " + Identifiers.quote(sequence))) {
                row.next();
                sequences.add(Map.of("name", sequence, "value", row.getLong(1), "called", row.getBoolean(2)));
            }
        }
        return sequences;
    }

    /** The columns a row of {@code table} is written with: all but generated ones, in order. */
    static List<String> columns(Connection connection, String table) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT a.attname FROM pg_attribute a
                WHERE a.attrelid = ('public.' || quote_ident(?))::regclass AND a.attnum > 0 AND NOT a.attisdropped
                  AND a.attgenerated = '' ORDER BY a.attnum""")) {
            select.setString(1, table);
            List<String> columns = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    columns.add(rows.getString(1));
                }
            }
            return columns;
        }
    }

    private static List<String> names(Connection connection, String sql) throws SQLException {
        List<String> names = new ArrayList<>();
        try (var statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        return names;
    }

    @Override
    public void close() {
        closeQuietly(connection);
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the connection is closed next anyway
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // nothing was written; nothing to lose
        }
    }
}
