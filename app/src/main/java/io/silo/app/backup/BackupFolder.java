package io.silo.app.backup;

import io.silo.config.SiloConfig;
import io.silo.crypto.BackupKey;
import io.silo.error.ProblemType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The archives of {@code backups.dir}: one folder per organization, named by its id (a slug may be
 * taken again by another organization after a deletion; an id never), and files named after the
 * instant of their backup ({@code 20261207T031500Z.silo-backup}). A name from a request is taken
 * only when it is exactly such a name, so that no path leads outside the organization's folder.
 *
 * <p>Thread-safe: stateless but for its settings.
 */
public final class BackupFolder {
    static final String SUFFIX = ".silo-backup";
    private static final Pattern NAME = Pattern.compile("\\d{8}T\\d{6}(\\d{3})?Z(-[a-z]+)?\\.silo-backup");
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);

    private final SiloConfig.Backups settings;

    public BackupFolder(SiloConfig.Backups settings) {
        this.settings = settings;
    }

    /** An archive as listed: its name, size and when it was written. */
    public record Archive(String name, long bytes, Instant at) {}

    /** The file a new backup of the organization goes to; {@code kind} tells scheduled ones apart. */
    Path newFile(UUID tenantId, Instant at, String kind) {
        return folder(tenantId).resolve(STAMP.format(at) + (kind.isEmpty() ? "" : "-" + kind) + SUFFIX);
    }

    /** The organization's archives, newest first; none when it has no folder yet. */
    public List<Archive> list(UUID tenantId) {
        Path folder = folder(tenantId);
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            List<Archive> archives = new ArrayList<>();
            for (Path file : files.filter(
                            file -> NAME.matcher(file.getFileName().toString()).matches())
                    .toList()) {
                archives.add(new Archive(
                        file.getFileName().toString(),
                        Files.size(file),
                        Files.getLastModifiedTime(file).toInstant()));
            }
            archives.sort(Comparator.comparing(Archive::name).reversed());
            return archives;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the backups in " + folder, e);
        }
    }

    /**
     * The archive {@code name} of the organization.
     *
     * @throws io.silo.error.SiloException 404 {@code backup-not-found} for any other name, or one not there
     */
    public Path archive(UUID tenantId, String name) {
        Path file = folder(tenantId).resolve(NAME.matcher(name).matches() ? name : "-");
        if (!NAME.matcher(name).matches() || !Files.isRegularFile(file)) {
            throw ProblemType.BACKUP_NOT_FOUND
                    .exception("the organization has no backup named '"
                            + (name.length() > 64 ? name.substring(0, 64) + "..." : name) + "'")
                    .with("name", name.length() > 64 ? name.substring(0, 64) : name);
        }
        return file;
    }

    /**
     * Writes an uploaded archive to {@code backups.dir/uploads}, then checks its header with the key:
     * a file that is not an archive, or one of another key, is deleted and refused.
     */
    Path upload(java.io.InputStream body) {
        Path uploads = settings.dir().orElseThrow(BackupFolder::notConfigured).resolve("uploads");
        Path file = uploads.resolve(UUID.randomUUID() + SUFFIX);
        Path partial = uploads.resolve(file.getFileName() + ".partial");
        try {
            Files.createDirectories(uploads);
            try (java.io.OutputStream out = Files.newOutputStream(partial)) {
                body.transferTo(out);
            }
            try (java.io.InputStream in = Files.newInputStream(partial)) {
                io.silo.crypto.ArchiveCipher.decrypting(in, key());
            }
            Files.move(partial, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return file;
        } catch (IOException e) {
            deleteQuietly(partial);
            throw new UncheckedIOException("cannot take the uploaded archive into " + uploads, e);
        } catch (RuntimeException e) {
            deleteQuietly(partial);
            throw e;
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a partial upload left behind is named so and never restored
        }
    }

    /** Deletes the organization's scheduled archives beyond the newest {@code keep}. */
    void prune(UUID tenantId, int keep) {
        List<Archive> scheduled = list(tenantId).stream()
                .filter(archive -> archive.name().endsWith("-scheduled" + SUFFIX))
                .toList();
        for (Archive old : scheduled.subList(Math.min(keep, scheduled.size()), scheduled.size())) {
            try {
                Files.deleteIfExists(folder(tenantId).resolve(old.name()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete the old backup " + old.name(), e);
            }
        }
    }

    /** The key of {@code backups.keyFile}, read now. */
    BackupKey key() {
        Path file = settings.keyFile().orElseThrow(BackupFolder::notConfigured);
        try {
            return BackupKey.parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read backups.keyFile " + file, e);
        }
    }

    /** Fails unless backups over HTTP are configured. */
    void requireConfigured() {
        if (!settings.configured()) {
            throw notConfigured();
        }
    }

    private Path folder(UUID tenantId) {
        return settings.dir().orElseThrow(BackupFolder::notConfigured).resolve(tenantId.toString());
    }

    private static RuntimeException notConfigured() {
        return ProblemType.BACKUPS_NOT_CONFIGURED.exception(
                "backups over HTTP need backups.dir and backups.keyFile in the configuration");
    }
}
