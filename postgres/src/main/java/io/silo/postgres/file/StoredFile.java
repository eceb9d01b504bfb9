package io.silo.postgres.file;

import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;

/**
 * A file of a document, as stored: what is known of it without its bytes.
 *
 * @param id the file's id
 * @param collection the collection of the document it belongs to
 * @param documentId that document
 * @param name its name, as the uploader gave it
 * @param contentType its media type, as the uploader gave it
 * @param size its length in bytes
 * @param sha256 the SHA-256 of its bytes, in lower-case hex
 * @param createdAt when its upload completed
 * @param createdBy the member who uploaded it
 */
public record StoredFile(
        UUID id,
        String collection,
        UUID documentId,
        String name,
        String contentType,
        long size,
        String sha256,
        Instant createdAt,
        Optional<UUID> createdBy) {

    /** How many chunks hold its bytes. */
    public int chunks() {
        return (int) ((size + FileStore.CHUNK_BYTES - 1) / FileStore.CHUNK_BYTES);
    }

    static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }
}
