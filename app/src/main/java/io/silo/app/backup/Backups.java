package io.silo.app.backup;

import io.silo.audit.AuditEntry;
import io.silo.crypto.ArchiveCipher;
import io.silo.crypto.BackupKey;
import io.silo.error.ProblemType;
import io.silo.postgres.backup.ArchiveCheck;
import io.silo.postgres.backup.ArchiveManifest;
import io.silo.postgres.backup.ConsistentCut;
import io.silo.postgres.backup.DatabaseDump;
import io.silo.postgres.backup.TenantArchive;
import io.silo.postgres.control.AuditLog;
import io.silo.postgres.control.TenantStore;
import io.silo.tenant.Tenant;
import io.silo.tenant.TenantStatus;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Backups of organizations: every database of one, each read in one snapshot (or all under one
 * cut, {@code consistent}), written as one archive encrypted with the operator's {@link BackupKey}.
 * The archive is written beside its final name and renamed when whole, so a file of that name is
 * always a complete archive.
 *
 * <p>Thread-safe.
 */
public final class Backups {
    private final TenantStore tenants;
    private final TenantArchive archives;
    private final ConsistentCut cut;
    private final AuditLog audit;
    private final Clock clock;

    Backups(TenantStore tenants, TenantArchive archives, ConsistentCut cut, AuditLog audit, Clock clock) {
        this.tenants = tenants;
        this.archives = archives;
        this.cut = cut;
        this.audit = audit;
        this.clock = clock;
    }

    /** A backup written: where, what it holds, its size and how long it took. */
    public record Written(Path file, ArchiveManifest manifest, long bytes, Duration took) {}

    /**
     * Writes the archive of organization {@code org} to {@code file}.
     *
     * @param consistent reads the organization's databases as of one instant (a tenant-wide cut:
     *     writes wait for the moment the snapshots take to open); otherwise each database is read as
     *     of its own instant
     */
    public Written backup(
            String org,
            Path file,
            BackupKey key,
            boolean consistent,
            DatabaseDump.Progress progress,
            AuditEntry.Actor actor) {
        Tenant tenant = tenants.resolve(org)
                .orElseThrow(() -> ProblemType.ORGANIZATION_NOT_FOUND.exception("no organization '" + org + "'"));
        if (tenant.status() != TenantStatus.ACTIVE && tenant.status() != TenantStatus.SUSPENDED) {
            throw ProblemType.ORGANIZATION_NOT_ACTIVE.exception("organization " + tenant.slug() + " is "
                    + tenant.status().value() + "; only an active or" + " suspended organization is backed up");
        }
        long started = System.nanoTime();
        Instant now = clock.instant();
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        ArchiveManifest manifest;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (OutputStream out = ownerOnly(partial)) {
                ConsistentCut.Hold hold = cut.hold(tenant);
                manifest = archives.write(
                        tenant,
                        ArchiveCipher.encrypting(out, key),
                        now,
                        consistent,
                        hold::take,
                        hold::release,
                        progress);
            }
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            long bytes = Files.size(file);
            audit.append(new AuditEntry(
                    actor,
                    "tenant.backup",
                    "tenant",
                    tenant.id().toString(),
                    java.util.Optional.of(tenant.id()),
                    Map.of(
                            "slug", tenant.slug(),
                            "file", file.getFileName().toString(),
                            "bytes", bytes,
                            "rows", manifest.rows(),
                            "consistent", consistent)));
            return new Written(file, manifest, bytes, Duration.ofNanos(System.nanoTime() - started));
        } catch (IOException e) {
            deleteQuietly(partial);
            throw new UncheckedIOException("cannot write the backup of " + tenant.slug() + " to " + file, e);
        } catch (RuntimeException e) {
            deleteQuietly(partial);
            throw e;
        }
    }

    /** The manifest of an archive, read to its end and checked, without restoring anything. */
    public static ArchiveManifest check(Path file, BackupKey key) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return ArchiveCheck.verify(ArchiveCipher.decrypting(in, key));
        } catch (IOException e) {
            throw Restores.unreadable(file, e);
        }
    }

    /**
     * The header of an archive (organization, databases; no tables), every byte of it authenticated
     * under {@code key} first: a wrong key, an altered or a cut-off archive is refused here, at the
     * cost of decrypting it once, without decompressing or hashing it. A restore starts so and checks
     * the tables as it loads them.
     */
    public static ArchiveManifest authenticate(Path file, BackupKey key) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return ArchiveCheck.authenticate(ArchiveCipher.decrypting(in, key));
        } catch (IOException e) {
            throw Restores.unreadable(file, e);
        }
    }

    private static OutputStream ownerOnly(Path file) throws IOException {
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        return new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a partial file left behind is named so and never taken for an archive
        }
    }
}
