package io.silo.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The files of one document: uploads streamed as they are (not JSON, not a form), downloads, deletes,
 * and signed URLs that read a file without a token ({@code <img src>}).
 *
 * <p>Thread-safe.
 */
public final class DocumentFiles {
    private final Transport transport;
    private final String path;

    DocumentFiles(Transport transport, String documentPath) {
        this.transport = transport;
        this.path = documentPath + "/_files";
    }

    /** Stores the bytes as a file named {@code name} of {@code contentType}. */
    public StoredFile upload(String name, String contentType, byte[] bytes) {
        byte[] copy = bytes.clone();
        return upload(name, contentType, copy.length, () -> HttpRequest.BodyPublishers.ofByteArray(copy));
    }

    /** Stores a file from disk, streamed. */
    public StoredFile upload(String name, String contentType, Path file) {
        long size;
        try {
            size = java.nio.file.Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return upload(name, contentType, size, () -> {
            try {
                return HttpRequest.BodyPublishers.ofFile(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
        });
    }

    private StoredFile upload(
            String name, String contentType, long size, java.util.function.Supplier<HttpRequest.BodyPublisher> body) {
        Transport.Call call =
                Transport.Call.of("POST", path).query("name", Optional.of(name)).body(contentType, body);
        return transport.mapper().treeToValue(transport.sendJson(call), StoredFile.class);
    }

    /** The document's files, oldest first. */
    public List<StoredFile> list() {
        List<StoredFile> files = new ArrayList<>();
        for (JsonNode item : transport.sendJson(Transport.Call.of("GET", path)).path("items")) {
            files.add(transport.mapper().treeToValue(item, StoredFile.class));
        }
        return files;
    }

    /** The file's bytes, read whole. */
    public byte[] download(String fileId) {
        try (InputStream in = open(fileId)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading file " + fileId + " failed: " + e.getMessage(), e);
        }
    }

    /** The file's bytes as a stream, for large files; the caller closes it. */
    public InputStream open(String fileId) {
        return transport.stream(Transport.Call.of("GET", file(fileId))).body();
    }

    public void delete(String fileId) {
        transport.send(Transport.Call.of("DELETE", file(fileId)));
    }

    /** A URL that reads the file without a token, for the server's default lifetime. */
    public SignedUrl signedUrl(String fileId) {
        return signedUrl(fileId, Optional.empty());
    }

    /** A URL that reads the file without a token, for {@code ttl} (at most the server's {@code files.urlMaxTtl}). */
    public SignedUrl signedUrl(String fileId, Duration ttl) {
        return signedUrl(fileId, Optional.of(ttl));
    }

    private SignedUrl signedUrl(String fileId, Optional<Duration> ttl) {
        Transport.Call call =
                Transport.Call.of("POST", file(fileId) + "/_url").query("ttl", ttl.map(Duration::toSeconds));
        JsonNode answer = transport.sendJson(call);
        return new SignedUrl(
                transport.resolve(answer.path("url").asString()),
                java.time.Instant.parse(answer.path("expiresAt").asString()));
    }

    private String file(String fileId) {
        return path + "/" + Transport.segment(fileId);
    }
}
