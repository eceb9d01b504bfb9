package io.silo.client;

import java.time.Instant;
import java.util.Optional;

/**
 * A file of a document as Silo keeps it; {@code sha256} is the hex SHA-256 of its bytes; {@code createdBy}
 * the id of the user who stored it (empty for a platform administrator or an import).
 *
 * <p>Immutable.
 */
public record StoredFile(
        String id,
        String name,
        String contentType,
        long size,
        String sha256,
        Instant createdAt,
        Optional<String> createdBy) {}
