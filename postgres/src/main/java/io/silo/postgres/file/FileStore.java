package io.silo.postgres.file;

import io.silo.error.ProblemType;
import io.silo.postgres.jdbc.DataAccessException;
import io.silo.postgres.jdbc.Handle;
import io.silo.postgres.jdbc.Identifiers;
import io.silo.postgres.jdbc.RowMapper;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The files of documents in a tenant database. A file is written as a row that stays incomplete
 * until its last chunk is in ({@link #begin}, {@link #append}, {@link #complete}), all in the
 * caller's transaction, so a broken upload leaves nothing; it is read one chunk at a time
 * ({@link #chunk}). Every method works on a connection the caller has routed to the tenant's
 * database; nothing here commits or rolls back.
 *
 * <p>A database made before file storage has no file tables: every method answers that with
 * {@code files-not-installed}, never a bare SQL error.
 *
 * <p>Thread-safe: stateless.
 */
public final class FileStore {
    /** The bytes of one chunk row: large enough to stream at speed, small enough to hold a few per request. */
    public static final int CHUNK_BYTES = 256 * 1024;

    private static final String COLUMNS =
            "id, collection, document_id, name, content_type, size, sha256, created_at, created_by";

    private static final RowMapper<StoredFile> READ = row -> new StoredFile(
            row.getObject("id", UUID.class),
            row.getString("collection"),
            row.getObject("document_id", UUID.class),
            row.getString("name"),
            row.getString("content_type"),
            row.getLong("size"),
            StoredFile.hex(row.getBytes("sha256")),
            row.getObject("created_at", OffsetDateTime.class).toInstant(),
            Optional.ofNullable(row.getObject("created_by", UUID.class)));

    /** A file about to be written. */
    public record NewFile(
            UUID id, String collection, UUID documentId, String name, String contentType, UUID createdBy) {}

    /** Starts a file, stamped {@code at}: its row, incomplete until {@link #complete}. */
    public void begin(Connection connection, NewFile file, Instant at) {
        installed(
                connection,
                () -> new Handle(connection)
                        .update(
                                "INSERT INTO silo_files (id, collection, document_id, name, content_type, created_by, created_at)"
                                        + " VALUES (?, ?, ?, ?, ?, ?, ?)",
                                file.id(),
                                file.collection(),
                                file.documentId(),
                                file.name(),
                                file.contentType(),
                                file.createdBy(),
                                at));
    }

    /** Writes chunk {@code n} (from 0) of a file begun in this transaction: the first {@code length} bytes of {@code buffer}. */
    public void append(Connection connection, UUID fileId, int n, byte[] buffer, int length) {
        byte[] data = length == buffer.length ? buffer : Arrays.copyOf(buffer, length);
        new Handle(connection)
                .update("INSERT INTO silo_file_chunks (file_id, n, data) VALUES (?, ?, ?)", fileId, n, data);
    }

    /**
     * Marks a file complete, with its size and digest, if its document is still there; the file as
     * stored, or empty when the document was deleted while the file came in (the caller rolls back).
     */
    public Optional<StoredFile> complete(
            Connection connection, String collection, UUID fileId, long size, byte[] sha256) {
        return new Handle(connection)
                .queryOne(
                        "UPDATE silo_files f SET size = ?, sha256 = ?, complete = true WHERE f.id = ?"
                                + " AND EXISTS (SELECT 1 FROM " + table(collection) + " d WHERE d.id = f.document_id)"
                                + " RETURNING " + COLUMNS,
                        READ,
                        size,
                        sha256,
                        fileId);
    }

    /** The complete files of a document, oldest first. */
    public List<StoredFile> list(Connection connection, String collection, UUID documentId) {
        return installed(
                connection,
                () -> new Handle(connection)
                        .query(
                                "SELECT " + COLUMNS
                                        + " FROM silo_files WHERE collection = ? AND document_id = ? AND complete"
                                        + " ORDER BY created_at, id",
                                READ,
                                collection,
                                documentId));
    }

    /** A complete file of a document. */
    public Optional<StoredFile> find(Connection connection, String collection, UUID documentId, UUID fileId) {
        return installed(
                connection,
                () -> new Handle(connection)
                        .queryOne(
                                "SELECT " + COLUMNS + " FROM silo_files"
                                        + " WHERE id = ? AND collection = ? AND document_id = ? AND complete",
                                READ,
                                fileId,
                                collection,
                                documentId));
    }

    /** Chunk {@code n} of a file; empty when the file is gone (deleted since it was found). */
    public Optional<byte[]> chunk(Connection connection, UUID fileId, int n) {
        return installed(
                connection,
                () -> new Handle(connection)
                        .queryOne(
                                "SELECT data FROM silo_file_chunks WHERE file_id = ? AND n = ?",
                                row -> row.getBytes(1),
                                fileId,
                                n));
    }

    /** Deletes a file of a document, its chunks with it; the file as it was, if there was one. */
    public Optional<StoredFile> delete(Connection connection, String collection, UUID documentId, UUID fileId) {
        return installed(
                connection,
                () -> new Handle(connection)
                        .queryOne(
                                "DELETE FROM silo_files WHERE id = ? AND collection = ? AND document_id = ? AND complete"
                                        + " RETURNING " + COLUMNS,
                                READ,
                                fileId,
                                collection,
                                documentId));
    }

    /** The bytes the database's files take, complete or being written. */
    public long usedBytes(Connection connection) {
        return installed(
                connection,
                () -> new Handle(connection)
                        .queryOne("SELECT coalesce(sum(size), 0) FROM silo_files", row -> row.getLong(1))
                        .orElse(0L));
    }

    /** Whether the database has the file tables. */
    public boolean isInstalled(Connection connection) {
        return new Handle(connection)
                .queryOne("SELECT to_regclass('public.silo_files') IS NOT NULL", row -> row.getBoolean(1))
                .orElse(false);
    }

    /**
     * Removes what no request will: files whose document is gone from {@code collections} (a
     * document deleted other than through Silo, such as by a migration's SQL) and
     * files whose upload never completed, started before {@code incompleteBefore}. The number removed.
     */
    public int sweep(Connection connection, Set<String> collections, Instant incompleteBefore) {
        Handle handle = new Handle(connection);
        int removed = handle.update("DELETE FROM silo_files WHERE NOT complete AND created_at < ?", incompleteBefore);
        // a database behind its template may lack a collection's table yet; it has no documents there either
        List<String> tables = handle.query(
                "SELECT name FROM unnest(?) AS name WHERE to_regclass(quote_ident(name)) IS NOT NULL",
                row -> row.getString(1),
                (Object) collections.toArray(String[]::new));
        for (String collection : tables) {
            removed += handle.update(
                    "DELETE FROM silo_files f WHERE f.collection = ? AND NOT EXISTS (SELECT 1 FROM " + table(collection)
                            + " d WHERE d.id = f.document_id)",
                    collection);
        }
        return removed;
    }

    /** A collection's table name, quoted; names are checked identifiers ({@code [a-z][a-z0-9_]*}) already. */
    private static String table(String collection) {
        if (!collection.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("not a collection name: " + collection);
        }
        return Identifiers.quote(collection);
    }

    /** Runs {@code work}; a database without the file tables is {@code files-not-installed}. */
    private static <T> T installed(Connection connection, Supplier<T> work) {
        try {
            return work.get();
        } catch (DataAccessException e) {
            if (!e.isMissingTable() || !e.getMessage().contains("silo_file")) {
                throw e;
            }
            throw ProblemType.FILES_NOT_INSTALLED.exception(
                    "database " + catalog(connection) + " was made before file storage and has no file tables yet;"
                            + " they come with the service's next migration",
                    e);
        }
    }

    private static String catalog(Connection connection) {
        try {
            return connection.getCatalog();
        } catch (SQLException e) {
            return "(unknown)";
        }
    }
}
