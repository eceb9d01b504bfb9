package io.silo.postgres.backup;

import io.silo.error.ProblemType;
import io.silo.json.Json;
import io.silo.postgres.cluster.ClusterAdmins;
import io.silo.postgres.jdbc.DataAccessException;
import io.silo.postgres.jdbc.Handle;
import io.silo.postgres.jdbc.Identifiers;
import io.silo.postgres.jdbc.Jdbc;
import io.silo.tenant.DatabaseState;
import io.silo.tenant.Tenant;
import io.silo.tenant.TenantDatabase;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A tenant's whole archive: written from its databases and its registry record, and loaded into
 * new databases. The archive's plaintext is what this reads and writes; the caller encrypts it.
 *
 * <p>Thread-safe: stateless but for the stores it is given.
 */
public final class TenantArchive {
    /**
     * Registry columns an archive never carries: secrets (sealed under this deployment's master key,
     * which another deployment's re-seal could not open), and state of this deployment only.
     */
    private static final List<String> NOT_ARCHIVED =
            List.of("db_role", "db_role_password", "db_role_password_next", "directory_dirty");

    private final Jdbc control;
    private final ClusterAdmins clusters;

    public TenantArchive(Jdbc control, ClusterAdmins clusters) {
        this.control = control;
        this.clusters = clusters;
    }

    /**
     * Writes the archive of {@code tenant}'s databases (the detached ones left out) to {@code plain},
     * which this closes.
     *
     * @param consistentCut opens every database's snapshot first, between {@code beforeSnapshots} (which
     *     fences the tenant's writes) and {@code afterSnapshots} (which lifts the fence), so that the
     *     fence lasts as long as opening the snapshots, not as long as reading them
     */
    public ArchiveManifest write(
            Tenant tenant,
            OutputStream plain,
            Instant now,
            boolean consistentCut,
            Runnable beforeSnapshots,
            Runnable afterSnapshots,
            DatabaseDump.Progress progress) {
        List<TenantDatabase> databases = tenant.databases().stream()
                .filter(database ->
                        database.state() == DatabaseState.READY || database.state() == DatabaseState.WRITE_FENCED)
                .toList();
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("format", ArchiveManifest.FORMAT);
        header.put("createdAt", now.toString());
        header.put("consistent", consistentCut);
        header.put("organization", registry(tenant.id()));
        header.put(
                "databases",
                databases.stream()
                        .map(database -> Map.of(
                                "service", database.service(),
                                "database", database.databaseName(),
                                "cluster", database.clusterId(),
                                "version", database.schemaVersion()))
                        .toList());
        List<ArchivedDatabase> written = new ArrayList<>();
        List<DatabaseDump> opened = new ArrayList<>();
        try (ArchiveWriter writer = new ArchiveWriter(plain)) {
            writer.record('H', header);
            if (consistentCut) {
                beforeSnapshots.run();
                try {
                    databases.forEach(database -> opened.add(open(database)));
                } finally {
                    afterSnapshots.run();
                }
            }
            long rows = 0;
            for (int i = 0; i < databases.size(); i++) {
                TenantDatabase database = databases.get(i);
                try (DatabaseDump dump = consistentCut ? opened.get(i) : open(database)) {
                    ArchivedDatabase archived = dump.dump(
                            writer, database.service(), database.clusterId(), database.schemaVersion(), progress);
                    rows += archived.rows();
                    written.add(archived);
                }
            }
            writer.record('Z', Map.of("databases", written.size(), "rows", rows));
        } finally {
            opened.forEach(DatabaseDump::close);
        }
        return new ArchiveManifest(
                ArchiveManifest.FORMAT, now, consistentCut, Json.tree(header.get("organization")), written);
    }

    private DatabaseDump open(TenantDatabase database) {
        try {
            return DatabaseDump.open(clusters.of(database.clusterId()).connect(database.databaseName()));
        } catch (SQLException e) {
            throw new DataAccessException(
                    "(connect to " + database.databaseName() + " on cluster " + database.clusterId() + ")", e);
        }
    }

    /** The organization's registry record as JSON, without its secrets. */
    private JsonNode registry(UUID tenantId) {
        return control.queryOne(
                        "SELECT (to_jsonb(t) - ?::text[])::text FROM tenants t WHERE id = ?",
                        row -> Json.read(row.getString(1)),
                        NOT_ARCHIVED.toArray(String[]::new),
                        tenantId)
                .orElseThrow(() -> ProblemType.ORGANIZATION_NOT_FOUND.exception("no organization " + tenantId));
    }

    /**
     * Inserts an organization's registry record from an archive's, with {@code overrides} (its id,
     * slug, status, role …) on top: only the columns the record has are written, so that a record
     * from an older Silo gets the defaults of the columns added since.
     */
    public static void insertRegistry(Handle handle, JsonNode archived, Map<String, Object> overrides) {
        ObjectNode record = (ObjectNode) archived.deepCopy();
        overrides.forEach((key, value) -> {
            if (value == null) {
                record.putNull(key);
            } else {
                record.set(key, Json.tree(value));
            }
        });
        List<String> present = handle.query(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()"
                        + " AND table_name = 'tenants'",
                row -> row.getString(1));
        List<String> columns = present.stream().filter(record::has).toList();
        String list = String.join(", ", columns.stream().map(Identifiers::quote).toList());
        handle.update(
                "INSERT INTO tenants (" + list + ") SELECT " + list
                        + " FROM jsonb_populate_record(null::tenants, ?::jsonb)",
                Json.write(record));
    }

    /**
     * Loads every database of the archive whose plaintext {@code plain} streams into the database
     * {@code targets} connects to for its service (administrative, auto-commit; as many connections
     * as a database's load asks for, closed here), reading the archive once and checking every
     * table's count and checksum as it goes ({@link ArchiveCheck}). A format 2 archive's tables are
     * committed as they load (a large one over several connections at once, {@link ParallelCopy});
     * a format 1 database commits when it is whole. A failure leaves what was loaded for the caller to
     * delete with the organization it restores, which nobody reaches until it is activated.
     *
     * @param authenticated the header {@link ArchiveCheck#authenticate} read: the archive must begin
     *     with it still
     * @return the archive's manifest, as a check would have found it
     */
    public static ArchiveManifest load(
            InputStream plain, ArchiveManifest authenticated, Targets targets, DatabaseDump.Progress progress) {
        return ArchiveCheck.walk(plain, Optional.of(authenticated), (format, database) -> {
            try {
                return new DatabaseLoad(() -> targets.connect(database.service()), database, format, progress);
            } catch (SQLException e) {
                throw new DataAccessException("(restore the " + database.service() + " database)", e);
            }
        });
    }

    /** Where each service's database is restored. */
    public interface Targets {
        /** A new administrative connection to the service's new database, in auto-commit mode. */
        Connection connect(String service) throws SQLException;
    }
}
