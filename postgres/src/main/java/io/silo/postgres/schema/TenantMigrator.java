package io.silo.postgres.schema;

import io.silo.error.ProblemType;
import io.silo.postgres.jdbc.Handle;
import io.silo.postgres.jdbc.Identifiers;
import io.silo.template.Migration;
import io.silo.template.Migration.Operation;
import io.silo.template.ServiceTemplate;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings one existing tenant database forward to its template's newest version, step by step,
 * each step in its own transaction(s) (see {@link MigrationSteps}), each recorded in the
 * database's ledger {@code silo_migrations} with its checksum, in the transaction that completes it.
 * Pending migrations whose steps are all small (collections added, indexes added to collections
 * under the threshold or dropped) run in one transaction instead, with the version, as
 * {@link SchemaApplier} builds a new database: most databases of a rollout are one commit. A step the ledger shows finished
 * is skipped, so a rollout killed anywhere resumes where it stopped and never runs a step twice;
 * a finished step whose checksum differs from the template's is a released step that was edited,
 * and stops this database ({@code migration-step-edited}).
 *
 * <p>After the last operation of each migration the version reached is recorded in
 * {@code silo_schema}; the newest one, after the declared tables and indexes are in place, with
 * the template's checksum, exactly as {@link SchemaApplier} records a new database.
 *
 * <p><b>Write fences.</b> A step that changes documents or what they must be (a data operation, a
 * schema change, a dropped collection, raw SQL) must not race writes that the instances still
 * check under the old version. Such a migration runs its batches while writes go on, then fences
 * the database's writes ({@link Control#fenceWrites}: 503 with {@code Retry-After} through the
 * admission rule; reads go on), takes a SHARE lock on the collections it changes (which waits for
 * writes already under way and holds off any that were admitted a moment before the fence),
 * catches up with the documents written meanwhile, and lifts the fence when the control plane
 * records the version ({@link Control#reached}). A schema change, a drop and raw SQL are fenced
 * from their start, as they cannot be caught up with. Other steps (collections and indexes
 * added, indexes dropped) take no fence.
 *
 * <p>Thread-safe: stateless but for its settings. Two migrators on one database serialize on an
 * advisory lock (the one {@link SchemaApplier} takes), a transaction's when the migration is one
 * transaction, else the session's; the second waits, then finds the work done.
 */
public final class TenantMigrator {
    private static final Logger log = LoggerFactory.getLogger(TenantMigrator.class);
    /** From this many documents in a collection, indexes are built concurrently. */
    public static final int CONCURRENT_INDEX_THRESHOLD = 10_000;

    private final MigrationSteps steps;

    /** @param concurrentThreshold the collection size from which indexes are built {@code CONCURRENTLY} */
    public TenantMigrator(int concurrentThreshold) {
        this.steps = new MigrationSteps(concurrentThreshold);
    }

    /**
     * The control plane's side of one database's migration: the version it reached, and the fence
     * on its writes.
     */
    public interface Control {
        /** From now until the next {@link #reached}, the database's writes are refused. */
        void fenceWrites();

        /** The database reached {@code version}, recorded in it; lifts a fence in the same change. */
        void reached(int version);

        /** A control plane that records nothing: for a database no request reaches yet. */
        static Control none() {
            return new Control() {
                @Override
                public void fenceWrites() {}

                @Override
                public void reached(int version) {}
            };
        }
    }

    /** What a database would go through: for a dry run, and to choose the databases of a rollout. */
    public record Plan(String database, int fromVersion, int toVersion, List<String> steps) {
        public Plan {
            steps = List.copyOf(steps);
        }

        public boolean nothingToDo() {
            return fromVersion == toVersion;
        }
    }

    /** The steps {@code template} would run on the database, reading its version and ledger only. */
    public Plan plan(Connection connection, ServiceTemplate template) {
        String database = catalog(connection);
        return MigrationSteps.transaction(connection, handle -> {
            Optional<SchemaApplier.Recorded> recorded = SchemaApplier.recorded(handle);
            int from = recorded.map(SchemaApplier.Recorded::version).orElse(0);
            if (recorded.isPresent() && SchemaApplier.check(recorded.get(), database, template)) {
                return new Plan(database, from, from, List.of());
            }
            Map<String, String> done = ledger(handle);
            List<String> pending = new ArrayList<>();
            for (Migration migration : newer(template, from)) {
                List<Operation> operations = migration.operations();
                for (int i = 0; i < operations.size(); i++) {
                    String key = migration.version() + "." + (i + 1);
                    if (!done.containsKey(key)) {
                        pending.add(key + " " + operations.get(i).kind() + " " + describe(operations.get(i)));
                    }
                }
            }
            pending.add("declared tables and indexes; version " + template.version());
            return new Plan(database, from, template.version(), pending);
        });
    }

    /**
     * Migrates the database to {@code template.version()}.
     *
     * @param connection an administrative connection in auto-commit mode, left so
     * @param control told each version the database reaches, after it is recorded there, and asked to
     *     fence the database's writes where a step needs it
     */
    public SchemaChange migrate(Connection connection, ServiceTemplate template, Control control) {
        String database = catalog(connection);
        Start start;
        try {
            start = MigrationSteps.transaction(connection, handle -> start(handle, database, template, true));
        } catch (NeedsOwnTransactions e) {
            // an index of a large collection, found on the way: nothing of the attempt stays
            start = MigrationSteps.transaction(connection, handle -> start(handle, database, template, false));
        }
        if (start instanceof Start.Finished finished) {
            finished.versions().forEach(control::reached);
            return finished.change();
        }
        try {
            return migrateLocked(connection, database, template, control, (Start.Locked) start);
        } finally {
            MigrationSteps.transaction(connection, handle -> {
                handle.execute("RESET synchronous_commit");
                return handle.queryOne("SELECT pg_advisory_unlock(?)", row -> 1, SchemaApplier.LOCK);
            });
        }
    }

    /**
     * Where a migration stands after its first transaction: finished in it, or started, with the
     * database's session advisory lock held until {@link #migrate} gives it back.
     */
    private sealed interface Start {
        /** The database at the template's version, told the control plane in this order. */
        record Finished(SchemaChange change, List<Integer> versions) implements Start {}

        /** The version the database records, and its ledger's finished steps. */
        record Locked(Optional<SchemaApplier.Recorded> recorded, Map<String, String> done) implements Start {}
    }

    /**
     * The first transaction: the lock and what the database has done; and, when {@code atOnce} and
     * every step of the pending migrations is small (a collection added, an index added to a
     * collection under the threshold or dropped; no data change, no fence), the whole migration, as
     * {@link SchemaApplier} does it: the steps with their ledger rows, the declared tables and indexes
     * and the version, in one synchronous commit. Most databases of a rollout need no more; each
     * commit is a round trip and the control plane may only hear of a version on disk.
     *
     * @throws NeedsOwnTransactions when a step of such a migration turns out to need transactions of
     *     its own (an index on a large collection): the caller rolls back and starts again without
     *     {@code atOnce}
     */
    private Start start(Handle handle, String database, ServiceTemplate template, boolean atOnce) {
        // a transaction's lock: the session's is taken below only when more transactions follow
        handle.queryOne("SELECT pg_advisory_xact_lock(?)", row -> 1, SchemaApplier.LOCK);
        Optional<SchemaApplier.Recorded> recorded = SchemaApplier.recorded(handle);
        int from = recorded.map(SchemaApplier.Recorded::version).orElse(0);
        if (recorded.isPresent() && SchemaApplier.check(recorded.get(), database, template)) {
            return new Start.Finished(new SchemaChange(database, template.service(), from, from), List.of(from));
        }
        SchemaApplier.baseline(handle);
        protectLedger(handle);
        Map<String, String> done = finishedSteps(handle);
        List<Migration> newer = newer(template, from);
        boolean small = newer.stream()
                .flatMap(migration -> migration.operations().stream())
                .allMatch(MigrationSteps::runsWithOthers);
        if (atOnce && small) {
            List<Integer> versions = migrateAtOnce(handle, database, template, newer, done);
            log.info(
                    "database {}: service {} migrated {} -> {}",
                    database,
                    template.service(),
                    from,
                    template.version());
            return new Start.Finished(
                    new SchemaChange(database, template.service(), from, template.version()), versions);
        }
        handle.queryOne("SELECT pg_advisory_lock(?)", row -> 1, SchemaApplier.LOCK);
        // A step commits with its ledger row, so a step lost in a crash is lost with its row
        // and runs again: only a version the control plane is told of must be on disk first,
        // and recording it (synchronously) flushes the steps before it too. One flush per
        // version, not one per step.
        handle.execute("SET synchronous_commit = off");
        return new Start.Locked(recorded, done);
    }

    /** The small migrations {@code newer} in the caller's transaction; the versions recorded, in order. */
    private List<Integer> migrateAtOnce(
            Handle handle, String database, ServiceTemplate template, List<Migration> newer, Map<String, String> done) {
        for (Migration migration : newer) {
            List<Operation> operations = migration.operations();
            for (int i = 0; i < operations.size(); i++) {
                Operation operation = operations.get(i);
                int step = i + 1;
                if (finished(database, template, migration, step, done)
                        || steps.runWithin(
                                handle,
                                template,
                                operation,
                                ledger -> SchemaApplier.recordStep(ledger, migration.version(), step, operation))) {
                    continue;
                }
                throw new NeedsOwnTransactions();
            }
        }
        if (!steps.ensureDeclaredWithin(handle, template)) {
            throw new NeedsOwnTransactions();
        }
        List<Integer> versions = new ArrayList<>();
        if (newer.isEmpty()) {
            insertVersion(handle, template.version(), template.checksum(), template.service());
            versions.add(template.version());
        }
        for (Migration migration : newer) {
            boolean last = migration.version() == template.version();
            insertVersion(
                    handle,
                    migration.version(),
                    last ? template.checksum() : "migration:" + migration.checksum(),
                    template.service());
            versions.add(migration.version());
        }
        return versions;
    }

    /** A step of a migration that needs more than one transaction, found inside the first: roll back, go the long way. */
    private static final class NeedsOwnTransactions extends RuntimeException {
        NeedsOwnTransactions() {
            super("a step needs transactions of its own", null, false, false);
        }
    }

    private SchemaChange migrateLocked(
            Connection connection, String database, ServiceTemplate template, Control control, Start.Locked start) {
        Optional<SchemaApplier.Recorded> recorded = start.recorded();
        int from = recorded.map(SchemaApplier.Recorded::version).orElse(0);
        Map<String, String> done = start.done();
        List<Migration> newer = newer(template, from);
        if (newer.isEmpty()) {
            // at the newest version already, but its declared tables or indexes are not all there
            steps.ensureDeclared(connection, template);
            record(connection, template.version(), template.checksum(), template.service());
            control.reached(template.version());
        }
        for (Migration migration : newer) {
            boolean last = migration.version() == template.version();
            boolean fenced = runMigration(connection, database, template, migration, done, control);
            if (last) {
                steps.ensureDeclared(connection, template);
            }
            List<Operation> catchUp = migration.operations().stream()
                    .filter(MigrationSteps::isDataChange)
                    .toList();
            if (!catchUp.isEmpty()) {
                if (!fenced) {
                    control.fenceWrites();
                }
                steps.catchUp(connection, catchUp);
            }
            record(
                    connection,
                    migration.version(),
                    last ? template.checksum() : "migration:" + migration.checksum(),
                    template.service());
            control.reached(migration.version());
        }
        log.info("database {}: service {} migrated {} -> {}", database, template.service(), from, template.version());
        return new SchemaChange(database, template.service(), from, template.version());
    }

    /** Runs the migration's steps not yet in the ledger; whether it fenced the database's writes. */
    private boolean runMigration(
            Connection connection,
            String database,
            ServiceTemplate template,
            Migration migration,
            Map<String, String> done,
            Control control) {
        boolean fenced = false;
        List<Operation> operations = migration.operations();
        for (int i = 0; i < operations.size(); i++) {
            Operation operation = operations.get(i);
            int step = i + 1;
            if (finished(database, template, migration, step, done)) {
                continue;
            }
            if (!fenced && MigrationSteps.fencedThroughout(operation)) {
                control.fenceWrites();
                fenced = true;
            }
            steps.run(
                    connection,
                    template,
                    operation,
                    handle -> SchemaApplier.recordStep(handle, migration.version(), step, operation));
        }
        return fenced;
    }

    /**
     * Whether the ledger shows step {@code step} of {@code migration} finished; refuses one that
     * finished with another checksum: a released step that was edited.
     */
    private static boolean finished(
            String database, ServiceTemplate template, Migration migration, int step, Map<String, String> done) {
        Operation operation = migration.operations().get(step - 1);
        String key = migration.version() + "." + step;
        Optional<String> recordedSum = Optional.ofNullable(done.get(key));
        if (recordedSum.isPresent() && !recordedSum.get().equals(operation.checksum())) {
            throw ProblemType.MIGRATION_STEP_EDITED.exception("database " + database + ": step " + key + " ("
                    + operation.kind() + ") of service " + template.service() + " ran with checksum "
                    + SchemaApplier.shortSum(recordedSum.get()) + ", the template's is now "
                    + SchemaApplier.shortSum(operation.checksum())
                    + ": a released step may not change; add a new migration instead");
        }
        return recordedSum.isPresent();
    }

    /** The finished steps: "version.step" to checksum; none where the ledger is not there yet. */
    private static Map<String, String> ledger(Handle handle) {
        boolean exists = handle.queryOne("SELECT to_regclass('silo_migrations') IS NOT NULL", row -> row.getBoolean(1))
                .orElse(false);
        return exists ? finishedSteps(handle) : Map.of();
    }

    /** The finished steps of a database that has the ledger (the baseline creates it). */
    private static Map<String, String> finishedSteps(Handle handle) {
        return handle
                .query(
                        "SELECT version, step, checksum FROM silo_migrations WHERE finished_at IS NOT NULL",
                        row -> Map.entry(row.getInt(1) + "." + row.getInt(2), row.getString(3)))
                .stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /** Tenant roles got every right on new tables by default privileges; the ledger is the administrator's. */
    private static void protectLedger(Handle handle) {
        // the table's ACL read directly: information_schema's view of it costs milliseconds per database
        List<String> grantees = handle.query(
                "SELECT DISTINCT pg_get_userbyid(acl.grantee) FROM pg_class c, aclexplode(c.relacl) acl"
                        + " WHERE c.oid = 'silo_migrations'::regclass AND acl.privilege_type IN ('INSERT', 'UPDATE', 'DELETE')"
                        + " AND acl.grantee <> 0 AND pg_get_userbyid(acl.grantee) <> current_user",
                row -> row.getString(1));
        for (String grantee : grantees) {
            handle.execute("REVOKE INSERT, UPDATE, DELETE ON silo_migrations FROM " + Identifiers.quote(grantee));
        }
    }

    /** Records a version, on disk before the control plane hears of it (and with it every step before). */
    private static void record(Connection connection, int version, String checksum, String service) {
        MigrationSteps.runInTransaction(connection, handle -> {
            handle.execute("SET LOCAL synchronous_commit = on");
            // a transaction that writes nothing (the version recorded already) would commit without
            // flushing: an id makes its commit wait for the disk, and with it every step before
            handle.queryOne("SELECT pg_current_xact_id()", row -> 1);
            insertVersion(handle, version, checksum, service);
        });
    }

    private static void insertVersion(Handle handle, int version, String checksum, String service) {
        handle.update(
                "INSERT INTO silo_schema (version, checksum, service) VALUES (?, ?, ?) ON CONFLICT (version) DO NOTHING",
                version,
                checksum,
                service);
    }

    private static List<Migration> newer(ServiceTemplate template, int from) {
        return template.migrations().stream()
                .filter(migration -> migration.version() > from)
                .toList();
    }

    private static String describe(Operation operation) {
        String canonical = operation.canonical();
        String arguments = canonical.substring(canonical.indexOf('|') + 1).replace('|', ' ');
        return arguments.length() > 120 ? arguments.substring(0, 120) + "…" : arguments;
    }

    private static String catalog(Connection connection) {
        try {
            return connection.getCatalog();
        } catch (java.sql.SQLException e) {
            throw new io.silo.postgres.jdbc.DataAccessException("(catalog)", e);
        }
    }
}
