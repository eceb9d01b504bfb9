package io.silo.http.file;

import io.silo.app.document.DataScope;
import io.silo.app.document.Documents;
import io.silo.app.file.DocumentFiles;
import io.silo.app.file.FileContent;
import io.silo.app.file.FileUpload;
import io.silo.crypto.Ids;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.http.auth.Authenticator;
import io.silo.http.server.Actors;
import io.silo.http.server.Endpoints;
import io.silo.http.server.Exchange;
import io.silo.http.server.Routes;
import io.silo.postgres.file.StoredFile;
import io.silo.template.FileRules;
import io.silo.template.TemplateCatalog;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The files of documents over HTTP. An upload is the raw body ({@code Content-Type} its type,
 * {@code ?name=} its name), streamed into the database as it arrives; a download is streamed out a
 * chunk at a time, whole or a range of it ({@code Range: bytes=…}, 206), with the file's SHA-256 as
 * its {@code ETag}. A signed URL ({@code /api/files/{token}}) reads one file without a token, for
 * {@code <img>} and {@code <audio>}.
 *
 * <p>Thread-safe.
 */
public final class FileEndpoints implements Endpoints {
    private static final String FILES = "/api/data/{service}/{collection}/{id}/_files";
    private static final String FILE = FILES + "/{fileId}";
    /** Types a browser may show in its page without risk to the API's origin; others download. */
    private static final Set<String> INLINE_FAMILIES = Set.of("image/", "audio/", "video/");

    private static final Set<String> INLINE_TYPES = Set.of("application/pdf", "text/plain");

    private final Authenticator authenticator;
    private final Documents documents;
    private final DocumentFiles files;
    private final long largestFile;

    public FileEndpoints(
            Authenticator authenticator, Documents documents, DocumentFiles files, TemplateCatalog templates) {
        this.authenticator = authenticator;
        this.documents = documents;
        this.files = files;
        this.largestFile = templates.uploadLimit();
    }

    @Override
    public void register(Routes routes) {
        routes.upload(FILES, largestFile, this::upload);
        routes.get(FILES, this::list);
        routes.get(FILE, this::download);
        routes.delete(FILE, this::delete);
        routes.post(FILE + "/_url", this::sign);
        routes.get("/api/files/{token}", this::downloadSigned);
    }

    private void upload(Exchange exchange) {
        DataScope scope = scope(exchange);
        String collection = exchange.pathParam("collection");
        UUID documentId = Ids.parse(exchange.pathParam("id"), "id");
        FileUpload upload = new FileUpload(
                exchange.query("name").orElse(""),
                Optional.ofNullable(exchange.header("Content-Type")).orElse(""),
                exchange.contentLength(),
                exchange.bodyStream());
        StoredFile stored = files.upload(scope, collection, documentId, upload, Actors.of(exchange, scope.member()));
        exchange.header("Location", exchange.path() + "/" + stored.id());
        exchange.status(201).json(json(stored));
    }

    private void list(Exchange exchange) {
        DataScope scope = scope(exchange);
        UUID documentId = Ids.parse(exchange.pathParam("id"), "id");
        exchange.json(Map.of(
                "items",
                files.list(scope, exchange.pathParam("collection"), documentId).stream()
                        .map(FileEndpoints::json)
                        .toList()));
    }

    private void download(Exchange exchange) {
        DataScope scope = scope(exchange);
        send(exchange, files.open(scope, exchange.pathParam("collection"), documentId(exchange), fileId(exchange)));
    }

    private void delete(Exchange exchange) {
        DataScope scope = scope(exchange);
        files.delete(
                scope,
                exchange.pathParam("collection"),
                documentId(exchange),
                fileId(exchange),
                Actors.of(exchange, scope.member()));
        exchange.status(204);
    }

    private void sign(Exchange exchange) {
        DataScope scope = scope(exchange);
        Optional<Duration> ttl = exchange.query("ttl").map(FileEndpoints::seconds);
        DocumentFiles.SignedUrl url =
                files.sign(scope, exchange.pathParam("collection"), documentId(exchange), fileId(exchange), ttl);
        exchange.status(201)
                .json(Map.of(
                        "url",
                        "/api/files/" + url.token(),
                        "expiresAt",
                        url.expiresAt().toString()));
    }

    private void downloadSigned(Exchange exchange) {
        send(exchange, files.openSigned(exchange.pathParam("token")));
    }

    /**
     * The file, or the range of it asked for. The headers keep a stored file from running as a page of
     * the API's origin: the type is not sniffed, a sandbox applies, and only types a browser shows
     * safely (images, audio, video, PDF, plain text) are inline.
     */
    private static void send(Exchange exchange, FileContent content) {
        StoredFile file = content.file();
        String etag = "\"" + file.sha256() + "\"";
        exchange.header("ETag", etag)
                .header("Accept-Ranges", "bytes")
                .header("Cache-Control", "private")
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", "sandbox; default-src 'none'")
                .header("Content-Disposition", disposition(file));
        if (matches(exchange.header("If-None-Match"), etag)) {
            exchange.status(304);
            return;
        }
        Optional<ByteRange> range = range(exchange, file, etag);
        if (range.isPresent()) {
            ByteRange bytes = range.get();
            exchange.status(206).header("Content-Range", bytes.contentRange(file.size()));
            exchange.stream(file.contentType(), bytes.length(), out -> content.copy(bytes.first(), bytes.last(), out));
            return;
        }
        exchange.status(200).stream(file.contentType(), file.size(), out -> content.copy(0, file.size() - 1, out));
    }

    /** The range asked for, unless {@code If-Range} names another version of the file. */
    private static Optional<ByteRange> range(Exchange exchange, StoredFile file, String etag) {
        String header = exchange.header("Range");
        String ifRange = exchange.header("If-Range");
        if (header == null || ifRange != null && !ifRange.trim().equals(etag)) {
            return Optional.empty();
        }
        try {
            return ByteRange.parse(header, file.size());
        } catch (SiloException e) {
            exchange.header("Content-Range", "bytes */" + file.size());
            throw e;
        }
    }

    private static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.trim().replaceFirst("^W/", "");
            if (tag.equals("*") || tag.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    /** RFC 6266: an ASCII name for old clients, the exact one in UTF-8 for the others. */
    private static String disposition(StoredFile file) {
        String type = FileRules.mediaType(file.contentType()).orElse("");
        boolean inline = INLINE_TYPES.contains(type) || INLINE_FAMILIES.stream().anyMatch(type::startsWith);
        String ascii = file.name().replaceAll("[^A-Za-z0-9._ -]", "_");
        String exact = URLEncoder.encode(file.name(), StandardCharsets.UTF_8).replace("+", "%20");
        return (inline ? "inline" : "attachment") + "; filename=\"" + ascii + "\"; filename*=UTF-8''" + exact;
    }

    private static Map<String, Object> json(StoredFile file) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", file.id().toString());
        out.put("name", file.name());
        out.put("contentType", file.contentType());
        out.put("size", file.size());
        out.put("sha256", file.sha256());
        out.put("createdAt", file.createdAt().toString());
        out.put("createdBy", file.createdBy().map(UUID::toString).orElse(null));
        return out;
    }

    private static Duration seconds(String text) {
        try {
            return Duration.ofSeconds(Long.parseLong(text));
        } catch (NumberFormatException | ArithmeticException e) {
            throw ProblemType.INVALID_TTL
                    .exception("ttl must be a whole number of seconds")
                    .with("field", "ttl");
        }
    }

    private static UUID documentId(Exchange exchange) {
        return Ids.parse(exchange.pathParam("id"), "id");
    }

    private static UUID fileId(Exchange exchange) {
        return Ids.parse(exchange.pathParam("fileId"), "fileId");
    }

    private DataScope scope(Exchange exchange) {
        return documents.scope(authenticator.member(exchange), exchange.pathParam("service"));
    }
}
