package io.silo.app.file;

import io.silo.app.admission.ActiveOrganizations;
import io.silo.app.admission.TenantGate;
import io.silo.app.document.DataScope;
import io.silo.app.document.Documents;
import io.silo.audit.AuditEntry;
import io.silo.crypto.Ids;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.postgres.activity.ActivityEntry;
import io.silo.postgres.activity.ActivityLog;
import io.silo.postgres.file.FileStore;
import io.silo.postgres.file.StoredFile;
import io.silo.postgres.jdbc.DataAccessException;
import io.silo.postgres.jdbc.Handle;
import io.silo.postgres.placement.Placement;
import io.silo.postgres.placement.ServiceDatabase;
import io.silo.postgres.routing.TenantConnections;
import io.silo.template.CollectionSpec;
import io.silo.template.FileRules;
import io.silo.template.TemplateCatalog;
import io.silo.tenant.Admission;
import io.silo.tenant.DatabaseState;
import io.silo.tenant.Quotas;
import io.silo.tenant.Tenant;
import io.silo.tenant.TenantDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Files of documents: uploaded, listed, read and deleted under the permissions of the document they
 * belong to, which is read through {@link Documents} first, so that whatever decides who may see or
 * change a document decides for its files too. The collection's template says whether it takes
 * files, how large and of which types ({@link FileRules}); the organization's {@code maxFileBytes}
 * quota bounds them all together.
 *
 * <p>An upload is written as it arrives, a chunk per row, in one transaction with its activity
 * row: a broken upload leaves nothing, and memory holds one chunk whatever the size. A read takes
 * a chunk at a time ({@link FileContent}).
 *
 * <p>Thread-safe.
 */
public final class DocumentFiles {
    private static final int MAX_NAME_CHARS = 255;

    private final Documents documents;
    private final TenantGate gate;
    private final ActiveOrganizations organizations;
    private final TemplateCatalog templates;
    private final TenantConnections connections;
    private final FileStore store;
    private final ActivityLog activity;
    private final FileUrls urls;
    private final UploadSlots slots;
    private final Clock clock;
    private final Settings settings;

    /**
     * How files are served, as configured.
     *
     * @param urlKey the key of signed file URLs (32 bytes or more), shared by every instance of the
     *     deployment, e.g. {@code SecretBox.derivedKey("file-urls")}
     * @param urlTtl how long a signed URL works when no {@code ttl} is asked for ({@code files.urlTtl})
     * @param urlMaxTtl the longest one may be asked to work ({@code files.urlMaxTtl})
     * @param uploadsPerDatabase uploads that may run into one tenant database at once, at least 1
     */
    public record Settings(byte[] urlKey, Duration urlTtl, Duration urlMaxTtl, int uploadsPerDatabase) {
        public Settings {
            urlKey = urlKey.clone();
            if (urlTtl.compareTo(urlMaxTtl) > 0) {
                throw new IllegalArgumentException(
                        "a URL's default lifetime " + urlTtl + " is over its maximum " + urlMaxTtl);
            }
        }
    }

    public DocumentFiles(
            Documents documents,
            TenantGate gate,
            ActiveOrganizations organizations,
            TemplateCatalog templates,
            TenantConnections connections,
            FileStore store,
            ActivityLog activity,
            Clock clock,
            Settings settings) {
        this.documents = documents;
        this.gate = gate;
        this.organizations = organizations;
        this.templates = templates;
        this.connections = connections;
        this.store = store;
        this.activity = activity;
        this.clock = clock;
        this.settings = settings;
        // parts of this service, not collaborators: what signs its URLs, what counts its uploads
        this.urls = new FileUrls(settings.urlKey(), clock);
        this.slots = new UploadSlots(settings.uploadsPerDatabase());
    }

    /** A signed URL's token and when it stops working. */
    public record SignedUrl(String token, Instant expiresAt) {}

    /**
     * Stores a file on a document the caller may change. Everything that can be checked before a
     * byte is read is: the collection takes files, the name, the type, the announced length, the
     * document, the quota.
     */
    public StoredFile upload(
            DataScope scope, String collection, UUID documentId, FileUpload upload, AuditEntry.Actor actor) {
        FileRules rules = rules(scope.writable(collection));
        String name = name(upload.name());
        String contentType = contentType(rules, upload.contentType());
        upload.declaredLength().ifPresent(length -> checkSize(rules, length));
        documents.requireChangeable(scope, collection, documentId);
        Room room = room(scope);
        upload.declaredLength().ifPresent(room::check);
        UUID tenantId = scope.member().tenantId();
        String service = scope.template().service();
        UploadSlots.Slot slot = slots.take(tenantId, service, scope.placement().slug());
        try {
            return writing(
                    scope,
                    () -> connections.inTransaction(tenantId, service, handle -> {
                        UUID id = Ids.next();
                        store.begin(
                                handle.connection(),
                                new FileStore.NewFile(
                                        id,
                                        collection,
                                        documentId,
                                        name,
                                        contentType,
                                        scope.member().id()),
                                clock.instant());
                        StoredFile file = write(handle, collection, id, upload.body(), rules, room)
                                .orElseThrow(() -> ProblemType.DOCUMENT_NOT_FOUND
                                        .exception("document " + documentId + " was deleted while its file came in;"
                                                + " nothing was stored")
                                        .with("id", documentId.toString()));
                        activity.record(handle, entry(scope, actor, "file.upload", file));
                        return file;
                    }));
        } finally {
            slot.close();
        }
    }

    /**
     * Reads the body into chunk rows, checking size and quota as it goes; the file, complete, or empty
     * when its document was deleted meanwhile.
     */
    private Optional<StoredFile> write(
            Handle handle, String collection, UUID id, InputStream body, FileRules rules, Room room) {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[FileStore.CHUNK_BYTES];
        long size = 0;
        for (int n = 0; ; n++) {
            int read = fill(body, buffer, size);
            if (read == 0) {
                break;
            }
            size += read;
            checkSize(rules, size);
            room.check(size);
            digest.update(buffer, 0, read);
            store.append(handle.connection(), id, n, buffer, read);
            if (read < buffer.length) {
                break;
            }
        }
        return store.complete(handle.connection(), collection, id, size, digest.digest());
    }

    /** Reads up to a whole buffer; fewer bytes only at the end of the body. */
    private static int fill(InputStream body, byte[] buffer, long sizeSoFar) {
        try {
            return body.readNBytes(buffer, 0, buffer.length);
        } catch (IOException e) {
            throw ProblemType.BAD_REQUEST.exception(
                    "the upload broke off after " + sizeSoFar + " bytes; nothing was stored", e);
        }
    }

    /** The complete files of a document the caller may read, oldest first. */
    public List<StoredFile> list(DataScope scope, String collection, UUID documentId) {
        rules(scope.readable(collection));
        documents.get(scope, collection, documentId);
        return connections.inOneStatement(
                scope.member().tenantId(),
                scope.template().service(),
                handle -> store.list(handle.connection(), collection, documentId));
    }

    /** A file of a document the caller may read, ready to be read. */
    public FileContent open(DataScope scope, String collection, UUID documentId, UUID fileId) {
        rules(scope.readable(collection));
        documents.get(scope, collection, documentId);
        return content(scope.member().tenantId(), scope.template().service(), collection, documentId, fileId);
    }

    /** Deletes a file of a document the caller may change, with its activity row. */
    public void delete(DataScope scope, String collection, UUID documentId, UUID fileId, AuditEntry.Actor actor) {
        rules(scope.writable(collection));
        documents.requireChangeable(scope, collection, documentId);
        UUID tenantId = scope.member().tenantId();
        String service = scope.template().service();
        writing(
                scope,
                () -> connections.inTransaction(tenantId, service, handle -> {
                    StoredFile file = store.delete(handle.connection(), collection, documentId, fileId)
                            .orElseThrow(() -> notFound(fileId));
                    activity.record(handle, entry(scope, actor, "file.delete", file));
                    return file;
                }));
    }

    /**
     * A URL for a file of a document the caller may read, which works without a token until it
     * expires: {@code ttl} when given (1 s to {@code files.urlMaxTtl}), else {@code files.urlTtl}.
     */
    public SignedUrl sign(DataScope scope, String collection, UUID documentId, UUID fileId, Optional<Duration> ttl) {
        Duration lifetime = ttl.orElse(settings.urlTtl());
        if (lifetime.compareTo(Duration.ofSeconds(1)) < 0 || lifetime.compareTo(settings.urlMaxTtl()) > 0) {
            throw ProblemType.INVALID_TTL
                    .exception("ttl must be 1 to " + settings.urlMaxTtl().toSeconds() + " seconds")
                    .with("field", "ttl");
        }
        open(scope, collection, documentId, fileId); // the caller may read it, and it is there
        Instant expiresAt = urls.expiry(lifetime);
        String token = urls.sign(new FileUrls.Grant(
                scope.member().tenantId(), scope.template().service(), collection, documentId, fileId, expiresAt));
        return new SignedUrl(token, expiresAt);
    }

    /**
     * The file a signed URL names, ready to be read: the token must be one this deployment signed and
     * unexpired, and the organization must still be one that may be served.
     */
    public FileContent openSigned(String token) {
        FileUrls.Grant grant = urls.verify(token);
        Placement placement = gate.admit(grant.tenantId()).orElseThrow(() -> notFound(grant.fileId()));
        Optional<DatabaseState> database = placement.database(grant.service()).map(ServiceDatabase::state);
        Admission.check(Admission.database(database, placement.slug(), grant.service(), Admission.Route.READ));
        templates
                .find(grant.service())
                .flatMap(template -> template.collection(grant.collection()))
                .flatMap(CollectionSpec::files)
                .orElseThrow(() -> notFound(grant.fileId()));
        return content(grant.tenantId(), grant.service(), grant.collection(), grant.documentId(), grant.fileId());
    }

    private FileContent content(UUID tenantId, String service, String collection, UUID documentId, UUID fileId) {
        StoredFile file = connections
                .inOneStatement(
                        tenantId, service, handle -> store.find(handle.connection(), collection, documentId, fileId))
                .orElseThrow(() -> notFound(fileId));
        return new FileContent(file, tenantId, service, connections, store);
    }

    /** What files {@code spec} takes; {@code files-not-enabled} when none. */
    private static FileRules rules(CollectionSpec spec) {
        return spec.files()
                .orElseThrow(() -> ProblemType.FILES_NOT_ENABLED
                        .exception("collection '" + spec.name() + "' takes no files")
                        .with("collection", spec.name()));
    }

    private static String name(String name) {
        String trimmed = name.strip();
        if (trimmed.isEmpty()) {
            throw invalidName("a file needs a name: ?name=report.pdf");
        }
        if (trimmed.length() > MAX_NAME_CHARS) {
            throw invalidName("a file name is at most " + MAX_NAME_CHARS + " characters");
        }
        if (trimmed.chars().anyMatch(c -> Character.isISOControl(c) || c == '/' || c == '\\')) {
            throw invalidName("a file name may not hold a control character, / or \\");
        }
        return trimmed;
    }

    private static SiloException invalidName(String message) {
        return ProblemType.INVALID_FILE_NAME.exception(message).with("field", "name");
    }

    private static String contentType(FileRules rules, String contentType) {
        if (!rules.accepts(contentType)) {
            throw ProblemType.FILE_TYPE_NOT_ALLOWED
                    .exception((contentType.isBlank()
                                    ? "a file needs a Content-Type"
                                    : "files of type '" + abbreviate(contentType) + "' are not accepted here")
                            + "; accepted: " + String.join(", ", rules.contentTypes()))
                    .with("contentType", abbreviate(contentType))
                    .with("allowed", rules.contentTypes());
        }
        return contentType.strip();
    }

    private static void checkSize(FileRules rules, long size) {
        if (size > rules.maxBytes()) {
            throw ProblemType.FILE_TOO_LARGE
                    .exception("a file here is at most " + rules.maxBytes() + " bytes; nothing was stored")
                    .with("limit", rules.maxBytes());
        }
    }

    /**
     * The organization's {@code maxFileBytes} and what the files of all its databases take now.
     * Uploads running at the same time are each checked against what was stored when they began, so
     * together they may pass the quota by what they carry.
     */
    private Room room(DataScope scope) {
        Tenant tenant = organizations.active(scope.member().tenantId());
        Optional<Long> quota = tenant.quotas().maxFileBytes();
        if (quota.isEmpty()) {
            return Room.UNLIMITED;
        }
        long used = 0;
        for (TenantDatabase database : tenant.databases()) {
            boolean takesFiles = templates
                    .find(database.service())
                    .filter(template ->
                            !FileSweeper.collectionsWithFiles(template).isEmpty())
                    .isPresent();
            if (takesFiles && database.state() == DatabaseState.READY) {
                used += connections.inOneStatement(
                        tenant.id(),
                        database.service(),
                        handle -> store.isInstalled(handle.connection()) ? store.usedBytes(handle.connection()) : 0L);
            }
        }
        return new Room(scope.placement().slug(), quota.get(), used);
    }

    /** What an organization's quota leaves for one more file. */
    private record Room(String slug, long limit, long used) {
        static final Room UNLIMITED = new Room("", Long.MAX_VALUE, 0);

        void check(long size) {
            if (size > limit - used) {
                throw ProblemType.STORAGE_QUOTA_EXCEEDED
                        .exception("organization " + slug + " has " + Math.max(0, limit - used)
                                + " bytes left of its " + limit + "-byte file quota, fewer than this file takes;"
                                + " nothing was stored")
                        .with("quota", Quotas.MAX_FILE_BYTES)
                        .with("limit", limit)
                        .with("used", used);
            }
        }
    }

    /** A write whose connection broke may or may not have committed: never a success. */
    private <T> T writing(DataScope scope, Supplier<T> write) {
        try {
            return write.get();
        } catch (DataAccessException e) {
            if (!e.isConnectionLost()) {
                throw e;
            }
            connections.connectionLost(
                    scope.member().tenantId(), scope.template().service());
            throw ProblemType.WRITE_OUTCOME_UNKNOWN.exception(
                    "the connection to the database broke during the write, which may or may not have been applied:"
                            + " list the document's files before you retry",
                    e);
        }
    }

    private static ActivityEntry entry(DataScope scope, AuditEntry.Actor actor, String action, StoredFile file) {
        return ActivityEntry.builder(action, scope.template().service())
                .user(
                        Optional.of(scope.member().id()),
                        Optional.empty(),
                        Optional.of(scope.role().name()))
                .target(file.collection(), file.documentId().toString())
                .targetName(Optional.of(file.name()))
                .details(Map.of(
                        "file", file.id().toString(),
                        "contentType", file.contentType(),
                        "size", file.size()))
                .client(actor)
                .build();
    }

    private static SiloException notFound(UUID fileId) {
        return ProblemType.FILE_NOT_FOUND
                .exception("the document has no file " + fileId)
                .with("id", fileId.toString());
    }

    private static String abbreviate(String text) {
        return text.length() > 100 ? text.substring(0, 100) + "..." : text;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
