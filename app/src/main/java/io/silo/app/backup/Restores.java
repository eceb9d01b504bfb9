package io.silo.app.backup;

import io.silo.app.cluster.Placements;
import io.silo.app.organization.Organizations;
import io.silo.audit.AuditEntry;
import io.silo.cluster.Cluster;
import io.silo.cluster.ClusterPlacement;
import io.silo.cluster.ServicePlacement;
import io.silo.crypto.ArchiveCipher;
import io.silo.crypto.BackupKey;
import io.silo.crypto.Ids;
import io.silo.crypto.SecretBox;
import io.silo.crypto.Secrets;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.naming.DatabaseNamer;
import io.silo.naming.NamingContext;
import io.silo.postgres.backup.ArchiveManifest;
import io.silo.postgres.backup.ArchivedDatabase;
import io.silo.postgres.backup.DatabaseDump;
import io.silo.postgres.backup.TenantArchive;
import io.silo.postgres.cluster.ClusterAdmin;
import io.silo.postgres.cluster.ClusterAdmins;
import io.silo.postgres.cluster.SchemaInstaller;
import io.silo.postgres.control.AuditLog;
import io.silo.postgres.control.TenantStore;
import io.silo.postgres.identity.DirectoryRelay;
import io.silo.postgres.jdbc.DataAccessException;
import io.silo.postgres.jdbc.Handle;
import io.silo.postgres.jdbc.Jdbc;
import io.silo.postgres.provision.ProvisioningJob;
import io.silo.postgres.schema.TenantMigrator;
import io.silo.template.ServiceTemplate;
import io.silo.template.TemplateCatalog;
import io.silo.tenant.DatabaseState;
import io.silo.tenant.Slugs;
import io.silo.tenant.Tenant;
import io.silo.tenant.TenantStatus;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Organizations recreated from archives, or copied under a new slug. The archive is read twice:
 * first decrypted to its end, which authenticates every byte (a wrong key, an altered or cut-off
 * archive is refused, as are an unknown template and a slug in use, before anything is created),
 * then decompressed and loaded. The organization is recorded {@code provisioning} (served to
 * nobody) with new databases copied from its services' template databases at the archive's
 * versions; each table is loaded and its count and checksum found to be the archive's
 * ({@link io.silo.postgres.backup.ArchiveCheck}) before its indexes are built; once every database
 * is, older versions are migrated forward, the login directory rebuilt and the organization
 * activated. Any
 * failure after the record was made (an archive that authenticates but does not hold what it says:
 * written by a faulty Silo, or by someone with its key) deletes it with its databases and role (the
 * deletion job), so nothing restored halfway is ever activated.
 *
 * <p>A copy ({@code asSlug}) gets a new id, slug, role and database names and no external id; the
 * ids inside its databases (users, documents, files) stay as they were, as they are the copy's own.
 *
 * <p>A process killed midway runs no cleanup: its organization stays {@code provisioning}, its
 * {@code status_reason} naming the archive (and the restore job). The next attempt of the same
 * restore (the job's step run again, or the same command) deletes it before it plans, and takes over
 * a replacement's fence, which the killed attempt could not lift.
 *
 * <p>Thread-safe.
 */
public final class Restores {
    private static final Logger log = LoggerFactory.getLogger(Restores.class);
    /** The longest a time stamp in a slug of the restore's own making can be: a long in base 36. */
    private static final int STAMP_LENGTH = 13;

    private final Jdbc control;
    private final TenantStore tenants;
    private final Placements placements;
    private final ClusterAdmins admins;
    private final TemplateCatalog templates;
    private final SchemaInstaller installer;
    private final TenantMigrator migrator;
    private final DirectoryRelay relay;
    private final Organizations organizations;
    private final DatabaseNamer namer;
    private final SecretBox secrets;
    private final AuditLog audit;
    private final Consumer<UUID> placementChanged;
    private final Clock clock;

    Restores(
            Jdbc control,
            TenantStore tenants,
            Placements placements,
            ClusterAdmins admins,
            TemplateCatalog templates,
            SchemaInstaller installer,
            TenantMigrator migrator,
            DirectoryRelay relay,
            Organizations organizations,
            DatabaseNamer namer,
            SecretBox secrets,
            AuditLog audit,
            Consumer<UUID> placementChanged,
            Clock clock) {
        this.control = control;
        this.tenants = tenants;
        this.placements = placements;
        this.admins = admins;
        this.templates = templates;
        this.installer = installer;
        this.migrator = migrator;
        this.relay = relay;
        this.organizations = organizations;
        this.namer = namer;
        this.secrets = secrets;
        this.audit = audit;
        this.placementChanged = placementChanged;
        this.clock = clock;
    }

    /**
     * How to restore.
     *
     * @param asSlug restore an independent copy under this slug instead of the organization itself
     * @param cluster the cluster to restore onto (default: the archived one when it takes tenants,
     *     else placement's choice)
     */
    public record Options(Optional<String> asSlug, Optional<String> cluster) {}

    /** An organization restored, what the archive held, the services migrated forward, and how long it took. */
    public record Restored(Tenant tenant, ArchiveManifest manifest, List<String> migrated, Duration took) {}

    /** Restores the archive {@code file}; see the class comment. */
    public Restored restore(
            Path file, BackupKey key, Options options, DatabaseDump.Progress progress, AuditEntry.Actor actor) {
        return restore(Archive.authenticate(file, key), options, Optional.empty(), progress, actor);
    }

    /** Restores an archive authenticated already ({@link Archive#authenticate}); see the class comment. */
    public Restored restore(Archive archive, Options options, DatabaseDump.Progress progress, AuditEntry.Actor actor) {
        return restore(archive, options, Optional.empty(), progress, actor);
    }

    /**
     * An archive every byte of which was authenticated under its key, and its header: what a restore
     * starts from. Authenticating decrypts the whole archive once, so a command may do it while it
     * opens the control plane.
     */
    public record Archive(Path file, BackupKey key, ArchiveManifest header) {
        /** @throws io.silo.error.SiloException {@code backup-key-mismatch} or {@code invalid-archive} */
        public static Archive authenticate(Path file, BackupKey key) {
            return new Archive(file, key, Backups.authenticate(file, key));
        }
    }

    /**
     * {@link #restore(Path, BackupKey, Options, DatabaseDump.Progress, AuditEntry.Actor)} as the restore
     * job {@code job} runs it: what an attempt of that job killed midway left is its own to delete.
     */
    Restored restore(
            Archive archive,
            Options options,
            Optional<UUID> job,
            DatabaseDump.Progress progress,
            AuditEntry.Actor actor) {
        long started = System.nanoTime();
        ArchiveManifest manifest = archive.header();
        String attempt = attempt(manifest, job);
        String slug = options.asSlug().map(Slugs::check).orElse(manifest.slug());
        deleteLeftovers(leftovers(attempt, slug::equals), actor);
        Plan plan = plan(manifest, options);
        create(plan, manifest, attempt, actor);
        Filled filled = fillOrDelete(plan, archive, progress, Optional.empty(), actor);
        Tenant tenant = tenants.find(plan.id()).orElseThrow();
        return new Restored(
                tenant, filled.manifest(), filled.migrated(), Duration.ofNanos(System.nanoTime() - started));
    }

    /**
     * Replaces the live organization the archive was taken of ({@code --replace}): its writes are
     * fenced (503 {@code database-fenced}; reads go on) while the archive is restored beside it under
     * a temporary slug, with new databases, and verified; then one control-plane transaction swaps
     * them: the restored organization takes the slug and external id and becomes active, the old one
     * is renamed {@code <slug>-replaced-<time>} and suspended with its databases, kept until an
     * administrator deletes it. Its members sign in again (the organization's id changed). A failure
     * before the swap deletes the restored copy and lifts the fence: the live organization is as it was.
     */
    public Restored replace(
            Path file,
            BackupKey key,
            Optional<String> cluster,
            DatabaseDump.Progress progress,
            AuditEntry.Actor actor) {
        return replace(Archive.authenticate(file, key), cluster, progress, actor);
    }

    /** {@link #replace(Path, BackupKey, Optional, DatabaseDump.Progress, AuditEntry.Actor)} of an archive authenticated already. */
    public Restored replace(
            Archive archive, Optional<String> cluster, DatabaseDump.Progress progress, AuditEntry.Actor actor) {
        return replace(archive, cluster, Optional.empty(), Optional.empty(), progress, actor);
    }

    /**
     * {@link #replace(Path, BackupKey, Optional, DatabaseDump.Progress, AuditEntry.Actor)}, only when
     * the archive is of the organization {@code confirm} names (the typed confirmation a request
     * over HTTP brings); checked before anything is fenced.
     *
     * @throws io.silo.error.SiloException 400 {@code confirmation-mismatch} for an archive of another organization
     */
    public Restored replace(
            Path file,
            BackupKey key,
            Optional<String> cluster,
            Optional<String> confirm,
            DatabaseDump.Progress progress,
            AuditEntry.Actor actor) {
        return replace(Archive.authenticate(file, key), cluster, confirm, Optional.empty(), progress, actor);
    }

    /**
     * {@link #replace(Path, BackupKey, Optional, Optional, DatabaseDump.Progress, AuditEntry.Actor)} as
     * the restore job {@code job} runs it: what an attempt of that job killed midway left is its own
     * to delete, its fence its own to lift.
     */
    Restored replace(
            Archive archive,
            Optional<String> cluster,
            Optional<String> confirm,
            Optional<UUID> job,
            DatabaseDump.Progress progress,
            AuditEntry.Actor actor) {
        long started = System.nanoTime();
        ArchiveManifest manifest = archive.header();
        if (confirm.isPresent() && !confirm.get().equals(manifest.slug())) {
            throw ProblemType.CONFIRMATION_MISMATCH
                    .exception("the archive is of organization " + manifest.slug() + ", not " + confirm.get()
                            + "; nothing was replaced")
                    .with("field", "confirm");
        }
        String attempt = attempt(manifest, job);
        Optional<Restored> done = job.flatMap(id -> swappedBefore(attempt, manifest, started));
        if (done.isPresent()) {
            return done.get();
        }
        Tenant live = tenants.resolve(manifest.slug())
                .orElseThrow(() -> ProblemType.ORGANIZATION_NOT_FOUND.exception(
                        "no live organization '" + manifest.slug() + "' to replace; restore without --replace"));
        String temporary = Slugs.withSuffix(live.slug(), "-restoring-", STAMP_LENGTH);
        List<Leftover> leftovers = leftovers(attempt, slug -> slug.startsWith(temporary));
        // an attempt killed midway left the live organization fenced (its finally never ran): that fence is
        // this attempt's to lift, or the organization's writes would be refused for good
        List<io.silo.tenant.TenantDatabase> fenced = live.databases().stream()
                .filter(database -> database.state() == DatabaseState.READY
                        || (!leftovers.isEmpty() && database.state() == DatabaseState.WRITE_FENCED))
                .toList();
        io.silo.postgres.control.RolloutStore fences = new io.silo.postgres.control.RolloutStore(control);
        try {
            deleteLeftovers(leftovers, actor);
            String stamp = Long.toString(clock.millis(), 36);
            Plan plan = plan(manifest, new Options(Optional.of(temporary + stamp), cluster));
            create(plan, manifest, attempt, actor);
            fenced.forEach(database -> fences.fence(live.id(), database.service()));
            placementChanged.accept(live.id());
            Filled filled = fillOrDelete(plan, archive, progress, Optional.of(live), actor);
            return new Restored(
                    tenants.find(plan.id()).orElseThrow(),
                    filled.manifest(),
                    filled.migrated(),
                    Duration.ofNanos(System.nanoTime() - started));
        } finally {
            fenced.forEach(database -> fences.reached(live.id(), database.service(), database.schemaVersion()));
            placementChanged.accept(live.id());
        }
    }

    /**
     * A job's attempt that finds the swap done by an earlier attempt of the same job, killed after
     * the swap's commit and before its end: done, the organization it replaced given its writes
     * back (that attempt's {@code finally} never ran); replacing again would lose what was written to
     * the restored organization since. Empty when no earlier attempt swapped.
     */
    private Optional<Restored> swappedBefore(String attempt, ArchiveManifest manifest, long started) {
        return control.queryOne(
                        "SELECT id FROM tenants WHERE status = 'suspended' AND status_reason = ?",
                        row -> row.getObject(1, UUID.class),
                        keptReason(attempt))
                .map(kept -> {
                    io.silo.postgres.control.RolloutStore fences = new io.silo.postgres.control.RolloutStore(control);
                    tenants.find(kept).orElseThrow().databases().stream()
                            .filter(database -> database.state() == DatabaseState.WRITE_FENCED)
                            .forEach(database -> fences.reached(kept, database.service(), database.schemaVersion()));
                    placementChanged.accept(kept);
                    log.info("restore {}: the swap was done by an earlier attempt; nothing to do again", attempt);
                    Tenant restored = tenants.resolve(manifest.slug())
                            .orElseThrow(() -> new IllegalStateException(
                                    "organization " + manifest.slug() + " is gone after its restore swapped"));
                    return new Restored(restored, manifest, List.of(), Duration.ofNanos(System.nanoTime() - started));
                });
    }

    /** What the organization a replacing restore keeps says of itself: the attempt that replaced it. */
    private static String keptReason(String attempt) {
        return attempt.replaceFirst("^being restored ", "replaced by the restore ") + "; kept until deleted";
    }

    /**
     * What marks the organization a restore records as this restore's, in its {@code status_reason}
     * while it is {@code provisioning}: the archive, and the job that restores it if one does.
     */
    private static String attempt(ArchiveManifest manifest, Optional<UUID> job) {
        return "being restored from the archive of " + manifest.slug() + " taken " + manifest.createdAt()
                + job.map(id -> " by restore job " + id).orElse("");
    }

    /** An organization an earlier attempt of the same restore recorded and left {@code provisioning}. */
    private record Leftover(UUID id, String slug) {}

    private List<Leftover> leftovers(String attempt, java.util.function.Predicate<String> slug) {
        return control
                .query(
                        "SELECT id, slug FROM tenants WHERE status = 'provisioning' AND status_reason = ?",
                        row -> new Leftover(row.getObject(1, UUID.class), row.getString(2)),
                        attempt)
                .stream()
                .filter(leftover -> slug.test(leftover.slug()))
                .toList();
    }

    /**
     * Deletes what an attempt killed midway left (its databases and role too), as a failed attempt
     * would have: it is Silo's own half-made copy, served to nobody, and it holds room on its clusters.
     */
    private void deleteLeftovers(List<Leftover> leftovers, AuditEntry.Actor actor) {
        for (Leftover leftover : leftovers) {
            log.warn(
                    "restore: deleting organization {} ({}), left provisioning by an earlier attempt that stopped",
                    leftover.slug(),
                    leftover.id());
            if (organizations.delete(leftover.id().toString(), actor).tenant().isPresent()) {
                throw new IllegalStateException("organization " + leftover.slug() + ", left by an earlier attempt"
                        + " of this restore, is still being deleted; try again once it is gone");
            }
        }
    }

    /** {@link #fill}, or on failure the deletion of what this attempt created. */
    private Filled fillOrDelete(
            Plan plan,
            Archive archive,
            DatabaseDump.Progress progress,
            Optional<Tenant> replacing,
            AuditEntry.Actor actor) {
        ArchiveManifest manifest = archive.header();
        try {
            return fill(plan, archive, progress, replacing);
        } catch (RuntimeException e) {
            log.warn(
                    "restore of {} as {} failed; deleting what it created{}: {}",
                    manifest.slug(),
                    plan.slug(),
                    replacing.isPresent() ? " and lifting the fence" : "",
                    e.getMessage());
            try {
                organizations.delete(plan.id().toString(), actor);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** The restored organization takes the live one's slug and external id; the live one is renamed and suspended. */
    private void swap(Tenant live, Plan plan, TenantStatus target) {
        String kept = Slugs.withSuffix(live.slug(), "-replaced-", STAMP_LENGTH) + Long.toString(clock.millis(), 36);
        String attempt = tenants.find(plan.id()).flatMap(Tenant::statusReason).orElse("being restored");
        Instant now = clock.instant();
        control.useTransaction(handle -> {
            int old = handle.update(
                    "UPDATE tenants SET slug = ?, external_id = NULL, status = 'suspended', status_reason = ?,"
                            + " updated_at = ? WHERE id = ? AND slug = ?",
                    kept,
                    keptReason(attempt),
                    now,
                    live.id(),
                    live.slug());
            if (old != 1) {
                throw ProblemType.INVALID_STATUS_TRANSITION.exception(
                        "organization " + live.slug() + " changed while it was being replaced");
            }
            handle.update(
                    "UPDATE tenants SET slug = ?, external_id = ?, status = ?, status_reason = NULL, updated_at = ?"
                            + " WHERE id = ? AND status = 'provisioning'",
                    live.slug(),
                    live.externalId(),
                    target.value(),
                    now,
                    plan.id());
        });
        log.info("organization {} replaced by its restore; the old one is {} (suspended)", live.slug(), kept);
    }

    /**
     * Where and under which names the organization is restored.
     *
     * @param clusters the cluster id of each service's database
     * @param names the database name of each service
     */
    private record Plan(
            UUID id, String slug, boolean copy, Map<String, String> clusters, Map<String, String> names, String role) {
        ClusterAdmin admin(ClusterAdmins admins, String service) {
            return admins.of(clusters.get(service));
        }
    }

    private Plan plan(ArchiveManifest manifest, Options options) {
        boolean copy = options.asSlug().isPresent();
        String slug = options.asSlug().map(Slugs::check).orElse(manifest.slug());
        if (tenants.resolve(slug).isPresent()) {
            throw ProblemType.SLUG_TAKEN
                    .exception("an organization with slug '" + slug + "' exists; restore a copy with --as NEW_SLUG,"
                            + " or delete it first")
                    .with("field", "slug");
        }
        for (ArchivedDatabase database : manifest.databases()) {
            archivedTemplate(database);
        }
        UUID archivedId = UUID.fromString(manifest.organization().path("id").asString());
        UUID id = !copy && tenants.find(archivedId).isEmpty() ? archivedId : Ids.next();
        Map<String, String> clusters = clusters(manifest, options);
        Map<String, String> names = new LinkedHashMap<>();
        JsonNode organization = manifest.organization();
        // a copy keeps its organization's name, but its databases must not: they are named after its slug
        NamingContext naming = new NamingContext(
                id,
                slug,
                copy ? slug : organization.path("name").asString(),
                text(organization.path("business_type")),
                Optional.empty(),
                clock.instant());
        for (ArchivedDatabase database : manifest.databases()) {
            String name = copy
                    ? namer.name(
                            templates.require(database.service()).databaseNamePattern(), database.service(), naming)
                    : database.databaseName();
            String cluster = clusters.get(database.service());
            if (names.containsValue(name)
                    || tenants.databaseNameTaken(cluster, name)
                    || admins.of(cluster).databaseExists(name)) {
                throw ProblemType.DATABASE_NAME_TAKEN
                        .exception("a database named " + name + " already exists on cluster " + cluster
                                + (copy ? "" : "; restore a copy with --as NEW_SLUG"))
                        .with("database", name);
            }
            names.put(database.service(), name);
        }
        return new Plan(
                id, slug, copy, clusters, names, "silo_t_" + id.toString().replace("-", ""));
    }

    /**
     * The cluster of each archived database: all on the one {@code --cluster} names; else each on the
     * cluster it was archived on while that one still takes tenants and has room, the others placed by
     * the rules of a new organization ({@link Placements}: the deployment's default for the service),
     * those without a rule together.
     */
    private Map<String, String> clusters(ArchiveManifest manifest, Options options) {
        List<Cluster> known = placements.list();
        Map<String, Long> load = placements.load();
        // each database kept on its archived cluster takes room there that the next one cannot have
        Map<String, Long> kept = new java.util.HashMap<>(load);
        Map<String, ServicePlacement> rules = new LinkedHashMap<>();
        Map<String, ServicePlacement> placed = new LinkedHashMap<>();
        for (ArchivedDatabase database : manifest.databases()) {
            ServicePlacement rule =
                    options.cluster().map(ServicePlacement::on).orElseGet(() -> rule(database, known, kept));
            (rule.cluster().isPresent() ? rules : placed).put(database.service(), rule);
        }
        // those kept where they were first, so that the others, placed by the rules, leave them their room
        rules.putAll(placed);
        Map<String, String> chosen = new LinkedHashMap<>();
        ClusterPlacement.chooseEach(known, load, rules)
                .forEach((service, cluster) -> chosen.put(service, cluster.id()));
        return chosen;
    }

    private ServicePlacement rule(ArchivedDatabase database, List<Cluster> known, Map<String, Long> kept) {
        boolean archivedHasRoom = known.stream()
                .filter(cluster -> cluster.id().equals(database.clusterId()) && cluster.acceptsNewTenants())
                .anyMatch(cluster -> kept.getOrDefault(cluster.id(), 0L) + 1 <= cluster.capacity());
        if (!archivedHasRoom) {
            return placements
                    .rules(List.of(database.service()), Optional.empty(), Map.of(), Map.of())
                    .get(database.service());
        }
        kept.merge(database.clusterId(), 1L, Long::sum);
        return ServicePlacement.on(database.clusterId());
    }

    /** The template the archived database was at; an archive of a version this Silo lacks is refused. */
    private ServiceTemplate archivedTemplate(ArchivedDatabase database) {
        return templates
                .at(database.service(), database.version())
                .orElseThrow(() -> ProblemType.INVALID_ARCHIVE.exception("the archive's " + database.service()
                        + " database is at template version " + database.version() + ", which this Silo "
                        + (templates.find(database.service()).isEmpty()
                                ? "does not know: it has no service " + database.service()
                                : "does not have (it has "
                                        + templates.require(database.service()).version() + " and the earlier "
                                        + templates.earlierVersions(database.service()) + ")")));
    }

    /** The organization's record, provisioning, with its databases pending: one control-plane transaction. */
    private void create(Plan plan, ArchiveManifest manifest, String attempt, AuditEntry.Actor actor) {
        Instant now = clock.instant();
        Map<String, Object> overrides = new LinkedHashMap<>();
        overrides.put("id", plan.id().toString());
        overrides.put("slug", plan.slug());
        overrides.put("status", TenantStatus.PROVISIONING.value());
        overrides.put("status_reason", attempt);
        overrides.put("delete_after", null);
        overrides.put("db_role", plan.role());
        overrides.put("db_role_password", secrets.seal(Secrets.password()));
        // an archive from before the column was left out may carry a password staged by a rotation,
        // sealed under its deployment's master key: the restored role starts with none staged
        overrides.put("db_role_password_next", null);
        overrides.put("updated_at", now.toString());
        if (plan.copy()) {
            overrides.put("external_id", null);
            overrides.put("created_at", now.toString());
        }
        try {
            control.useTransaction(handle -> {
                placements.reserve(handle, Placements.needed(plan.clusters().values()));
                TenantArchive.insertRegistry(handle, manifest.organization(), overrides);
                for (ArchivedDatabase database : manifest.databases()) {
                    insertDatabase(handle, plan, database);
                }
                audit.append(
                        handle,
                        new AuditEntry(
                                actor,
                                "tenant.restore",
                                "tenant",
                                plan.id().toString(),
                                Optional.of(plan.id()),
                                Map.of(
                                        "slug", plan.slug(),
                                        "from", manifest.slug(),
                                        "backedUpAt", manifest.createdAt().toString(),
                                        "databases", List.copyOf(plan.names().values()))));
            });
        } catch (DataAccessException e) {
            if (e.violated(TenantStore.SLUG_KEY) || e.violated(TenantStore.SLUG_IS_EXTERNAL_ID)) {
                throw ProblemType.SLUG_TAKEN.exception("an organization with slug '" + plan.slug() + "' exists");
            }
            if (e.isUniqueViolation()) {
                throw ProblemType.DATABASE_NAME_TAKEN.exception("a database name or the external id of the archived"
                        + " organization is taken; restore a copy with --as NEW_SLUG");
            }
            throw e;
        }
    }

    private static void insertDatabase(Handle handle, Plan plan, ArchivedDatabase database) {
        handle.update(
                """
                INSERT INTO tenant_databases (tenant_id, service, cluster_id, database_name, template_version, schema_version, state)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                plan.id(),
                database.service(),
                plan.clusters().get(database.service()),
                plan.names().get(database.service()),
                database.version(),
                database.version(),
                DatabaseState.PENDING.value());
    }

    /** What a fill found in the archive (the whole manifest: {@code header} and every table) and the services it migrated forward. */
    private record Filled(ArchiveManifest manifest, List<String> migrated) {}

    /**
     * Role, databases, data, verification, migrations, directory, activation, from an archive whose
     * {@code header} was read when it was authenticated.
     */
    private Filled fill(Plan plan, Archive archive, DatabaseDump.Progress progress, Optional<Tenant> replacing) {
        ArchiveManifest header = archive.header();
        TenantStore.TenantRole role = tenants.role(plan.id());
        plan.clusters().values().stream()
                .distinct()
                .forEach(cluster -> admins.of(cluster).ensureRole(role.name(), role.password()));
        for (ArchivedDatabase database : header.databases()) {
            createDatabase(plan, plan.admin(admins, database.service()), database, role.name());
        }
        ArchiveManifest manifest;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(archive.file()), 1 << 16)) {
            manifest = TenantArchive.load(
                    ArchiveCipher.decrypting(in, archive.key()),
                    header,
                    service -> plan.admin(admins, service).connect(plan.names().get(service)),
                    progress);
        } catch (IOException e) {
            throw unreadable(archive.file(), e);
        }
        List<String> migrated = new ArrayList<>();
        for (ArchivedDatabase database : manifest.databases()) {
            ServiceTemplate newest = templates.require(database.service());
            if (newest.version() > database.version()) {
                migrateForward(plan, plan.admin(admins, database.service()), database, newest);
                migrated.add(database.service() + " " + database.version() + " -> " + newest.version());
            }
        }
        rebuildDirectory(plan);
        JsonNode status = manifest.organization().path("status");
        TenantStatus target = "suspended".equals(status.asString()) ? TenantStatus.SUSPENDED : TenantStatus.ACTIVE;
        if (replacing.isPresent()) {
            swap(replacing.get(), plan, target);
            placementChanged.accept(replacing.get().id());
        } else if (!tenants.transition(
                plan.id(), TenantStatus.PROVISIONING, target, Optional.empty(), clock.instant())) {
            throw ProblemType.ORGANIZATION_DELETED.exception(
                    "organization " + plan.slug() + " left provisioning while it was being restored");
        }
        placementChanged.accept(plan.id());
        log.info(
                "restored organization {} as {} with databases {}",
                manifest.slug(),
                plan.slug(),
                plan.names().values());
        return new Filled(manifest, migrated);
    }

    private void createDatabase(Plan plan, ClusterAdmin admin, ArchivedDatabase database, String role) {
        String name = plan.names().get(database.service());
        String source = admin.ensureTemplate(archivedTemplate(database), installer);
        tenants.setDatabaseState(plan.id(), database.service(), DatabaseState.CREATING, Optional.empty());
        admin.createDatabase(name, source);
        admin.secureDatabase(name, ProvisioningJob.ownerComment(plan.id(), database.service()));
        admin.grantTenantAccess(name, role);
        tenants.setDatabaseState(plan.id(), database.service(), DatabaseState.READY, Optional.empty());
    }

    private void migrateForward(Plan plan, ClusterAdmin admin, ArchivedDatabase database, ServiceTemplate newest) {
        String name = plan.names().get(database.service());
        try (Connection connection = admin.connect(name)) {
            migrator.migrate(connection, newest, TenantMigrator.Control.none());
        } catch (SQLException e) {
            throw new DataAccessException("(migrate restored database " + name + ")", e);
        }
        control.update(
                "UPDATE tenant_databases SET template_version = ?, schema_version = ?, updated_at = now()"
                        + " WHERE tenant_id = ? AND service = ?",
                newest.version(),
                newest.version(),
                plan.id(),
                database.service());
    }

    /**
     * The login directory learns the restored users: a change per user in the core database's outbox
     * (the versions they have, so an older change left in the archived outbox is superseded), relayed.
     */
    private void rebuildDirectory(Plan plan) {
        String core = plan.names().get(ServiceTemplate.CORE);
        if (core == null) {
            return;
        }
        plan.admin(admins, ServiceTemplate.CORE).inDatabase(core, handle -> handle.update("""
                INSERT INTO outbox (kind, payload)
                SELECT 'user', jsonb_build_object('userId', id, 'version', version, 'email', email,
                                                  'username', username, 'status', status)
                FROM users ORDER BY id"""));
        relay.drain(plan.id());
    }

    static SiloException unreadable(Path file, IOException e) {
        if (e instanceof ArchiveCipher.ArchiveIntegrityException) {
            return ProblemType.INVALID_ARCHIVE.exception(e.getMessage());
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return ProblemType.INVALID_ARCHIVE.exception("no archive " + file);
        }
        return ProblemType.INVALID_ARCHIVE.exception("cannot read the archive " + file + ": " + e.getMessage());
    }

    private static Optional<String> text(JsonNode node) {
        return node.isString() ? Optional.of(node.asString()) : Optional.empty();
    }
}
