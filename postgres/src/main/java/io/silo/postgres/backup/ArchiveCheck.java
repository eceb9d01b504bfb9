package io.silo.postgres.backup;

import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import tools.jackson.databind.JsonNode;

/**
 * Walks an archive's records in their order and checks them: every table's rows counted and summed
 * ({@link RowChecksum}) against the counts and checksums the backup wrote, every database the header
 * lists present once, the end record present and nothing after it. Decryption authenticates every
 * byte (a wrong key, an altered or a cut-off archive fails before this sees a record); this catches
 * what an archive could still get wrong, and yields the manifest.
 *
 * <p>The walk hands each database's records to a {@link Sink}: none for a check ({@link #verify}),
 * a {@link DatabaseLoad} for a restore ({@link TenantArchive#load}), which so reads the archive once
 * and learns of a mismatch before its database's transaction commits.
 *
 * <p>Thread-safe: stateless.
 */
public final class ArchiveCheck {
    /** A header is an organization's registry record and a few lines per database. */
    private static final int MAX_HEADER = 1 << 20;

    private ArchiveCheck() {}

    /**
     * The manifest of the archive whose plaintext {@code plain} streams, read to its end.
     *
     * @throws SiloException {@code invalid-archive} naming the first thing found wrong
     */
    public static ArchiveManifest verify(InputStream plain) {
        return walk(plain, Optional.empty(), (format, database) -> Sink.NONE);
    }

    /**
     * The header of the archive whose decrypted bytes {@code decrypted} streams (its organization and
     * databases, no tables: those come with {@link #verify} or a load), after reading the rest of
     * those bytes to their end, which authenticates all of them: a wrong key, an altered or a cut-off
     * archive fails here, in a fraction of a full check's time (nothing is decompressed or hashed but
     * the header).
     */
    public static ArchiveManifest authenticate(InputStream decrypted) {
        try {
            String first = firstLine(new GZIPInputStream(decrypted, 1 << 12));
            decrypted.transferTo(OutputStream.nullOutputStream());
            if (!first.startsWith("H ")) {
                throw ProblemType.INVALID_ARCHIVE.exception("the archive does not begin with its header record");
            }
            JsonNode header;
            try {
                header = Json.read(first.substring(2));
            } catch (RuntimeException e) {
                throw ProblemType.INVALID_ARCHIVE.exception("the archive's header record is not JSON");
            }
            return header(header, listed(header));
        } catch (IOException e) {
            throw ArchiveReader.invalid(e);
        }
    }

    private static String firstLine(InputStream plain) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(1 << 12);
        int b;
        while ((b = plain.read()) >= 0 && b != '\n') {
            if (line.size() == MAX_HEADER) {
                throw ProblemType.INVALID_ARCHIVE.exception(
                        "the archive's header record is over " + MAX_HEADER + " bytes");
            }
            line.write(b);
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    /** The databases a header lists, without their tables. */
    private static List<ArchivedDatabase> listed(JsonNode header) {
        List<ArchivedDatabase> databases = new ArrayList<>();
        for (JsonNode entry : header.path("databases")) {
            databases.add(new ArchivedDatabase(
                    entry.path("service").asString(),
                    entry.path("database").asString(),
                    entry.path("cluster").asString(),
                    entry.path("version").asInt(),
                    List.of()));
        }
        return databases;
    }

    /**
     * The archive walked to its end, each database's records handed to the sink {@code sinks} opens
     * for it.
     *
     * @param authenticated the header {@link #authenticate} read, when it did: the archive must still
     *     begin with it (the file could have been replaced between the two reads)
     */
    static ArchiveManifest walk(InputStream plain, Optional<ArchiveManifest> authenticated, Sinks sinks) {
        try (ArchiveReader reader = new ArchiveReader(plain)) {
            return new Walk(reader, authenticated, sinks).run();
        }
    }

    private static ArchiveManifest header(JsonNode header, List<ArchivedDatabase> databases) {
        int format = header.path("format").asInt(0);
        if (format != ArchiveManifest.FORMAT && format != ArchiveManifest.LEGACY) {
            throw ProblemType.INVALID_ARCHIVE.exception("the archive's format is " + format
                    + "; this Silo reads formats " + ArchiveManifest.LEGACY + " and " + ArchiveManifest.FORMAT);
        }
        Instant createdAt;
        try {
            createdAt = Instant.parse(header.path("createdAt").asString());
        } catch (DateTimeParseException e) {
            throw ProblemType.INVALID_ARCHIVE.exception("the archive's header has no time it was taken");
        }
        return new ArchiveManifest(
                format, createdAt, header.path("consistent").asBoolean(false), header.path("organization"), databases);
    }

    /** Opens the sink of each database a walk reaches. */
    @FunctionalInterface
    interface Sinks {
        /**
         * @param format the archive's format
         * @param database the database as the header lists it, without tables
         */
        Sink open(int format, ArchivedDatabase database);
    }

    /** What a walk does with one database's records besides checking them. */
    interface Sink extends AutoCloseable {
        Sink NONE = new Sink() {};

        /** The rows of the table that follow go to the sink this returns. */
        default TableSink table(String name, List<String> columns) {
            return TableSink.NONE;
        }

        /**
         * The database's records ended, every table checked ({@code checked}), with its sequences'
         * record: what the sink took becomes permanent.
         */
        default void end(ArchivedDatabase checked, JsonNode sequences) {}

        /** Ends the sink; what it took and did not {@link #end} is undone. */
        @Override
        default void close() {}
    }

    /** What a walk does with one table's rows. */
    interface TableSink {
        TableSink NONE = new TableSink() {};

        /** A row: {@code length} bytes of {@code bytes}, valid only during the call. */
        default void row(byte[] bytes, int length) {}

        /** The table's rows ended: how many it took, or -1 when it does not count them. */
        default long finish() {
            return -1;
        }
    }

    private static final class Walk {
        private final ArchiveReader reader;
        private final Optional<ArchiveManifest> authenticated;
        private final Sinks sinks;
        private final List<ArchivedDatabase> databases = new ArrayList<>();
        private int format;

        Walk(ArchiveReader reader, Optional<ArchiveManifest> authenticated, Sinks sinks) {
            this.reader = reader;
            this.authenticated = authenticated;
            this.sinks = sinks;
        }

        ArchiveManifest run() {
            expect('H');
            JsonNode header = reader.json();
            List<ArchivedDatabase> listed = listed(header);
            ArchiveManifest read = header(header, listed);
            if (authenticated.isPresent() && !authenticated.get().equals(read)) {
                throw wrong("the archive changed since it was authenticated: another file is in its place");
            }
            format = read.format();
            long rows = 0;
            while (true) {
                next();
                if (reader.kind() == 'Z') {
                    break;
                }
                require('D');
                ArchivedDatabase database = database(reader.json(), listed);
                rows += database.rows();
                databases.add(database);
            }
            JsonNode end = reader.json();
            if (end.path("databases").asInt(-1) != databases.size()
                    || end.path("rows").asLong(-1) != rows) {
                throw wrong("the archive's end record counts " + end + ", its records " + databases.size()
                        + " databases and " + rows + " rows");
            }
            if (listed.size() != databases.size()) {
                throw wrong("the archive's header lists " + listed.size() + " databases, it holds " + databases.size());
            }
            if (reader.next()) {
                throw wrong("the archive goes on after its end record");
            }
            return header(header, databases);
        }

        private ArchivedDatabase database(JsonNode start, List<ArchivedDatabase> listed) {
            String service = start.path("service").asString();
            ArchivedDatabase entry = listed.stream()
                    .filter(candidate -> candidate.service().equals(service))
                    .findFirst()
                    .orElse(null);
            if (entry == null
                    || databases.stream()
                            .anyMatch(database -> database.service().equals(service))) {
                throw wrong("the archive holds database " + start + " twice or outside its header's list");
            }
            try (Sink sink = sinks.open(format, entry)) {
                List<ArchivedTable> tables = new ArrayList<>();
                while (true) {
                    next();
                    if (reader.kind() == 'Q') {
                        break;
                    }
                    require('T');
                    JsonNode table = reader.json();
                    String name = table.path("table").asString();
                    if (tables.stream().anyMatch(known -> known.name().equals(name))) {
                        throw wrong("database " + service + " of the archive holds table " + name + " twice");
                    }
                    tables.add(table(table, sink));
                }
                ArchivedDatabase checked = new ArchivedDatabase(
                        entry.service(), entry.databaseName(), entry.clusterId(), entry.version(), tables);
                sink.end(checked, reader.json().path("sequences"));
                return checked;
            }
        }

        private ArchivedTable table(JsonNode start, Sink sink) {
            String name = start.path("table").asString();
            List<String> columns = new ArrayList<>();
            start.path("columns").forEach(column -> columns.add(column.asString()));
            TableSink rows = sink.table(name, columns);
            RowChecksum checksum = new RowChecksum();
            while (true) {
                next();
                if (reader.kind() != 'R') {
                    break;
                }
                checksum.add(reader.bytes(), reader.length());
                rows.row(reader.bytes(), reader.length());
            }
            require('E');
            JsonNode end = reader.json();
            if (!end.path("table").asString().equals(name)
                    || end.path("rows").asLong(-1) != checksum.rows()
                    || !end.path("sha256").asString().equals(checksum.hex())) {
                throw wrong("table " + name + " holds " + checksum.rows() + " rows of checksum " + checksum.hex()
                        + "; the archive recorded " + end.path("rows") + " of " + end.path("sha256"));
            }
            long taken = rows.finish();
            if (taken >= 0 && taken != checksum.rows()) {
                throw wrong("table " + name + " took " + taken + " rows; the archive holds " + checksum.rows());
            }
            return new ArchivedTable(name, columns, checksum.rows(), checksum.hex());
        }

        private void expect(char kind) {
            next();
            require(kind);
        }

        private void next() {
            if (!reader.next()) {
                throw wrong("the archive ends before its end record: it is cut off");
            }
        }

        private void require(char kind) {
            if (reader.kind() != kind) {
                throw wrong("record " + reader.lineNumber() + " of the archive is '" + reader.kind() + "' where '"
                        + kind + "' belongs");
            }
        }

        private static SiloException wrong(String message) {
            return ProblemType.INVALID_ARCHIVE.exception(message);
        }
    }
}
