package io.silo.postgres.backup;

import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Reads a whole archive before anything is restored from it: its records in their order, every
 * table's rows counted and summed ({@link RowChecksum}) against the counts and checksums the backup
 * wrote, and the end record present. Decryption has authenticated every byte by then (a wrong key,
 * an altered or a cut-off archive fails before this sees a record); this catches what an archive
 * could still get wrong, and yields the manifest the restore works from.
 *
 * <p>Thread-safe: stateless.
 */
public final class ArchiveCheck {
    private ArchiveCheck() {}

    /**
     * The manifest of the archive whose plaintext {@code plain} streams, read to its end.
     *
     * @throws SiloException {@code invalid-archive} naming the first thing found wrong
     */
    public static ArchiveManifest verify(InputStream plain) {
        try (ArchiveReader reader = new ArchiveReader(plain)) {
            return new Walk(reader).run();
        }
    }

    /** The header record's content: for the restore's second pass, which needs no checks again. */
    static ArchiveManifest header(JsonNode header, List<ArchivedDatabase> databases) {
        int format = header.path("format").asInt(0);
        if (format != ArchiveManifest.FORMAT && format != ArchiveManifest.LEGACY) {
            throw ProblemType.INVALID_ARCHIVE.exception("the archive's format is " + format
                    + "; this Silo reads formats " + ArchiveManifest.LEGACY + " and " + ArchiveManifest.FORMAT);
        }
        return new ArchiveManifest(
                format,
                Instant.parse(header.path("createdAt").asString()),
                header.path("consistent").asBoolean(false),
                header.path("organization"),
                databases);
    }

    private static final class Walk {
        private final ArchiveReader reader;
        private final List<ArchivedDatabase> databases = new ArrayList<>();
        private JsonNode header;

        Walk(ArchiveReader reader) {
            this.reader = reader;
        }

        ArchiveManifest run() {
            expect('H');
            header = reader.json();
            header(header, List.of());
            JsonNode listed = header.path("databases");
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

        private ArchivedDatabase database(JsonNode start, JsonNode listed) {
            String service = start.path("service").asString();
            JsonNode entry = null;
            for (JsonNode candidate : listed) {
                if (candidate.path("service").asString().equals(service)) {
                    entry = candidate;
                }
            }
            if (entry == null
                    || databases.stream()
                            .anyMatch(database -> database.service().equals(service))) {
                throw wrong("the archive holds database " + start + " twice or outside its header's list");
            }
            List<ArchivedTable> tables = new ArrayList<>();
            while (true) {
                next();
                if (reader.kind() == 'Q') {
                    break;
                }
                require('T');
                tables.add(table(reader.json()));
            }
            return new ArchivedDatabase(
                    service,
                    entry.path("database").asString(),
                    entry.path("cluster").asString(),
                    entry.path("version").asInt(),
                    tables);
        }

        private ArchivedTable table(JsonNode start) {
            String name = start.path("table").asString();
            List<String> columns = new ArrayList<>();
            start.path("columns").forEach(column -> columns.add(column.asString()));
            RowChecksum checksum = new RowChecksum();
            while (true) {
                next();
                if (reader.kind() != 'R') {
                    break;
                }
                checksum.add(reader.bytes(), reader.length());
            }
            require('E');
            JsonNode end = reader.json();
            if (!end.path("table").asString().equals(name)
                    || end.path("rows").asLong(-1) != checksum.rows()
                    || !end.path("sha256").asString().equals(checksum.hex())) {
                throw wrong("table " + name + " holds " + checksum.rows() + " rows of checksum " + checksum.hex()
                        + "; the archive recorded " + end.path("rows") + " of " + end.path("sha256"));
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
