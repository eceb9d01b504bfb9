package io.silo.postgres.schema;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import io.silo.error.ProblemType;
import io.silo.json.Json;
import io.silo.postgres.jdbc.DataAccessException;
import io.silo.postgres.jdbc.Handle;
import io.silo.postgres.jdbc.Identifiers;
import io.silo.postgres.jdbc.Jdbc;
import io.silo.postgres.jdbc.Transactions;
import io.silo.template.CollectionSpec;
import io.silo.template.CollectionSpec.IndexSpec;
import io.silo.template.FieldPath;
import io.silo.template.IndexNames;
import io.silo.template.Migration.Operation;
import io.silo.template.ServiceTemplate;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * The SQL of each migration operation, in two modes. {@link #inTransaction} runs an operation
 * inside the caller's transaction: for new databases, which {@link SchemaApplier} builds in one.
 * {@link #run} runs it on an existing database the way a rollout must: data changes in batches
 * of {@value #BATCH} documents, one short transaction each, walking the ids in order (keyset);
 * indexes of collections larger than {@code concurrentThreshold} documents built
 * {@code CONCURRENTLY}, outside a transaction, so writes go on; an index a crash left invalid is
 * dropped and built again; a unique key and a schema change checked against the documents first.
 *
 * <p>Every mode is idempotent: a batch changes only documents not yet changed, an index is built
 * only when absent or invalid. That is what lets a rollout resume a step it was killed in.
 *
 * <p>Thread-safe: the compiled schemas are built per call.
 */
public final class MigrationSteps {
    /** Documents per transaction in data changes: short locks, few round trips. */
    public static final int BATCH = 1_000;
    /** The most offending documents a failed check lists. */
    private static final int MAX_LISTED = 10;

    private final int concurrentThreshold;

    /** @param concurrentThreshold the number of documents from which indexes are built concurrently */
    public MigrationSteps(int concurrentThreshold) {
        this.concurrentThreshold = concurrentThreshold;
    }

    /** Runs {@code operation} inside the caller's transaction, all at once: for a database nobody uses yet. */
    static void inTransaction(Handle handle, ServiceTemplate template, Operation operation) {
        switch (operation) {
            case Operation.RenameField renamed -> changeAll(handle, renamed);
            case Operation.CopyField copied -> changeAll(handle, copied);
            case Operation.SetDefault defaulted -> changeAll(handle, defaulted);
            case Operation.AddCollection(String collection) -> handle.execute(CollectionTables.createTable(collection));
            case Operation.DropCollection(String collection) ->
                handle.execute("DROP TABLE IF EXISTS " + Identifiers.quote(collection));
            case Operation.AddIndex(String collection, List<FieldPath> fields, boolean descending) ->
                handle.execute(CollectionTables.createIndex(collection, new IndexSpec(fields, descending)));
            case Operation.AddUniqueKey(String collection, List<FieldPath> fields) -> {
                checkNoDuplicates(handle, collection, fields);
                handle.execute(CollectionTables.createUniqueKey(collection, fields));
            }
            case Operation.DropIndex(String collection, List<FieldPath> fields) ->
                dropIndexes(handle, collection, fields);
            case Operation.ChangeSchema(String collection) -> checkSchema(handle, template, collection);
            case Operation.Sql(String statement) -> handle.execute(statement);
        }
    }

    /**
     * Runs {@code operation} on an existing database; {@code record} is called inside the transaction
     * that completes it, so the ledger row commits with the change, or, for a step that spans
     * transactions, with its last one.
     *
     * @param connection an administrative connection in auto-commit mode, left so
     */
    public void run(Connection connection, ServiceTemplate template, Operation operation, HandleStep record) {
        Optional<IndexChange> index = IndexChange.of(operation);
        if (index.isPresent()) {
            indexStep(connection, index.get(), record);
            return;
        }
        switch (operation) {
            case Operation.RenameField(String collection, String from, String to) ->
                batches(
                        connection,
                        collection,
                        range -> renameSql(collection, range),
                        List.of(from, to, from, from),
                        record);
            case Operation.CopyField(String collection, String from, String to) ->
                batches(
                        connection,
                        collection,
                        range -> copySql(collection, range),
                        List.of(to, from, from, to, from),
                        record);
            case Operation.SetDefault(String collection, String field, JsonNode value) ->
                batches(
                        connection,
                        collection,
                        range -> defaultSql(collection, range),
                        List.of(field, Json.write(value), field),
                        record);
            case Operation.ChangeSchema(String collection) -> {
                checkSchema(connection, template, collection);
                runInTransaction(connection, record::run);
            }
            default ->
                runInTransaction(connection, handle -> {
                    inTransaction(handle, template, operation);
                    record.run(handle);
                });
        }
    }

    /**
     * Whether {@code operation} may run in one transaction with others ({@link #runWithin}): it adds a
     * collection, or adds or drops an index. An index on a large collection still needs transactions
     * of its own, which only running it tells.
     */
    static boolean runsWithOthers(Operation operation) {
        return operation instanceof Operation.AddCollection
                || operation instanceof Operation.AddIndex
                || operation instanceof Operation.AddUniqueKey
                || operation instanceof Operation.DropIndex;
    }

    /**
     * Runs {@code operation}, one that {@link #runsWithOthers}, in the caller's transaction and
     * {@code record} with it; false, with nothing done, when it is an index on a collection of
     * {@code concurrentThreshold} documents or more, which must be built by {@link #run}.
     */
    boolean runWithin(Handle handle, ServiceTemplate template, Operation operation, HandleStep record) {
        Optional<IndexChange> index = IndexChange.of(operation);
        if (index.isPresent()) {
            return indexWithin(handle, index.get(), record);
        }
        if (!runsWithOthers(operation)) {
            throw new IllegalArgumentException(operation.kind() + " does not run with other steps");
        }
        inTransaction(handle, template, operation);
        record.run(handle);
        return true;
    }

    /**
     * What an index step builds: its name, the fields of a unique key ({@code unique}; empty for a
     * plain index) and its statement.
     */
    private record IndexChange(
            String collection, String name, Optional<List<FieldPath>> unique, Supplier<String> create) {
        static IndexChange index(String collection, IndexSpec index) {
            return new IndexChange(
                    collection,
                    IndexNames.index(collection, index.fields()),
                    Optional.empty(),
                    () -> CollectionTables.createIndex(collection, index));
        }

        static IndexChange uniqueKey(String collection, List<FieldPath> fields) {
            return new IndexChange(
                    collection,
                    IndexNames.uniqueKey(collection, fields),
                    Optional.of(fields),
                    () -> CollectionTables.createUniqueKey(collection, fields));
        }

        /** The index step {@code operation} is, if it adds an index or a unique key. */
        static Optional<IndexChange> of(Operation operation) {
            return switch (operation) {
                case Operation.AddIndex(String collection, List<FieldPath> fields, boolean descending) ->
                    Optional.of(index(collection, new IndexSpec(fields, descending)));
                case Operation.AddUniqueKey(String collection, List<FieldPath> fields) ->
                    Optional.of(uniqueKey(collection, fields));
                default -> Optional.empty();
            };
        }

        /** Every index and unique key {@code template} declares, collection by collection. */
        static List<IndexChange> declared(ServiceTemplate template) {
            List<IndexChange> all = new ArrayList<>();
            for (CollectionSpec collection : template.collections().values()) {
                collection.indexes().forEach(index -> all.add(index(collection.name(), index)));
                collection.unique().forEach(key -> all.add(uniqueKey(collection.name(), key)));
            }
            return all;
        }
    }

    /**
     * Whether {@code operation} changes documents in batches while writes go on, so that documents
     * written meanwhile must be caught up with under a fence ({@link #catchUp}).
     */
    static boolean isDataChange(Operation operation) {
        return operation instanceof Operation.RenameField
                || operation instanceof Operation.CopyField
                || operation instanceof Operation.SetDefault;
    }

    /**
     * Whether writes must be fenced from the start of {@code operation}: a schema change (a document
     * written after the check would escape it), a dropped collection (writes to it would fail) and
     * raw SQL (which may do either).
     */
    static boolean fencedThroughout(Operation operation) {
        return operation instanceof Operation.ChangeSchema
                || operation instanceof Operation.DropCollection
                || operation instanceof Operation.Sql;
    }

    /**
     * Applies the data changes again, in one transaction, to the documents written since their
     * batches passed them: after a SHARE lock on their collections, which waits for writes under way
     * and holds off new ones until the commit. Called with the database's writes fenced; cheap, as
     * each change touches only documents that still need it.
     */
    void catchUp(Connection connection, List<Operation> operations) {
        runInTransaction(connection, handle -> {
            String tables = operations.stream()
                    .map(MigrationSteps::collection)
                    .distinct()
                    .map(Identifiers::quote)
                    .collect(Collectors.joining(", "));
            handle.execute("LOCK TABLE " + tables + " IN SHARE MODE");
            for (Operation operation : operations) {
                changeAll(handle, operation);
            }
        });
    }

    /** A data change applied to every document that needs it, in the caller's transaction. */
    private static void changeAll(Handle handle, Operation operation) {
        switch (operation) {
            case Operation.RenameField(String collection, String from, String to) ->
                handle.update(renameSql(collection, ""), from, to, from, from);
            case Operation.CopyField(String collection, String from, String to) ->
                handle.update(copySql(collection, ""), to, from, from, to, from);
            case Operation.SetDefault(String collection, String field, JsonNode value) ->
                handle.update(defaultSql(collection, ""), field, Json.write(value), field);
            default -> throw new IllegalArgumentException("not a data change: " + operation.kind());
        }
    }

    private static String collection(Operation operation) {
        return switch (operation) {
            case Operation.RenameField renamed -> renamed.collection();
            case Operation.CopyField copied -> copied.collection();
            case Operation.SetDefault defaulted -> defaulted.collection();
            default -> throw new IllegalArgumentException("not a data change: " + operation.kind());
        };
    }

    /**
     * Creates the tables and indexes {@code template} declares that the database lacks, indexes of
     * large collections concurrently: the last step before a rollout records the new version.
     */
    public void ensureDeclared(Connection connection, ServiceTemplate template) {
        // the tables, and one look at every index, in one transaction: a database that has them all
        // costs one commit and no query per index
        Set<String> valid = transaction(connection, handle -> tablesAndValidIndexes(handle, template));
        for (IndexChange index : IndexChange.declared(template)) {
            if (!valid.contains(index.name())) {
                index.unique()
                        .ifPresent(fields -> runInTransaction(
                                connection, handle -> checkNoDuplicates(handle, index.collection(), fields)));
                ensureIndex(
                        connection,
                        index.collection(),
                        index.name(),
                        index.unique().isPresent(),
                        index.create());
            }
        }
    }

    /**
     * {@link #ensureDeclared} in the caller's transaction; false, with the tables created but no index,
     * when a missing index is on a collection of {@code concurrentThreshold} documents or more.
     */
    boolean ensureDeclaredWithin(Handle handle, ServiceTemplate template) {
        Set<String> valid = tablesAndValidIndexes(handle, template);
        for (IndexChange index : IndexChange.declared(template)) {
            if (!valid.contains(index.name()) && !indexWithin(handle, index, nothing -> {})) {
                return false;
            }
        }
        return true;
    }

    /** Creates the declared tables that are missing; the names of the valid indexes, all read at once. */
    private static Set<String> tablesAndValidIndexes(Handle handle, ServiceTemplate template) {
        for (CollectionSpec collection : template.collections().values()) {
            handle.execute(CollectionTables.createTable(collection.name()));
        }
        return new HashSet<>(handle.query(
                "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                        + " WHERE c.relnamespace = 'public'::regnamespace AND i.indisvalid",
                row -> row.getString(1)));
    }

    /** Work inside one transaction of a step. */
    @FunctionalInterface
    public interface HandleStep {
        void run(Handle handle);
    }

    // the version moves so that a client holding the document in its old shape cannot write it back
    private static String renameSql(String collection, String range) {
        return "UPDATE " + Identifiers.quote(collection)
                + " SET doc = (doc - ?::text) || jsonb_build_object(?::text, doc -> ?::text), version = version + 1"
                + " WHERE doc -> ?::text IS NOT NULL" + range;
    }

    private static String copySql(String collection, String range) {
        return "UPDATE " + Identifiers.quote(collection)
                + " SET doc = doc || jsonb_build_object(?::text, doc -> ?::text), version = version + 1"
                + " WHERE doc -> ?::text IS NOT NULL AND doc -> ?::text IS DISTINCT FROM doc -> ?::text" + range;
    }

    private static String defaultSql(String collection, String range) {
        return "UPDATE " + Identifiers.quote(collection)
                + " SET doc = doc || jsonb_build_object(?::text, ?::jsonb), version = version + 1"
                + " WHERE doc -> ?::text IS NULL" + range;
    }

    /**
     * Walks the ids in order, {@value #BATCH} at a time: finds the last id of the next batch, then
     * changes those documents of the range that still need it, in one short transaction. The
     * transaction that finds no more ids records the step.
     */
    private static void batches(
            Connection connection,
            String collection,
            Function<String, String> update,
            List<Object> params,
            HandleStep record) {
        String table = Identifiers.quote(collection);
        Optional<UUID> after = Optional.empty();
        while (true) {
            Optional<UUID> from = after;
            Optional<UUID> last = transaction(connection, handle -> {
                List<Object> bounds = new ArrayList<>();
                from.ifPresent(bounds::add);
                Optional<UUID> end = handle.queryOne(
                        "SELECT id FROM (SELECT id FROM " + table + (from.isPresent() ? " WHERE id > ?::uuid" : "")
                                + " ORDER BY id LIMIT " + BATCH + ") batch ORDER BY id DESC LIMIT 1",
                        row -> row.getObject(1, UUID.class),
                        bounds.toArray());
                if (end.isEmpty()) {
                    record.run(handle);
                    return end;
                }
                List<Object> all = new ArrayList<>(params);
                all.addAll(bounds);
                all.add(end.get());
                handle.update(
                        update.apply((from.isPresent() ? " AND id > ?::uuid" : "") + " AND id <= ?::uuid"),
                        all.toArray());
                return end;
            });
            if (last.isEmpty()) {
                return;
            }
            after = last;
        }
    }

    /**
     * An index step ({@code unique}: a unique key on those fields, checked for duplicates first). On a
     * collection under the threshold it is one transaction ({@link #indexWithin}), as
     * {@link SchemaApplier} does for a new database; most steps of a rollout across many small
     * databases are this. On a larger one the index is built {@code CONCURRENTLY}
     * ({@link #ensureIndex}), then the step recorded.
     */
    private void indexStep(Connection connection, IndexChange index, HandleStep record) {
        boolean done = transaction(connection, handle -> indexWithin(handle, index, record));
        if (!done) {
            index.unique()
                    .ifPresent(fields -> runInTransaction(
                            connection, handle -> checkNoDuplicates(handle, index.collection(), fields)));
            ensureIndex(
                    connection, index.collection(), index.name(), index.unique().isPresent(), index.create());
            runInTransaction(connection, record::run);
        }
    }

    /**
     * An index step in the caller's transaction: the index looked up, built unless a valid one is
     * there (a unique key checked for duplicates first), and the step recorded. False, with nothing
     * done, when the collection has {@code concurrentThreshold} documents or more: its index must be
     * built {@code CONCURRENTLY}, outside a transaction.
     */
    private boolean indexWithin(Handle handle, IndexChange index, HandleStep record) {
        Optional<Boolean> valid = validity(handle, index.name());
        if (!valid.orElse(false)) {
            if (documents(handle, index.collection()) >= concurrentThreshold) {
                return false;
            }
            index.unique().ifPresent(fields -> checkNoDuplicates(handle, index.collection(), fields));
            if (valid.isPresent()) {
                handle.execute("DROP INDEX IF EXISTS " + Identifiers.quote(index.name()));
            }
            try {
                handle.execute(index.create().get());
            } catch (DataAccessException e) {
                if (index.unique().isPresent() && e.isUniqueViolation()) {
                    // a duplicate written since the check; nothing of the step stays
                    throw ProblemType.MIGRATION_DUPLICATES.exception(
                            "collection " + index.collection() + ": documents share the value of unique key "
                                    + index.name(),
                            e);
                }
                throw e;
            }
        }
        record.run(handle);
        return true;
    }

    /**
     * Builds an index unless a valid one of that name exists. An invalid one (a concurrent build that
     * crashed or met a duplicate) is dropped first. Large collections get {@code CONCURRENTLY}.
     */
    private void ensureIndex(
            Connection connection, String collection, String index, boolean unique, Supplier<String> create) {
        Optional<Boolean> valid = transaction(connection, handle -> validity(handle, index));
        if (valid.orElse(false)) {
            return;
        }
        boolean large = transaction(connection, handle -> documents(handle, collection)) >= concurrentThreshold;
        if (valid.isPresent()) {
            autocommit(
                    connection,
                    "DROP INDEX " + (large ? "CONCURRENTLY " : "") + "IF EXISTS " + Identifiers.quote(index));
        }
        String statement = create.get();
        if (large) {
            statement = statement.replaceFirst("^CREATE (UNIQUE )?INDEX ", "CREATE $1INDEX CONCURRENTLY ");
        }
        try {
            autocommit(connection, statement);
        } catch (DataAccessException e) {
            if (unique && e.isUniqueViolation()) {
                // a duplicate written since the check: drop the invalid remains, report like the check does
                autocommit(connection, "DROP INDEX IF EXISTS " + Identifiers.quote(index));
                throw ProblemType.MIGRATION_DUPLICATES.exception(
                        "collection " + collection + ": documents share the value of unique key " + index, e);
            }
            throw e;
        }
    }

    /** Whether the index is valid; empty when there is none of that name. */
    private static Optional<Boolean> validity(Handle handle, String index) {
        return handle.queryOne(
                "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                        + " WHERE c.relname = ? AND c.relnamespace = 'public'::regnamespace",
                row -> row.getBoolean(1),
                index);
    }

    /** How many documents, counted up to the threshold only: enough to choose, cheap on any size. */
    private long documents(Handle handle, String collection) {
        return handle.queryOne(
                        "SELECT count(*) FROM (SELECT 1 FROM " + Identifiers.quote(collection) + " LIMIT "
                                + concurrentThreshold + ") sample",
                        row -> row.getLong(1))
                .orElse(0L);
    }

    /** A unique key would fail on duplicates; list some instead, so the operator can fix the data. */
    private static void checkNoDuplicates(Handle handle, String collection, List<FieldPath> fields) {
        String expressions =
                fields.stream().map(CollectionTables::fieldExpression).collect(Collectors.joining(", "));
        String notNull = fields.stream()
                .map(field -> CollectionTables.fieldExpression(field) + " IS NOT NULL")
                .collect(Collectors.joining(" AND "));
        List<Map<String, Object>> duplicates = handle.query(
                "SELECT jsonb_build_array(" + expressions + ")::text, count(*), (array_agg(id ORDER BY id))[1:3]::text"
                        + " FROM " + Identifiers.quote(collection) + " WHERE " + notNull + " GROUP BY "
                        + expressions + " HAVING count(*) > 1 ORDER BY count(*) DESC LIMIT " + MAX_LISTED,
                row -> Map.of("value", row.getString(1), "count", row.getLong(2), "ids", row.getString(3)));
        if (!duplicates.isEmpty()) {
            String key = fields.stream().map(FieldPath::toString).collect(Collectors.joining(", "));
            throw ProblemType.MIGRATION_DUPLICATES
                    .exception("collection " + collection + ": " + duplicates.size()
                            + (duplicates.size() == MAX_LISTED ? "+" : "") + " values of unique key (" + key
                            + ") are shared, e.g. " + duplicates.getFirst().get("value") + " by "
                            + duplicates.getFirst().get("count") + " documents "
                            + duplicates.getFirst().get("ids"))
                    .with("duplicates", duplicates);
        }
    }

    private static void dropIndexes(Handle handle, String collection, List<FieldPath> fields) {
        handle.execute("DROP INDEX IF EXISTS " + Identifiers.quote(IndexNames.index(collection, fields)));
        handle.execute("DROP INDEX IF EXISTS " + Identifiers.quote(IndexNames.uniqueKey(collection, fields)));
    }

    private static void checkSchema(Handle handle, ServiceTemplate template, String collection) {
        checkSchema(handle.connection(), template, collection, Optional.of(handle));
    }

    private static void checkSchema(Connection connection, ServiceTemplate template, String collection) {
        checkSchema(connection, template, collection, Optional.empty());
    }

    /** Reads every document in batches and lists those the declared schema refuses. */
    private static void checkSchema(
            Connection connection, ServiceTemplate template, String collection, Optional<Handle> inTransaction) {
        Optional<JsonNode> declared = template.collection(collection).flatMap(CollectionSpec::schema);
        if (declared.isEmpty()) {
            return;
        }
        Schema schema = compile(declared.get());
        String table = Identifiers.quote(collection);
        List<Map<String, String>> refused = new ArrayList<>();
        Optional<UUID> after = Optional.empty();
        long failing = 0;
        while (true) {
            Optional<UUID> from = after;
            Jdbc.HandleFunction<List<Map.Entry<UUID, String>>> read = handle -> handle.query(
                    "SELECT id, doc::text FROM " + table + (from.isPresent() ? " WHERE id > ?::uuid" : "")
                            + " ORDER BY id LIMIT " + BATCH,
                    row -> Map.entry(row.getObject(1, UUID.class), row.getString(2)),
                    from.map(List::<Object>of).orElse(List.of()).toArray());
            List<Map.Entry<UUID, String>> batch =
                    inTransaction.isPresent() ? read.apply(inTransaction.get()) : transaction(connection, read);
            for (Map.Entry<UUID, String> document : batch) {
                List<Error> errors = schema.validate(Json.read(document.getValue()));
                if (!errors.isEmpty()) {
                    failing++;
                    if (refused.size() < MAX_LISTED) {
                        refused.add(Map.of(
                                "id",
                                document.getKey().toString(),
                                "path",
                                errors.getFirst().getInstanceLocation().toString(),
                                "message",
                                errors.getFirst().getMessage()));
                    }
                }
            }
            if (batch.size() < BATCH) {
                break;
            }
            after = Optional.of(batch.getLast().getKey());
        }
        if (failing > 0) {
            throw ProblemType.MIGRATION_SCHEMA_REJECTED
                    .exception("collection " + collection + ": " + failing
                            + " documents do not match the new schema, e.g. "
                            + refused.getFirst().get("id") + " at '"
                            + refused.getFirst().get("path") + "': "
                            + refused.getFirst().get("message"))
                    .with("documents", refused);
        }
    }

    private static Schema compile(JsonNode schema) {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(
                SpecificationVersion.DRAFT_2020_12,
                builder -> builder.schemaRegistryConfig(SchemaRegistryConfig.builder()
                                .formatAssertionsEnabled(true)
                                .locale(Locale.ENGLISH)
                                .build())
                        .schemaLoader(
                                loader -> loader.allow(iri -> iri.toString().startsWith("https://json-schema.org/"))));
        return registry.getSchema(schema);
    }

    private static void autocommit(Connection connection, String statement) {
        try (var sql = connection.createStatement()) {
            sql.execute(statement);
        } catch (SQLException e) {
            throw new DataAccessException(statement, e);
        }
    }

    static <T> T transaction(Connection connection, Jdbc.HandleFunction<T> work) {
        try {
            return Transactions.run(connection, work);
        } catch (SQLException e) {
            throw new DataAccessException("(transaction)", e);
        }
    }

    static void runInTransaction(Connection connection, HandleStep work) {
        transaction(connection, handle -> {
            work.run(handle);
            return null;
        });
    }
}
