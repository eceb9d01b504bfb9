package io.silo.postgres.schema;

import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.postgres.jdbc.DataAccessException;
import io.silo.postgres.jdbc.Handle;
import io.silo.postgres.jdbc.Transactions;
import io.silo.template.CollectionSpec;
import io.silo.template.IndexNames;
import io.silo.template.Migration;
import io.silo.template.Migration.Operation;
import io.silo.template.ServiceTemplate;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a tenant database to a service template's version, in one transaction: all of it or
 * nothing. In order: the baseline every tenant database has ({@code silo_schema},
 * {@code silo_activity}, {@code silo_files}, {@code silo_file_chunks}, {@code silo_idempotency},
 * {@code silo_sequences}); a table per declared
 * collection; the operations of every migration newer than the recorded version; the declared
 * indexes and unique keys; the new version.
 * Indexes come after the migrations so that a migration may drop an index a later version
 * declares again, and so that unique keys are checked against the migrated data.
 *
 * <p>{@code silo_schema} gets a row per apply that changed something: the service, the version
 * reached and the template's checksum. Applying a template whose version is already recorded
 * does nothing; a different checksum at the same version means the template was edited without a
 * new migration, and is refused rather than half-applied.
 *
 * <p>Thread-safe: stateless. Concurrent applies to one database serialize on an advisory lock;
 * the second finds the work done.
 */
public final class SchemaApplier {
    private static final Logger log = LoggerFactory.getLogger(SchemaApplier.class);
    /** The advisory lock of schema changes; any constant works, as locks are per database. */
    static final long LOCK = 0x53_49_4C_4F_5F_53_43_48L;

    private static final String SCHEMA_TABLE = """
            CREATE TABLE IF NOT EXISTS silo_schema (
                version integer NOT NULL PRIMARY KEY,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now(),
                service text NOT NULL)""";

    private static final String ACTIVITY_TABLE = """
            CREATE TABLE IF NOT EXISTS silo_activity (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                at timestamptz NOT NULL DEFAULT now(),
                user_id uuid,
                username text,
                role text,
                action text NOT NULL,
                service text,
                target_type text,
                target_id text,
                target_name text,
                details jsonb NOT NULL DEFAULT '{}',
                ip_address text,
                user_agent text,
                request_id text)""";

    /** Silo's own tables, as they always were: the version applied, and the activity log. */
    private static final List<String> SCHEMA_AND_ACTIVITY = List.of(
            SCHEMA_TABLE, ACTIVITY_TABLE, "CREATE INDEX IF NOT EXISTS silo_activity_at_idx ON silo_activity (at DESC)");

    private static final String IDEMPOTENCY_TABLE = """
            CREATE TABLE IF NOT EXISTS silo_idempotency (
                user_id uuid NOT NULL,
                key text NOT NULL,
                request_digest bytea NOT NULL,
                status integer NOT NULL,
                headers jsonb NOT NULL,
                body text,
                created_at timestamptz NOT NULL,
                PRIMARY KEY (user_id, key))""";

    private static final String SEQUENCES_TABLE = """
            CREATE TABLE IF NOT EXISTS silo_sequences (
                collection text NOT NULL,
                field text NOT NULL,
                scope_key text NOT NULL,
                value bigint NOT NULL,
                PRIMARY KEY (collection, field, scope_key))""";

    /**
     * Idempotency keys and sequence counters (issue 14), written in the transaction of the write
     * they belong to. A key is its caller's: one user never gets another's answer. The index on
     * {@code created_at} serves the sweep of expired keys that each keyed write does on the side.
     */
    private static final List<String> KEYS_AND_COUNTERS = List.of(
            IDEMPOTENCY_TABLE,
            "CREATE INDEX IF NOT EXISTS silo_idempotency_created_at_idx ON silo_idempotency (created_at)",
            SEQUENCES_TABLE);

    /**
     * Files of documents (issue 14): one row per file, its bytes in chunks of 256 KiB, one per row,
     * so that neither a write nor a read ever holds a whole file; a backup or a move of the database
     * carries them.
     */
    private static final List<String> FILES = List.of(
            """
            CREATE TABLE IF NOT EXISTS silo_files (
                id uuid PRIMARY KEY,
                collection text NOT NULL,
                document_id uuid NOT NULL,
                name text NOT NULL,
                content_type text NOT NULL,
                size bigint NOT NULL DEFAULT 0,
                sha256 bytea,
                created_at timestamptz NOT NULL DEFAULT now(),
                created_by uuid,
                complete boolean NOT NULL DEFAULT false)""",
            "CREATE INDEX IF NOT EXISTS silo_files_document_idx ON silo_files (collection, document_id, created_at)",
            """
            CREATE TABLE IF NOT EXISTS silo_file_chunks (
                file_id uuid NOT NULL REFERENCES silo_files (id) ON DELETE CASCADE,
                n integer NOT NULL,
                data bytea NOT NULL,
                PRIMARY KEY (file_id, n))""");

    /**
     * The ledger of migration steps (issue 16): one row per operation of a migration that ran on this
     * database, with the operation's checksum, so that a rollout never runs a step twice and notices a
     * released step that was edited. A step that spans transactions (batches, concurrent indexes) has
     * {@code finished_at} empty until its last one.
     */
    static final String LEDGER_TABLE = """
            CREATE TABLE IF NOT EXISTS silo_migrations (
                version integer NOT NULL,
                step integer NOT NULL,
                kind text NOT NULL,
                checksum text NOT NULL,
                started_at timestamptz NOT NULL DEFAULT now(),
                finished_at timestamptz,
                PRIMARY KEY (version, step))""";

    /**
     * The tables every tenant database has, whatever its service, each statement idempotent: one
     * block per concern, added to this list. Template databases are named after these statements
     * ({@link #baselineDigest}), so that a template database built before a change here is never
     * copied into a new tenant's database.
     */
    private static final List<String> BASELINE = Stream.of(
                    SCHEMA_AND_ACTIVITY, FILES, KEYS_AND_COUNTERS, List.of(LEDGER_TABLE))
            .flatMap(List::stream)
            .toList();

    private static final String BASELINE_DIGEST = digest(BASELINE);

    private SchemaApplier() {}

    /**
     * The SHA-256 of the baseline's statements, in hex: it changes whenever a table is added to every
     * tenant database. Databases already at their template's version do not get such a table from
     * {@link #apply} (it does nothing for them); new ones, copied from a template database, do.
     */
    public static String baselineDigest() {
        return BASELINE_DIGEST;
    }

    /** The version recorded in the database: 0 for a database no template was applied to. */
    public static int currentVersion(Connection connection) {
        Handle handle = new Handle(connection);
        return recorded(handle).map(Recorded::version).orElse(0);
    }

    /**
     * Brings the database {@code adminConnection} points at to {@code template.version()}.
     *
     * @param adminConnection a connection in auto-commit mode, as a role that may create tables;
     *     left in auto-commit mode
     * @throws SiloException {@code schema-service-mismatch} (409) when the database belongs to another
     *     service; {@code schema-version-ahead} (409) when it is newer than the template;
     *     {@code template-changed-without-version} (409) when the template changed but its version did
     *     not; {@code schema-apply-failed} (500) when a statement fails, after rolling everything back
     */
    public static SchemaChange apply(Connection adminConnection, ServiceTemplate template) {
        try {
            if (!adminConnection.getAutoCommit()) {
                throw new IllegalArgumentException(
                        "apply runs its own transaction; pass a connection in auto-commit mode");
            }
            String database = adminConnection.getCatalog();
            SchemaChange change = Transactions.run(adminConnection, handle -> applyLocked(handle, database, template));
            if (change.changed()) {
                log.info(
                        "database {}: service {} schema {} -> {}",
                        database,
                        template.service(),
                        change.fromVersion(),
                        change.toVersion());
            }
            return change;
        } catch (SQLException e) {
            throw new DataAccessException("(transaction)", e);
        }
    }

    private static SchemaChange applyLocked(Handle handle, String database, ServiceTemplate template) {
        handle.query("SELECT pg_advisory_xact_lock(?)", row -> null, LOCK);
        Optional<Recorded> recorded = recorded(handle);
        int from = recorded.map(Recorded::version).orElse(0);
        if (recorded.isPresent() && check(recorded.get(), database, template)) {
            return new SchemaChange(database, template.service(), from, from);
        }
        Steps steps = new Steps(database, template);
        steps.run("the baseline tables", () -> baseline(handle));
        for (CollectionSpec collection : template.collections().values()) {
            steps.run(
                    "the table of collection " + collection.name(),
                    () -> handle.execute(CollectionTables.createTable(collection.name())));
        }
        for (Migration migration : template.migrations()) {
            if (migration.version() > from) {
                migrate(steps, handle, template, migration);
            }
        }
        for (CollectionSpec collection : template.collections().values()) {
            indexes(steps, handle, collection);
        }
        steps.run(
                "recording the version",
                () -> handle.update(
                        "INSERT INTO silo_schema (version, checksum, service) VALUES (?, ?, ?)",
                        template.version(),
                        template.checksum(),
                        template.service()));
        return new SchemaChange(database, template.service(), from, template.version());
    }

    /** True when the recorded version is the template's; throws when it cannot be brought there. */
    static boolean check(Recorded recorded, String database, ServiceTemplate template) {
        if (!recorded.service().equals(template.service())) {
            throw ProblemType.SCHEMA_SERVICE_MISMATCH.exception(
                    "database " + database + " holds service " + recorded.service() + ", not " + template.service());
        }
        if (recorded.version() > template.version()) {
            throw ProblemType.SCHEMA_VERSION_AHEAD.exception(
                    "database " + database + " is at version " + recorded.version()
                            + " of service " + template.service() + ", newer than the template's " + template.version()
                            + "; Silo does not downgrade");
        }
        if (recorded.version() == template.version() && !recorded.checksum().equals(template.checksum())) {
            throw ProblemType.TEMPLATE_CHANGED_WITHOUT_VERSION.exception("template " + template.service()
                    + " changed since version " + template.version() + " was applied to database " + database
                    + " (checksum " + shortSum(recorded.checksum()) + ", now " + shortSum(template.checksum())
                    + "): add the change as migration " + (template.version() + 1));
        }
        return recorded.version() == template.version();
    }

    static void baseline(Handle handle) {
        BASELINE.forEach(handle::execute);
    }

    private static void migrate(Steps steps, Handle handle, ServiceTemplate template, Migration migration) {
        for (int i = 0; i < migration.operations().size(); i++) {
            Operation operation = migration.operations().get(i);
            int step = i + 1;
            steps.run("migration " + migration.version() + " operation " + step + " (" + operation.kind() + ")", () -> {
                MigrationSteps.inTransaction(handle, template, operation);
                recordStep(handle, migration.version(), step, operation);
            });
        }
    }

    /** Records a finished step in the ledger; a step recorded already (a resumed rollout) keeps its row. */
    static void recordStep(Handle handle, int version, int step, Operation operation) {
        handle.update("""
                INSERT INTO silo_migrations (version, step, kind, checksum, finished_at) VALUES (?, ?, ?, ?, now())
                ON CONFLICT (version, step) DO UPDATE SET finished_at = coalesce(silo_migrations.finished_at, now())
                """, version, step, operation.kind(), operation.checksum());
    }

    private static void indexes(Steps steps, Handle handle, CollectionSpec collection) {
        for (var index : collection.indexes()) {
            steps.run(
                    "index " + IndexNames.index(collection.name(), index.fields()),
                    () -> handle.execute(CollectionTables.createIndex(collection.name(), index)));
        }
        for (var key : collection.unique()) {
            steps.run(
                    "unique key " + IndexNames.uniqueKey(collection.name(), key),
                    () -> handle.execute(CollectionTables.createUniqueKey(collection.name(), key)));
        }
    }

    static Optional<Recorded> recorded(Handle handle) {
        boolean exists = handle.queryOne("SELECT to_regclass('silo_schema') IS NOT NULL", row -> row.getBoolean(1))
                .orElse(false);
        if (!exists) {
            return Optional.empty();
        }
        return handle.queryOne(
                "SELECT service, version, checksum FROM silo_schema ORDER BY version DESC LIMIT 1",
                row -> new Recorded(row.getString(1), row.getInt(2), row.getString(3)));
    }

    private static String digest(List<String> statements) {
        try {
            byte[] text = String.join("\n;\n", statements).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    static String shortSum(String checksum) {
        return checksum.substring(0, Math.min(12, checksum.length()));
    }

    /** The newest row of {@code silo_schema}. */
    record Recorded(String service, int version, String checksum) {}

    /** Runs the steps of one apply, so that a failure says which step of which template broke on which database. */
    private record Steps(String database, ServiceTemplate template) {
        void run(String what, Runnable step) {
            try {
                step.run();
            } catch (DataAccessException e) {
                throw ProblemType.SCHEMA_APPLY_FAILED.exception(
                        "database " + database + ": applying "
                                + template.service() + " version " + template.version() + " failed at " + what + ": "
                                + e.getMessage()
                                + "; nothing was changed",
                        e);
            }
        }
    }
}
