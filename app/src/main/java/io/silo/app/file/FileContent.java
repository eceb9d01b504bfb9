package io.silo.app.file;

import io.silo.error.ProblemType;
import io.silo.postgres.file.FileStore;
import io.silo.postgres.file.StoredFile;
import io.silo.postgres.routing.TenantConnections;
import java.io.IOException;
import java.io.OutputStream;
import java.util.UUID;

/**
 * A file found for reading, its bytes not yet read. {@link #copy} reads them a chunk at a time, each
 * chunk in a statement of its own, so that no connection of the tenant's pool waits on a slow client
 * while it reads: memory holds one chunk, whatever the file's size.
 *
 * <p>Not thread-safe: one reader.
 */
public final class FileContent {
    private final StoredFile file;
    private final UUID tenantId;
    private final String service;
    private final TenantConnections connections;
    private final FileStore store;

    FileContent(StoredFile file, UUID tenantId, String service, TenantConnections connections, FileStore store) {
        this.file = file;
        this.tenantId = tenantId;
        this.service = service;
        this.connections = connections;
        this.store = store;
    }

    public StoredFile file() {
        return file;
    }

    /**
     * Writes bytes {@code first} to {@code last} (inclusive, {@code 0 <= first <= last < size}) to
     * {@code out}. A file deleted meanwhile ends it with {@code file-not-found}, the bytes written so
     * far short of the length announced.
     */
    public void copy(long first, long last, OutputStream out) throws IOException {
        if (first < 0 || last < first || last >= file.size()) {
            throw new IllegalArgumentException(
                    "bytes " + first + "-" + last + " are not within file " + file.id() + " of " + file.size());
        }
        int firstChunk = (int) (first / FileStore.CHUNK_BYTES);
        int lastChunk = (int) (last / FileStore.CHUNK_BYTES);
        for (int n = firstChunk; n <= lastChunk; n++) {
            int chunk = n;
            byte[] data = connections
                    .inOneStatement(tenantId, service, handle -> store.chunk(handle.connection(), file.id(), chunk))
                    .orElseThrow(() -> ProblemType.FILE_NOT_FOUND
                            .exception("file " + file.id() + " was deleted while it was read")
                            .with("id", file.id().toString()));
            long start = (long) n * FileStore.CHUNK_BYTES;
            int from = (int) Math.max(0, first - start);
            int to = (int) Math.min(data.length - 1, last - start);
            out.write(data, from, to - from + 1);
        }
    }
}
