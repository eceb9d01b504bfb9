package io.silo.postgres.move;

import io.silo.postgres.jdbc.DataAccessException;
import io.silo.postgres.jdbc.Handle;
import io.silo.postgres.jdbc.Identifiers;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOut;

/**
 * The tables of a tenant database as a move sees them, on administrative connections: their columns
 * (both copies must have the same before any row travels), their rows counted, their sequences, and
 * the copy of every row under the write fence when logical replication is not available. Everything
 * a tenant database holds is in schema {@code public}: collections, the activity log, files,
 * sequences' counters, the ledgers.
 *
 * <p>Stateless and thread-safe.
 */
final class TenantTables {
    private TenantTables() {}

    /** Every table and its columns that take values (generated columns are computed on each side), by name. */
    static Map<String, List<String>> columns(Handle handle) {
        Map<String, List<String>> tables = new TreeMap<>();
        handle.query(
                """
                SELECT c.relname, a.attname FROM pg_class c
                JOIN pg_namespace n ON n.oid = c.relnamespace
                JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
                WHERE n.nspname = 'public' AND c.relkind = 'r'
                ORDER BY c.relname, a.attname
                """,
                row -> tables.computeIfAbsent(row.getString(1), name -> new ArrayList<>())
                        .add(row.getString(2)));
        return tables;
    }

    /**
     * The tables in an order where every table comes after those its foreign keys refer to, so that a
     * copy table by table never refers to a row not yet there (a self-reference is checked at the end
     * of its own COPY, which holds the row).
     */
    static Map<String, List<String>> referencedFirst(Handle handle, Map<String, List<String>> tables) {
        Map<String, Set<String>> refersTo = new TreeMap<>();
        handle.query(
                """
                SELECT c.relname, r.relname FROM pg_constraint f
                JOIN pg_class c ON c.oid = f.conrelid JOIN pg_class r ON r.oid = f.confrelid
                JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE f.contype = 'f' AND n.nspname = 'public' AND c.oid <> r.oid
                """,
                row -> refersTo.computeIfAbsent(row.getString(1), name -> new TreeSet<>())
                        .add(row.getString(2)));
        Map<String, List<String>> ordered = new LinkedHashMap<>();
        while (ordered.size() < tables.size()) {
            int before = ordered.size();
            for (Map.Entry<String, List<String>> table : tables.entrySet()) {
                if (!ordered.containsKey(table.getKey())
                        && refersTo.getOrDefault(table.getKey(), Set.of()).stream()
                                .allMatch(referenced ->
                                        ordered.containsKey(referenced) || !tables.containsKey(referenced))) {
                    ordered.put(table.getKey(), table.getValue());
                }
            }
            if (ordered.size() == before) {
                throw new IllegalStateException("the foreign keys of tables " + tables.keySet() + " form a cycle");
            }
        }
        return ordered;
    }

    /** Rows per table. */
    static Map<String, Long> counts(Handle handle) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String table : columns(handle).keySet()) {
            counts.put(
                    table,
                    handle.queryOne("SELECT count(*) FROM " + Identifiers.quote(table), row -> row.getLong(1))
                            .orElse(0L));
        }
        return counts;
    }

    /**
     * {@code VACUUM (ANALYZE)} of every table, on a connection in auto-commit mode (VACUUM runs in no
     * transaction block). A table the connection's role may not vacuum is skipped with PostgreSQL's
     * warning, not an error.
     */
    static void vacuum(Handle handle) {
        List<String> tables = List.copyOf(columns(handle).keySet());
        if (!tables.isEmpty()) {
            handle.execute("VACUUM (ANALYZE) "
                    + String.join(", ", tables.stream().map(Identifiers::quote).toList()));
        }
    }

    /** Empties every table: a new copy starts from nothing (its template's rows would collide). */
    static void truncateAll(Handle handle) {
        List<String> tables = List.copyOf(columns(handle).keySet());
        if (!tables.isEmpty()) {
            handle.execute("TRUNCATE "
                    + String.join(", ", tables.stream().map(Identifiers::quote).toList()));
        }
    }

    /**
     * Takes the writes away from {@code role} and waits for those under way to commit: the tables are
     * locked in {@code SHARE} mode, which waits for every transaction that wrote to them, in the same
     * transaction that revokes. A write that reaches this database afterwards (an instance that had
     * not yet heard of the fence) is refused by PostgreSQL instead of being lost with the old copy.
     */
    static void revokeWritesAndDrain(Handle handle, String role) {
        // the commit flushes the log up to here, so every write committed before the fence (asynchronously
        // too) is in the log a walsender may send when the catch-up takes its position
        handle.execute("SET LOCAL synchronous_commit = on");
        handle.execute("REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA public FROM "
                + Identifiers.quote(role));
        List<String> tables = List.copyOf(columns(handle).keySet());
        if (!tables.isEmpty()) {
            handle.execute("LOCK TABLE "
                    + String.join(", ", tables.stream().map(Identifiers::quote).toList()) + " IN SHARE MODE");
        }
    }

    /** A sequence's position, as {@code setval} takes it. */
    record SequenceValue(String name, long lastValue, boolean called) {}

    /** The sequences of schema {@code public} (an identity column's among them): logical replication does not carry them. */
    static List<SequenceValue> sequences(Handle handle) {
        List<String> names = handle.query("""
                SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind = 'S' ORDER BY 1
                """, row -> row.getString(1));
        List<SequenceValue> values = new ArrayList<>();
        for (String name : names) {
            handle.queryOne(
                            "SELECT last_value, is_called FROM " + Identifiers.quote(name),
                            row -> new SequenceValue(name, row.getLong(1), row.getBoolean(2)))
                    .ifPresent(values::add);
        }
        return values;
    }

    /** Sets each sequence of the copy where the source's is. */
    static void setSequences(Handle handle, List<SequenceValue> values) {
        for (SequenceValue value : values) {
            handle.queryOne(
                    "SELECT setval(?::regclass, ?, ?)",
                    row -> row.getLong(1),
                    Identifiers.quote(value.name()),
                    value.lastValue(),
                    value.called());
        }
    }

    /**
     * Copies every row of every table from {@code source} to {@code target}, whose tables must be empty,
     * in PostgreSQL's binary COPY format, a buffer at a time: memory stays flat whatever the size.
     *
     * @return rows copied per table
     */
    static Map<String, Long> copyAll(Connection source, Connection target, Map<String, List<String>> tables)
            throws SQLException {
        var out = source.unwrap(PGConnection.class).getCopyAPI();
        var in = target.unwrap(PGConnection.class).getCopyAPI();
        Map<String, Long> copied = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> table : tables.entrySet()) {
            String columns = String.join(
                    ", ", table.getValue().stream().map(Identifiers::quote).toList());
            String name = Identifiers.quote(table.getKey());
            CopyOut reading = out.copyOut("COPY " + name + " (" + columns + ") TO STDOUT (FORMAT binary)");
            CopyIn writing = in.copyIn("COPY " + name + " (" + columns + ") FROM STDIN (FORMAT binary)");
            try {
                byte[] buffer;
                while ((buffer = reading.readFromCopy()) != null) {
                    writing.writeToCopy(buffer, 0, buffer.length);
                }
                copied.put(table.getKey(), writing.endCopy());
            } catch (SQLException e) {
                cancel(writing, reading);
                throw new DataAccessException("(COPY of table " + table.getKey() + ")", e);
            } catch (RuntimeException e) {
                cancel(writing, reading);
                throw e;
            }
        }
        return copied;
    }

    private static void cancel(CopyIn writing, CopyOut reading) {
        try {
            if (writing.isActive()) {
                writing.cancelCopy();
            }
            if (reading.isActive()) {
                reading.cancelCopy();
            }
        } catch (SQLException e) {
            // the connections are closed next anyway; the first failure is the one to report
        }
    }
}
