package io.silo.app;

import io.silo.cluster.Cluster;
import io.silo.config.SiloConfig;
import io.silo.postgres.cluster.ClusterAdmin;
import io.silo.postgres.control.ControlDatabase;
import io.silo.postgres.control.ControlDump;
import io.silo.postgres.control.TenantStore;
import io.silo.postgres.jdbc.DataAccessException;
import io.silo.postgres.jdbc.JdbcUrls;
import io.silo.postgres.schema.SchemaApplier;
import io.silo.tenant.Tenant;
import io.silo.tenant.TenantDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * The control plane recoverable: {@link #backup} writes the control database as a
 * {@link ControlDump}; {@link #restore} loads one into a new, empty control database (started
 * embedded when the configuration names none); {@link #reconcile}, on the instance started on it
 * afterwards, finds the tenants' databases again and reports what differs from what the dump says
 * (databases gone or unknown to it, schema versions moved on, role passwords changed), repairing
 * what the control plane is the authority for. The caller wraps the streams (compression,
 * encryption); {@code docs/operations.md} ("The control plane recoverable") gives the procedure.
 *
 * <p>Stateless.
 */
public final class ControlRecovery {
    private ControlRecovery() {}

    /** One difference between the restored control plane and the clusters, and what was done about it. */
    public record Difference(String kind, String database, String detail) {}

    /** What a restore loaded, and the moves under way in the backup that it stopped ({@code move-interrupted}). */
    public record Restored(ControlDump.Summary summary, List<Difference> interrupted) {}

    /** Jobs that change where databases are: resumed against a placement older than the clusters, they could undo a move. */
    private static final List<String> PLACEMENT_JOBS = List.of("organization.move", "cluster.drain");

    /** Writes the control database of a running application, from one snapshot. */
    public static ControlDump.Summary backup(Application app, OutputStream out) {
        try (Connection connection = app.control().dataSource().getConnection()) {
            return ControlDump.write(connection, out, app.options().clock());
        } catch (SQLException e) {
            throw new DataAccessException("(control backup)", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Loads a dump into the control database {@code config} names (the embedded one, started for
     * the purpose, when it names none), which must be new or empty: migrated to the dump's schema
     * version, loaded in one transaction, then migrated to this release's version. The master key
     * of {@code config} must be the one the dump's secrets were sealed with; the first start says
     * so if it is not.
     */
    public static Restored restore(SiloConfig config, InputStream in) {
        Shutdown shutdown = new Shutdown();
        try {
            SiloConfig.Database connection = config.database().orElseGet(() -> ControlPlane.embedded(config, shutdown));
            ControlDump.Loading dump = ControlDump.read(in);
            ControlDatabase.prepareForRestore(
                    connection.url(), connection.user(), connection.password(), dump.schemaVersion());
            Properties props = new Properties();
            props.setProperty("user", connection.user());
            props.setProperty("password", connection.password());
            ControlDump.Summary loaded;
            List<Difference> interrupted;
            try (Connection control = DriverManager.getConnection(connection.url(), props)) {
                loaded = dump.into(control);
                interrupted = stopPlacementJobs(control);
            }
            ControlDatabase.open(connection.url(), connection.user(), connection.password(), 1)
                    .close();
            return new Restored(loaded, interrupted);
        } catch (SQLException e) {
            throw new DataAccessException("(control restore)", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            shutdown.run();
        }
    }

    /**
     * Moves and drains under way in the backup are not resumed: the clusters may have moved on since
     * (a move that switched after the backup has its live databases on the target, which a resumed
     * or rolled-back move would overwrite or drop). Their jobs are failed and their moves marked
     * rolled back, before any instance starts on the restored database; the organization's databases
     * stay as the backup left them (write-fenced, if the move had fenced them), for the operator to
     * look at with the differences {@link #reconcile} reports.
     */
    private static List<Difference> stopPlacementJobs(Connection control) throws SQLException {
        List<Difference> interrupted = new ArrayList<>();
        control.setAutoCommit(false);
        try (var moves = control.prepareStatement("""
                        UPDATE tenant_moves SET state = 'rolled-back', updated_at = now()
                        WHERE state IN ('copying', 'fenced') RETURNING slug, target_cluster, state""");
                var jobs = control.prepareStatement("""
                        UPDATE jobs SET state = 'failed', finished_at = now(), updated_at = now(), locked_by = NULL,
                            lease_until = NULL, error = 'stopped by a restore of the control plane: the clusters may have moved on since the backup'
                        WHERE kind = ANY (?) AND state IN ('pending', 'running')""")) {
            try (var rows = moves.executeQuery()) {
                while (rows.next()) {
                    interrupted.add(new Difference(
                            "move-interrupted",
                            rows.getString(1),
                            "was moving to cluster " + rows.getString(2) + " when the backup was made; the move is "
                                    + "stopped, its databases are as the backup left them (write-fenced if the move had fenced "
                                    + "them). If it finished after the backup, its live databases are on "
                                    + rows.getString(2)
                                    + " (listed as database-unknown)"));
                }
            }
            jobs.setArray(1, control.createArrayOf("text", PLACEMENT_JOBS.toArray()));
            jobs.executeUpdate();
            control.commit();
        } finally {
            control.rollback();
            control.setAutoCommit(true);
        }
        return interrupted;
    }

    /**
     * Compares every tenant database the control plane places with the clusters: a database that is
     * not there is reported ({@code database-missing}); one whose recorded schema version moved on
     * since the dump is corrected in the control plane ({@code schema-version-corrected}); a tenant
     * role whose password the cluster no longer accepts gets the control plane's again
     * ({@code role-password-restored}); a database a Silo tenant owns that the control plane does
     * not know is reported and left alone ({@code database-unknown}).
     */
    public static List<Difference> reconcile(Application app) {
        List<Difference> differences = new ArrayList<>();
        TenantStore tenants = app.tenants();
        Map<String, Map<String, String>> onClusters = new HashMap<>();
        for (Cluster cluster : app.clusters().list()) {
            onClusters.put(cluster.id(), admin(app, cluster.id()).tenantDatabases());
        }
        Map<String, Set<String>> known = new HashMap<>();
        for (Tenant tenant : everyTenant(tenants)) {
            TenantStore.TenantRole role = tenants.role(tenant.id());
            for (TenantDatabase database : tenant.databases()) {
                known.computeIfAbsent(database.clusterId(), any -> new HashSet<>())
                        .add(database.databaseName());
                if (!onClusters.getOrDefault(database.clusterId(), Map.of()).containsKey(database.databaseName())) {
                    differences.add(new Difference(
                            "database-missing",
                            database.databaseName(),
                            "organization " + tenant.slug() + "'s " + database.service()
                                    + " database is not on cluster " + database.clusterId()
                                    + "; restore it from its backup, or delete the organization"));
                    continue;
                }
                ClusterAdmin admin = admin(app, database.clusterId());
                int version = admin.inDatabase(
                        database.databaseName(), handle -> SchemaApplier.currentVersion(handle.connection()));
                if (version > database.schemaVersion()) {
                    app.control()
                            .jdbc()
                            .update(
                                    "UPDATE tenant_databases SET schema_version = ? WHERE tenant_id = ? AND service = ?",
                                    version,
                                    tenant.id(),
                                    database.service());
                    differences.add(new Difference(
                            "schema-version-corrected",
                            database.databaseName(),
                            "at version " + version + ", the backup said " + database.schemaVersion()));
                }
                if (!logsIn(admin.cluster(), database.databaseName(), role)) {
                    admin.ensureRole(role.name(), role.password());
                    differences.add(new Difference(
                            "role-password-restored",
                            database.databaseName(),
                            "role " + role.name() + " had another password on cluster " + database.clusterId()
                                    + " (rotated after the backup); it has the control plane's again"));
                }
            }
        }
        onClusters.forEach((cluster, databases) -> databases.forEach((name, comment) -> {
            if (!known.getOrDefault(cluster, Set.of()).contains(name)) {
                differences.add(new Difference(
                        "database-unknown",
                        name,
                        "on cluster " + cluster + " (" + comment
                                + "), unknown to the restored control plane: made after " + "the backup; left alone"));
            }
        }));
        return differences;
    }

    private static ClusterAdmin admin(Application app, String cluster) {
        return app.clusterAdmins().of(cluster);
    }

    private static boolean logsIn(Cluster cluster, String database, TenantStore.TenantRole role) {
        Properties props = new Properties();
        props.setProperty("user", role.name());
        props.setProperty("password", role.password());
        props.setProperty("connectTimeout", "5");
        try (Connection connection =
                DriverManager.getConnection(JdbcUrls.withDatabase(cluster.url(), database), props)) {
            return connection.isValid(5);
        } catch (SQLException e) {
            return !"28P01".equals(e.getSQLState());
        }
    }

    private static List<Tenant> everyTenant(TenantStore tenants) {
        List<Tenant> all = new ArrayList<>();
        Optional<String> cursor = Optional.empty();
        do {
            TenantStore.Page page = tenants.list(Optional.empty(), Optional.empty(), cursor, 500);
            all.addAll(page.items());
            cursor = page.nextCursor();
        } while (cursor.isPresent());
        return all;
    }
}
