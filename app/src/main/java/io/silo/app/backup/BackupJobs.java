package io.silo.app.backup;

import io.silo.audit.AuditEntry;
import io.silo.crypto.Ids;
import io.silo.error.ProblemType;
import io.silo.job.Job;
import io.silo.job.JobState;
import io.silo.postgres.control.AuditLog;
import io.silo.postgres.control.TenantStore;
import io.silo.postgres.jdbc.Jdbc;
import io.silo.postgres.job.JobStore;
import io.silo.tenant.Tenant;
import io.silo.tenant.TenantStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Backups over HTTP: an organization's backup started as a job ({@code organization.backup}) that
 * the job workers run into {@code backups.dir}, its archives listed and read back. For platform
 * administrators only (the routes check); every archive is found through its organization, so no
 * request names another organization's file.
 *
 * <p>Thread-safe.
 */
public final class BackupJobs {
    private final Jdbc control;
    private final JobStore jobs;
    private final TenantStore tenants;
    private final AuditLog audit;
    private final BackupFolder folder;
    private final Clock clock;

    BackupJobs(Jdbc control, JobStore jobs, TenantStore tenants, AuditLog audit, BackupFolder folder, Clock clock) {
        this.control = control;
        this.jobs = jobs;
        this.tenants = tenants;
        this.audit = audit;
        this.folder = folder;
        this.clock = clock;
    }

    /**
     * Starts a backup of {@code org}, left to the job workers.
     *
     * @throws io.silo.error.SiloException 404 {@code organization-not-found}; 409 {@code
     *     backups-not-configured}; 409 {@code organization-not-active} for one that is not active or suspended
     */
    public Job start(String org, boolean consistent, AuditEntry.Actor actor) {
        folder.requireConfigured();
        Tenant tenant = organization(org);
        if (tenant.status() != TenantStatus.ACTIVE && tenant.status() != TenantStatus.SUSPENDED) {
            throw ProblemType.ORGANIZATION_NOT_ACTIVE.exception("organization " + tenant.slug() + " is "
                    + tenant.status().value() + "; only an active or suspended organization is backed up");
        }
        return create(tenant, consistent, false, actor);
    }

    /** The organization's archives in {@code backups.dir}, newest first. */
    public List<BackupFolder.Archive> list(String org) {
        folder.requireConfigured();
        return folder.list(organization(org).id());
    }

    /** The archive {@code name} of {@code org}; 404 {@code backup-not-found} for any other. */
    public Path archive(String org, String name) {
        folder.requireConfigured();
        return folder.archive(organization(org).id(), name);
    }

    /**
     * How an archive is restored: as an independent copy under {@code asSlug}, onto {@code cluster},
     * or, with {@code replace}, in place of the live organization it was taken of, which needs
     * {@code confirm} equal to that organization's slug (the typed confirmation of a destructive
     * action; the job checks it against the archive before it fences anything).
     */
    public record RestoreRequest(
            Optional<String> asSlug, Optional<String> cluster, boolean replace, Optional<String> confirm) {
        public RestoreRequest {
            asSlug = asSlug.filter(slug -> !slug.isBlank()).map(io.silo.tenant.Slugs::check);
            cluster = cluster.filter(id -> !id.isBlank());
            confirm = confirm.filter(slug -> !slug.isBlank());
            if (replace && asSlug.isPresent()) {
                throw ProblemType.INVALID_FIELD
                        .exception("'replace' replaces the archived organization; 'as' makes a copy: not both")
                        .with("field", "replace");
            }
            if (replace && confirm.isEmpty()) {
                throw ProblemType.CONFIRMATION_MISMATCH
                        .exception("replacing an organization needs 'confirm' equal to its slug")
                        .with("field", "confirm");
            }
        }
    }

    /**
     * Takes an uploaded archive into {@code backups.dir/uploads} and starts its restore as a job
     * ({@code organization.restore}), left to the job workers. The archive's header is checked first:
     * a file that is no archive, or one encrypted with another key, is refused at once and not kept.
     *
     * @throws io.silo.error.SiloException 409 {@code backups-not-configured}; 422 {@code invalid-archive},
     *     {@code backup-key-mismatch}
     */
    public Job startRestore(java.io.InputStream body, RestoreRequest request, AuditEntry.Actor actor) {
        folder.requireConfigured();
        return restoreJob(folder.upload(body), false, request, actor);
    }

    /**
     * Starts the restore of {@code org}'s listed archive {@code name} as a job, read where it lies
     * (kept when the job ends). Replacing needs {@code confirm} equal to {@code org}'s slug.
     *
     * @throws io.silo.error.SiloException 404 {@code organization-not-found}, {@code backup-not-found};
     *     409 {@code backups-not-configured}; 400 {@code confirmation-mismatch}
     */
    public Job restoreListed(String org, String name, RestoreRequest request, AuditEntry.Actor actor) {
        folder.requireConfigured();
        Tenant tenant = organization(org);
        Path file = folder.archive(tenant.id(), name);
        if (request.replace() && !request.confirm().orElse("").equals(tenant.slug())) {
            throw ProblemType.CONFIRMATION_MISMATCH
                    .exception("replacing " + tenant.slug() + " needs 'confirm' equal to its slug")
                    .with("field", "confirm");
        }
        return restoreJob(file, true, request, actor);
    }

    private Job restoreJob(Path file, boolean listed, RestoreRequest request, AuditEntry.Actor actor) {
        Instant now = clock.instant();
        Job job = new Job(
                Ids.next(),
                RestoreJob.KIND,
                Optional.empty(),
                JobState.PENDING,
                RestoreJob.payload(file, listed, request),
                List.of(RestoreJob.STEP),
                0,
                0,
                Optional.empty(),
                now,
                now,
                Optional.empty());
        control.useTransaction(handle -> {
            jobs.create(handle, job, Duration.ZERO);
            audit.append(
                    handle,
                    new AuditEntry(
                            actor,
                            RestoreJob.KIND,
                            "job",
                            job.id().toString(),
                            Optional.empty(),
                            Map.of(
                                    "as", request.asSlug().orElse(""),
                                    "cluster", request.cluster().orElse(""),
                                    "replace", request.replace(),
                                    "archive", listed ? file.getFileName().toString() : "")));
        });
        return job;
    }

    /**
     * Starts a scheduled backup of every active organization whose newest scheduled backup is older
     * than {@code every} and has none running; returns how many were started.
     */
    public int startDue(Duration every) {
        Instant due = clock.instant().minus(every);
        int started = 0;
        List<Tenant> active = new java.util.ArrayList<>();
        Optional<String> cursor = Optional.empty();
        do {
            TenantStore.Page page = tenants.list(Optional.of(TenantStatus.ACTIVE), Optional.empty(), cursor, 500);
            active.addAll(page.items());
            cursor = page.nextCursor();
        } while (cursor.isPresent());
        for (Tenant tenant : active) {
            boolean running = jobs.unfinished(tenant.id()).stream()
                    .anyMatch(job -> job.kind().equals(BackupJob.KIND));
            Optional<Instant> newest = folder.list(tenant.id()).stream()
                    .filter(archive -> archive.name().endsWith("-scheduled" + BackupFolder.SUFFIX))
                    .map(BackupFolder.Archive::at)
                    .findFirst();
            if (!running && newest.map(at -> at.isBefore(due)).orElse(true)) {
                create(tenant, false, true, AuditEntry.Actor.system("backup schedule"));
                started++;
            }
        }
        return started;
    }

    private Job create(Tenant tenant, boolean consistent, boolean scheduled, AuditEntry.Actor actor) {
        Instant now = clock.instant();
        Path file = folder.newFile(tenant.id(), now, scheduled ? "scheduled" : "");
        Job job = new Job(
                Ids.next(),
                BackupJob.KIND,
                Optional.of(tenant.id()),
                JobState.PENDING,
                BackupJob.payload(file, consistent, scheduled),
                List.of(BackupJob.STEP),
                0,
                0,
                Optional.empty(),
                now,
                now,
                Optional.empty());
        control.useTransaction(handle -> {
            jobs.create(handle, job, Duration.ZERO);
            audit.append(
                    handle,
                    new AuditEntry(
                            actor,
                            BackupJob.KIND,
                            "tenant",
                            tenant.id().toString(),
                            Optional.of(tenant.id()),
                            Map.of(
                                    "slug",
                                    tenant.slug(),
                                    "file",
                                    file.getFileName().toString(),
                                    "consistent",
                                    consistent,
                                    "scheduled",
                                    scheduled)));
        });
        return job;
    }

    private Tenant organization(String org) {
        return tenants.resolve(org)
                .orElseThrow(() -> ProblemType.ORGANIZATION_NOT_FOUND.exception("no organization '" + org + "'"));
    }
}
