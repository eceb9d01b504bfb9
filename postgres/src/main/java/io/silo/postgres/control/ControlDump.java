package io.silo.postgres.control;

import io.silo.error.ProblemType;
import io.silo.json.Json;
import io.silo.postgres.jdbc.Identifiers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The control database as lines of JSON, independent of {@code pg_dump} and of the server's
 * version: a header (format, the schema version the rows belong to, when), then for each table,
 * parents before children, a line naming it and one line per row ({@code row_to_json}), then a
 * trailer with the count of rows per table and a SHA-256 over every line before it. Written from one
 * repeatable-read snapshot, so the dump is a consistent cut of the control plane; loaded in one
 * transaction that commits only once the trailer's counts and digest match, so a truncated or
 * altered dump loads nothing.
 *
 * <p>Rows travel whole, sealed secrets sealed: a dump is restored under the same master key.
 * Stateless; the caller owns the streams (compression, encryption) and the connections.
 */
public final class ControlDump {
    public static final String FORMAT = "silo-control-dump/1";
    private static final String HISTORY = "control_schema_history";
    /** Rows sent to the server at once while loading. */
    private static final int BATCH = 500;

    private ControlDump() {}

    /** What a dump holds: the schema version of its rows and the number of rows per table. */
    public record Summary(String schemaVersion, Map<String, Long> rows) {}

    /**
     * Writes the database {@code connection} reaches (left in auto-commit afterwards); the header's
     * {@code writtenAt} is {@code clock}'s now.
     */
    public static Summary write(Connection connection, OutputStream out, Clock clock) throws SQLException, IOException {
        connection.setAutoCommit(false);
        try (Statement snapshot = connection.createStatement()) {
            snapshot.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            Digesting lines = new Digesting(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            String version = schemaVersion(connection);
            ObjectNode header = Json.object();
            header.put("format", FORMAT);
            header.put("schemaVersion", version);
            header.put("writtenAt", clock.instant().toString());
            lines.line(Json.write(header));
            Map<String, Long> counts = new LinkedHashMap<>();
            for (String table : tables(connection)) {
                lines.line(Json.write(Map.of("table", table)));
                long rows = 0;
                try (Statement select = connection.createStatement()) {
                    select.setFetchSize(1000);
                    try (ResultSet result = select.executeQuery(
                            "SELECT row_to_json(t)::text FROM " + Identifiers.quote(table) + " t")) {
                        while (result.next()) {
                            lines.line(result.getString(1));
                            rows++;
                        }
                    }
                }
                counts.put(table, rows);
            }
            ObjectNode trailer = Json.object();
            trailer.set("rows", Json.tree(counts));
            trailer.put("sha256", lines.digest());
            lines.last(Json.write(trailer));
            connection.commit();
            return new Summary(version, counts);
        } finally {
            connection.rollback();
            connection.setAutoCommit(true);
        }
    }

    /**
     * Reads a dump's header: its format checked, the schema version its rows need, which the
     * database must be migrated to before {@link Loading#into}.
     */
    public static Loading read(InputStream in) throws IOException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String first = lines.readLine();
        JsonNode header = first == null ? Json.object() : parse(first);
        if (!FORMAT.equals(header.path("format").asString(""))) {
            throw ProblemType.CONTROL_DUMP_INVALID.exception("not a control-plane dump (" + FORMAT + ")");
        }
        Digesting digest = new Digesting(Writer.nullWriter());
        digest.add(first);
        return new Loading(lines, digest, header.path("schemaVersion").asString());
    }

    /** A dump whose header was read, its rows still to load. Not thread-safe; loaded once. */
    public static final class Loading {
        private final BufferedReader in;
        private final Digesting digest;
        private final String schemaVersion;

        private Loading(BufferedReader in, Digesting digest, String schemaVersion) {
            this.in = in;
            this.digest = digest;
            this.schemaVersion = schemaVersion;
        }

        /** The control schema version the dump's rows belong to. */
        public String schemaVersion() {
            return schemaVersion;
        }

        /**
         * Loads the rows into the empty control database {@code connection} reaches, migrated to
         * {@link #schemaVersion}; one transaction, committed only when the trailer matches what was read.
         */
        public Summary into(Connection connection) throws SQLException, IOException {
            String found = ControlDump.schemaVersion(connection);
            if (!found.equals(schemaVersion)) {
                throw ProblemType.CONTROL_DUMP_INVALID.exception("the dump's rows are of control schema version "
                        + schemaVersion + ", the database is at " + found);
            }
            requireEmpty(connection);
            connection.setAutoCommit(false);
            try {
                Map<String, Long> counts = load(connection);
                resetIdentities(connection);
                connection.commit();
                return new Summary(schemaVersion, counts);
            } finally {
                connection.rollback();
                connection.setAutoCommit(true);
            }
        }

        private Map<String, Long> load(Connection connection) throws SQLException, IOException {
            Map<String, Long> counts = new LinkedHashMap<>();
            PreparedStatement insert = null;
            String table = null;
            try {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    JsonNode node = parse(line);
                    if (node.size() == 2 && node.has("sha256") && node.has("rows")) {
                        check(node, counts);
                        return counts;
                    }
                    digest.add(line);
                    if (node.size() == 1 && node.path("table").isString()) {
                        close(insert);
                        table = node.path("table").asString();
                        insert = connection.prepareStatement("INSERT INTO " + Identifiers.quote(table)
                                + " OVERRIDING SYSTEM VALUE SELECT * FROM json_populate_record(null::"
                                + Identifiers.quote(table)
                                + ", ?::json)");
                        counts.put(table, 0L);
                    } else if (insert == null) {
                        throw ProblemType.CONTROL_DUMP_INVALID.exception("the dump has a row before any table");
                    } else {
                        insert.setString(1, line);
                        insert.addBatch();
                        if (counts.merge(table, 1L, Long::sum) % BATCH == 0) {
                            insert.executeBatch(); // one round trip per BATCH rows, not per row
                        }
                    }
                }
                throw ProblemType.CONTROL_DUMP_INVALID.exception("the dump is truncated: it has no trailer");
            } finally {
                close(insert);
            }
        }

        private void check(JsonNode trailer, Map<String, Long> counts) {
            Map<String, Long> expected = new LinkedHashMap<>();
            trailer.path("rows")
                    .properties()
                    .forEach(entry ->
                            expected.put(entry.getKey(), entry.getValue().asLong()));
            if (!trailer.path("sha256").asString().equals(digest.digest()) || !expected.equals(counts)) {
                throw ProblemType.CONTROL_DUMP_INVALID.exception(
                        "the dump does not match its trailer: it was altered or cut short");
            }
        }
    }

    /** The version of the newest applied migration of the control schema. */
    public static String schemaVersion(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT version FROM " + HISTORY
                        + " WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1")) {
            return rows.next() ? rows.getString(1) : "";
        }
    }

    /** A control plane in use is never overwritten: a restore goes to a new, empty database. */
    private static void requireEmpty(Connection connection) throws SQLException {
        for (String table : tables(connection)) {
            try (Statement statement = connection.createStatement();
                    ResultSet rows =
                            statement.executeQuery("SELECT EXISTS (SELECT 1 FROM " + Identifiers.quote(table) + ")")) {
                rows.next();
                if (rows.getBoolean(1)) {
                    throw ProblemType.CONTROL_DATABASE_NOT_EMPTY.exception("the control database holds " + table
                            + " already; restore into a new, empty control database");
                }
            }
        }
    }

    /** The tables of the control schema, each after every table it references. */
    private static List<String> tables(Connection connection) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("""
                        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> '%s'
                        ORDER BY c.relname""".formatted(HISTORY))) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        Map<String, Set<String>> parents = new LinkedHashMap<>();
        names.forEach(name -> parents.put(name, new LinkedHashSet<>()));
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("""
                        SELECT child.relname, parent.relname FROM pg_constraint k
                        JOIN pg_class child ON child.oid = k.conrelid JOIN pg_class parent ON parent.oid = k.confrelid
                        JOIN pg_namespace n ON n.oid = child.relnamespace
                        WHERE k.contype = 'f' AND n.nspname = 'public' AND child.oid <> parent.oid""")) {
            while (rows.next()) {
                Set<String> of = parents.get(rows.getString(1));
                if (of != null) {
                    of.add(rows.getString(2));
                }
            }
        }
        List<String> ordered = new ArrayList<>();
        while (ordered.size() < names.size()) {
            boolean progressed = false;
            for (String name : names) {
                if (!ordered.contains(name) && ordered.containsAll(parents.get(name))) {
                    ordered.add(name);
                    progressed = true;
                }
            }
            if (!progressed) {
                throw new IllegalStateException("the control schema's foreign keys form a cycle");
            }
        }
        return ordered;
    }

    /** Identity columns continue after the largest value loaded. */
    private static void resetIdentities(Connection connection) throws SQLException {
        List<String[]> identities = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("""
                        SELECT table_name, column_name FROM information_schema.columns
                        WHERE table_schema = 'public' AND is_identity = 'YES'""")) {
            while (rows.next()) {
                identities.add(new String[] {rows.getString(1), rows.getString(2)});
            }
        }
        for (String[] identity : identities) {
            try (Statement statement = connection.createStatement()) {
                statement.execute(
                        "SELECT setval(pg_get_serial_sequence('" + Identifiers.quote(identity[0]) + "', '" + identity[1]
                                + "'), coalesce((SELECT max(" + Identifiers.quote(identity[1]) + ") FROM "
                                + Identifiers.quote(identity[0])
                                + "), 0) + 1, false)");
            }
        }
    }

    private static JsonNode parse(String line) {
        try {
            return Json.read(line);
        } catch (RuntimeException e) {
            throw ProblemType.CONTROL_DUMP_INVALID.exception("the dump has a line that is not JSON");
        }
    }

    /** Sends a table's last rows, then closes its statement. */
    private static void close(PreparedStatement statement) throws SQLException {
        if (statement != null) {
            statement.executeBatch();
            statement.close();
        }
    }

    /** Lines written or read, and the SHA-256 over them. */
    private static final class Digesting {
        private final Writer out;
        private final MessageDigest sha;

        private Digesting(Writer out) {
            this.out = out;
            try {
                this.sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is missing from this JDK", e);
            }
        }

        void line(String line) throws IOException {
            add(line);
            out.write(line);
            out.write('\n');
        }

        void last(String line) throws IOException {
            out.write(line);
            out.write('\n');
            out.flush();
        }

        void add(String line) {
            sha.update(line.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) '\n');
        }

        String digest() {
            return HexFormat.of().formatHex(sha.digest());
        }
    }
}
