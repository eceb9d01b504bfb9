package io.silo.postgres.collection;

import io.silo.crypto.Ids;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.json.Json;
import io.silo.postgres.activity.ActivityEntry;
import io.silo.postgres.activity.ActivityLog;
import io.silo.postgres.collection.query.DocumentQuery;
import io.silo.postgres.collection.query.Fields;
import io.silo.postgres.collection.query.Filter;
import io.silo.postgres.collection.query.GroupQuery;
import io.silo.postgres.collection.query.SortKey;
import io.silo.postgres.jdbc.DataAccessException;
import io.silo.postgres.jdbc.Handle;
import io.silo.template.CollectionSpec;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The documents of collections: writes with versions, schema validation and unique keys, and
 * queries in the filter language ({@code docs/query-language.md}). Every method works on a
 * connection that the caller has routed to the tenant's database, inside the caller's
 * transaction: nothing here commits, rolls back or changes auto-commit. A failed write throws
 * a {@link SiloException} and may leave the transaction aborted, so the caller rolls back.
 *
 * <p>Private fields of a collection are never returned and cannot be filtered, sorted, selected
 * or grouped on; they may be written. A replace keeps the private fields the new body does not
 * name, because clients, who never see them, cannot send them back.
 *
 * <p>Thread-safe: one instance serves the whole process. Compiled JSON Schemas are cached in it.
 */
public final class DocumentStore {
    /**
     * At most this much document text (about 8 MiB) per page, whatever the limit: a thousand
     * documents of a megabyte each would otherwise be held in memory for one request.
     */
    static final long PAGE_BUDGET_CHARS = 8L * 1024 * 1024;

    /** How often a change without an expected version is computed again after losing a race. */
    private static final int CHANGE_ATTEMPTS = 10;

    private final Clock clock;
    private final Schemas schemas = new Schemas();

    /** A store that stamps documents with the system clock. */
    public DocumentStore() {
        this(Clock.systemUTC());
    }

    /** A store that stamps {@code _createdAt} and {@code _updatedAt} from {@code clock}. */
    public DocumentStore(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Whether inserting {@code body} into the collection is one statement, which auto-commit makes
     * atomic. It is two when a sequence field is to be numbered, or a number the client sent is to
     * move its counter ({@link io.silo.template.SequenceSpec}): then the caller runs the insert in a
     * transaction, so that a failed insert takes its number back.
     */
    public static boolean insertsInOneStatement(CollectionSpec spec, JsonNode body) {
        return !Sequences.touchCounters(spec, body);
    }

    /**
     * Inserts a document. The body may carry {@code _id}, a UUID, else one is generated; any other
     * top-level name starting with {@code _} is a {@code reserved-field}. The collection's absent
     * sequence fields are numbered first ({@link #insertsInOneStatement}).
     *
     * @return the document as stored, at version 1
     */
    public Document insert(Connection connection, CollectionSpec spec, JsonNode body) {
        return insert(connection, spec, DocumentRules.NONE, body, Optional.empty());
    }

    /**
     * Inserts a document and, in the same statement, its activity row: one round trip, atomic in
     * auto-commit as in a transaction. The entry's target id is the document's. Owner fields of
     * {@code rules} left absent are set to the caller; the document must be within their reach.
     *
     * @return the document as stored, at version 1
     */
    public Document insert(
            Connection connection, CollectionSpec spec, DocumentRules rules, JsonNode body, ActivityEntry logged) {
        return insert(connection, spec, rules, body, Optional.of(logged));
    }

    private Document insert(
            Connection connection,
            CollectionSpec spec,
            DocumentRules rules,
            JsonNode body,
            Optional<ActivityEntry> logged) {
        Bodies.Insert insert = Bodies.forInsert(body, spec.name());
        ObjectNode doc = rules.filled(insert.doc());
        rules.checkWritten(spec.name(), Optional.empty(), doc);
        Instant now = now();
        Handle handle = new Handle(connection);
        // after the rules: a number Silo sets is not one the caller wrote
        Sequences.number(handle, spec, doc, now);
        String text = validated(spec, doc);
        UUID id = insert.id().orElseGet(Ids::next);
        References.check(handle, spec, Optional.empty(), doc, rules.users());
        Statement statement = new Statement(
                "INSERT INTO " + Sql.table(spec.name()) + " (id, doc, version, created_at, updated_at) "
                        + "VALUES (?, ?::jsonb, 1, ?, ?) ON CONFLICT DO NOTHING RETURNING " + Stored.COLUMNS,
                id,
                text,
                timestamp(now),
                timestamp(now));
        return handle.queryOne(statement.logging(logged, "inserted"), Stored::read, statement.parameters(logged))
                .map(stored -> stored.visible(spec.privateFields()))
                .orElseThrow(() -> UniqueKeys.onInsert(handle, spec, id, doc));
    }

    /**
     * Has PostgreSQL sample the tables of {@code specs} (those the database has) now. A table loaded in one go (an import, the demo)
     * has no statistics until autovacuum's threshold of changed rows is passed, which a small table
     * never reaches: until then its planner estimates and the tenant health's document estimates
     * ({@code pg_class.reltuples}) say nothing. Only the table's owner may analyse it: run on an
     * administrative connection.
     */
    public static void analyze(Connection connection, Collection<CollectionSpec> specs) {
        Handle handle = new Handle(connection);
        // an organization on an older template version may lack a collection the catalog has
        List<String> present = handle.query(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                        + " WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname = ANY(?)",
                row -> row.getString(1),
                (Object) specs.stream().map(CollectionSpec::name).toArray(String[]::new));
        present.forEach(name -> handle.execute("ANALYZE " + Sql.table(name)));
    }

    /**
     * The document with this id, if there is one. Its body stays the text PostgreSQL printed, with
     * the private fields removed there: answering it needs no parse ({@link Document#json()}).
     */
    public Optional<Document> find(Connection connection, CollectionSpec spec, UUID id) {
        return find(connection, spec, DocumentRules.NONE, id);
    }

    /** {@link #find}, among the documents {@code rules} let the caller read. */
    public Optional<Document> find(Connection connection, CollectionSpec spec, DocumentRules rules, UUID id) {
        Sql sql = new Sql();
        if (spec.privateFields().isEmpty()) {
            sql.append("SELECT " + Stored.COLUMNS);
        } else {
            sql.append("SELECT id, (doc - ")
                    .bind(spec.privateFields().toArray(String[]::new))
                    .append("::text[])::text AS doc, version, created_at, updated_at");
        }
        sql.append(" FROM " + Sql.table(spec.name()) + " WHERE id = ").bind(id);
        Filter readable = rules.readable();
        if (readable != Filter.all()) {
            FilterSql.render(readable, sql.append(" AND "));
        }
        return new Handle(connection).queryOne(sql.text(), Stored::text, sql.params());
    }

    /**
     * The stored bodies, private fields included, of those of {@code ids} that exist, in one query: what
     * an import compares its documents with before it writes (a re-run that finds them equal writes
     * nothing).
     */
    public Map<UUID, JsonNode> bodies(Connection connection, CollectionSpec spec, Collection<UUID> ids) {
        Map<UUID, JsonNode> found = new HashMap<>();
        new Handle(connection)
                .query(
                        "SELECT id, doc::text FROM " + Sql.table(spec.name()) + " WHERE id = ANY(?)",
                        row -> found.put(row.getObject(1, UUID.class), Json.read(row.getString(2))),
                        (Object) ids.toArray(UUID[]::new));
        return found;
    }

    /** The document with this id; {@code document-not-found} if there is none. */
    public Document get(Connection connection, CollectionSpec spec, UUID id) {
        return get(connection, spec, DocumentRules.NONE, id);
    }

    /** {@link #get}, among the documents {@code rules} let the caller read: others are not found. */
    public Document get(Connection connection, CollectionSpec spec, DocumentRules rules, UUID id) {
        return find(connection, spec, rules, id).orElseThrow(() -> notFound(spec, id));
    }

    /**
     * Replaces a document's body (PUT). The version the change expects comes from
     * {@code expectedVersion} or {@code _version} in the body (both: they must agree); a stale
     * one is a {@code version-conflict}.
     *
     * @return the document as stored, one version on
     */
    public Document replace(
            Connection connection, CollectionSpec spec, UUID id, JsonNode body, OptionalLong expectedVersion) {
        return replace(
                connection, spec, DocumentRules.NONE, id, body, expectedVersion, Optional.empty(), Optional.empty());
    }

    /**
     * {@link #replace}, with {@code logged} written in the change's own statement, and only if the
     * document matches {@code condition} ({@code condition-failed} when it does not), among the
     * documents {@code rules} let the caller write, which the new body must stay within.
     */
    public Document replace(
            Connection connection,
            CollectionSpec spec,
            DocumentRules rules,
            UUID id,
            JsonNode body,
            OptionalLong expectedVersion,
            Optional<Filter> condition,
            Optional<ActivityEntry> logged) {
        Bodies.Update update = Bodies.forUpdate(body, expectedVersion, spec.name());
        rules.checkNoHiddenNamed(spec.name(), update.doc());
        checkCondition(spec, condition);
        return change(new Handle(connection), spec, rules, id, update.expectedVersion(), condition, logged, current -> {
            ObjectNode doc = update.doc().deepCopy();
            for (String field : spec.privateFields()) {
                if (!doc.has(field) && current.doc().has(field)) {
                    doc.set(field, current.doc().get(field));
                }
            }
            return doc;
        });
    }

    /**
     * Changes a document with a JSON Merge Patch (RFC 7386): members merge into objects,
     * {@code null} removes, arrays and other values replace; or, when its top-level names are
     * operators ({@code $inc} …), by {@link UpdateOperators}. Versions as for {@link #replace}.
     *
     * @return the document as stored, one version on
     */
    public Document patch(
            Connection connection, CollectionSpec spec, UUID id, JsonNode mergePatch, OptionalLong expectedVersion) {
        return patch(
                connection,
                spec,
                DocumentRules.NONE,
                id,
                mergePatch,
                expectedVersion,
                Optional.empty(),
                Optional.empty());
    }

    /**
     * {@link #patch}, with {@code logged} written in the change's own statement, and only if the
     * document matches {@code condition} ({@code condition-failed} when it does not), among the
     * documents {@code rules} let the caller write, which the patched document must stay within.
     */
    public Document patch(
            Connection connection,
            CollectionSpec spec,
            DocumentRules rules,
            UUID id,
            JsonNode mergePatch,
            OptionalLong expectedVersion,
            Optional<Filter> condition,
            Optional<ActivityEntry> logged) {
        Bodies.Update update = Bodies.forUpdate(mergePatch, expectedVersion, spec.name());
        rules.checkNoHiddenNamed(spec.name(), update.doc());
        checkCondition(spec, condition);
        Handle handle = new Handle(connection);
        if (UpdateOperators.isUpdate(update.doc())) {
            return change(
                    handle,
                    spec,
                    rules,
                    id,
                    update.expectedVersion(),
                    condition,
                    logged,
                    current -> UpdateOperators.apply(current.doc(), update.doc(), spec.name()));
        }
        return change(handle, spec, rules, id, update.expectedVersion(), condition, logged, current ->
                (ObjectNode) MergePatch.apply(current.doc(), update.doc()));
    }

    /**
     * Checks, changing nothing, that the document is there for the caller ({@code document-not-found}
     * when not, or out of reach) and that {@code rules} let them change it ({@code document-forbidden}):
     * for what hangs on a document, such as its files.
     */
    public void requireWritable(Connection connection, CollectionSpec spec, DocumentRules rules, UUID id) {
        current(new Handle(connection), spec, rules, id, OptionalLong.empty(), Optional.empty());
    }

    /** Whether a patch body is an update by operators ({@code $inc} …) rather than a merge patch. */
    public static boolean isOperatorUpdate(JsonNode body) {
        return UpdateOperators.isUpdate(body);
    }

    /** Deletes a document; {@code document-not-found} if there is none, {@code version-conflict} if the expected version is stale. */
    public void delete(Connection connection, CollectionSpec spec, UUID id, OptionalLong expectedVersion) {
        delete(connection, spec, DocumentRules.NONE, id, expectedVersion, Optional.empty(), Optional.empty());
    }

    /**
     * {@link #delete}, with {@code logged} written in the deletion's own statement: one round trip;
     * with a {@code condition}, the document is read first and deleted only if it matches and has
     * not changed since ({@code condition-failed} when it does not match). Only a document
     * {@code rules} let the caller write is deleted.
     */
    public void delete(
            Connection connection,
            CollectionSpec spec,
            DocumentRules rules,
            UUID id,
            OptionalLong expectedVersion,
            Optional<Filter> condition,
            Optional<ActivityEntry> logged) {
        expectedVersion.ifPresent(version -> Bodies.checkVersion(version, spec.name()));
        checkCondition(spec, condition);
        Handle handle = new Handle(connection);
        boolean withFiles = withFiles(handle, spec);
        if (condition.isPresent()) {
            for (int attempt = 1; ; attempt++) {
                Stored current = current(handle, spec, rules, id, expectedVersion, condition);
                if (deleted(handle, spec, rules, id, OptionalLong.of(current.version()), logged, withFiles)) {
                    return;
                }
                if (attempt == CHANGE_ATTEMPTS) {
                    throw ProblemType.VERSION_CONFLICT
                            .exception("document " + id + " in collection '" + spec.name() + "' changed " + attempt
                                    + " times while this deletion was made; retry")
                            .with("currentVersion", current.version() + 1);
                }
            }
        }
        if (!deleted(handle, spec, rules, id, expectedVersion, logged, withFiles)) {
            // says why: not found, out of reach, or another version
            current(handle, spec, rules, id, expectedVersion, Optional.empty());
            throw notFound(spec, id); // it was there a moment ago and is gone now
        }
    }

    /** Deletes the document if it is at {@code version} (any, when absent); whether it did. */
    private boolean deleted(
            Handle handle,
            CollectionSpec spec,
            DocumentRules rules,
            UUID id,
            OptionalLong expectedVersion,
            Optional<ActivityEntry> logged,
            boolean withFiles) {
        Long version = expectedVersion.isPresent() ? expectedVersion.getAsLong() : null;
        Sql sql = new Sql()
                .append("DELETE FROM " + Sql.table(spec.name()) + " WHERE id = ")
                .bind(id)
                .append(" AND (")
                .bind(version)
                .append("::bigint IS NULL OR version = ")
                .bind(version)
                .append(")");
        Filter writable = rules.writable();
        if (writable != Filter.all()) {
            FilterSql.render(writable, sql.append(" AND "));
        }
        Statement statement = new Statement(sql.append(" RETURNING id").text(), sql.params());
        if (withFiles) {
            return deletedWithFiles(handle, spec, statement, logged);
        }
        return handle.queryOne(
                        statement.logging(logged, "deleted"),
                        row -> row.getObject("id", UUID.class),
                        statement.parameters(logged))
                .isPresent();
    }

    // ---- files of documents (issue 14): a document's files go with it -------------------------------

    /**
     * Whether a deletion in {@code spec} takes the document's files along: its collection takes
     * files, and the database has their tables (one made before file storage has none, and so no files).
     */
    private static boolean withFiles(Handle handle, CollectionSpec spec) {
        return spec.files().isPresent()
                && handle.queryOne("SELECT to_regclass('public.silo_files') IS NOT NULL", row -> row.getBoolean(1))
                        .orElse(false);
    }

    /** The deletion, with the document's files (their chunks by cascade) in the same statement. */
    private static boolean deletedWithFiles(
            Handle handle, CollectionSpec spec, Statement statement, Optional<ActivityEntry> logged) {
        List<Object> parameters = new ArrayList<>(Arrays.asList(statement.parameters()));
        parameters.add(spec.name());
        logged.ifPresent(entry -> parameters.addAll(Arrays.asList(ActivityLog.parameters(entry))));
        String sql = "WITH deleted AS (" + statement.sql() + "), files AS (DELETE FROM silo_files"
                + " WHERE collection = ? AND document_id IN (SELECT id FROM deleted))"
                + (logged.isPresent() ? ", logged AS (" + ActivityLog.insertFrom("deleted") + ")" : "")
                + " SELECT id FROM deleted";
        return handle.queryOne(sql, row -> row.getObject("id", UUID.class), parameters.toArray())
                .isPresent();
    }

    /** One page of the documents matching a query, with a cursor to the next page when there is one. */
    public Page query(Connection connection, CollectionSpec spec, DocumentQuery query) {
        return query(connection, spec, DocumentRules.NONE, query);
    }

    /** {@link #query}, among the documents {@code rules} let the caller read. */
    public Page query(Connection connection, CollectionSpec spec, DocumentRules rules, DocumentQuery query) {
        checkReadable(spec, query.filter(), query.sort().keys(), query.fields());
        List<SortKey> keys = query.sort().withTiebreak();
        Sql sql = new Sql().append("SELECT " + Stored.COLUMNS + " FROM " + Sql.table(spec.name()) + " WHERE ");
        FilterSql.render(rules.readable(query.filter()), sql);
        query.cursor().ifPresent(cursor -> Keyset.render(keys, Cursor.decode(cursor, keys), sql.append(" AND ")));
        sql.append(" ORDER BY ");
        for (int i = 0; i < keys.size(); i++) {
            sql.append(i > 0 ? ", " : "")
                    .field(keys.get(i).field())
                    .append(keys.get(i).descending() ? " DESC" : " ASC");
        }
        sql.append(" LIMIT ").bind(query.limit() + 1);
        long[] bytes = {0};
        List<Stored> read = new Handle(connection)
                .queryWhile(
                        sql.text(),
                        row -> {
                            String doc = row.getString("doc");
                            bytes[0] += doc.length();
                            return Stored.read(row, doc);
                        },
                        rows -> rows.size() <= query.limit() && (rows.isEmpty() || bytes[0] < PAGE_BUDGET_CHARS),
                        sql.params());
        List<Document> rows = read.stream()
                .map(stored -> stored.visible(spec.privateFields()))
                .toList();
        // a page ends at the limit, or earlier once it holds PAGE_BUDGET_CHARS of documents: the cursor goes on from
        // there
        boolean more = rows.size() > query.limit() || bytes[0] >= PAGE_BUDGET_CHARS;
        List<Document> page = rows.size() > query.limit() ? rows.subList(0, query.limit()) : rows;
        Optional<String> next = more ? Optional.of(Cursor.after(page.getLast(), keys)) : Optional.empty();
        return new Page(
                page.stream().map(document -> project(document, query.fields())).toList(), next);
    }

    /** How many documents match a filter. */
    public long count(Connection connection, CollectionSpec spec, Filter filter) {
        return count(connection, spec, DocumentRules.NONE, filter);
    }

    /** {@link #count}, among the documents {@code rules} let the caller read. */
    public long count(Connection connection, CollectionSpec spec, DocumentRules rules, Filter filter) {
        checkReadable(spec, filter, List.of(), Fields.all());
        Sql sql = new Sql().append("SELECT count(*) FROM " + Sql.table(spec.name()) + " WHERE ");
        FilterSql.render(rules.readable(filter), sql);
        return new Handle(connection)
                .queryOne(sql.text(), row -> row.getLong(1), sql.params())
                .orElse(0L);
    }

    /**
     * The matching documents grouped by one or more keys (fields, or date buckets of them), with a count and,
     * optionally, numeric aggregates.
     */
    public GroupResult group(Connection connection, CollectionSpec spec, GroupQuery query) {
        return group(connection, spec, DocumentRules.NONE, query);
    }

    /** {@link #group}, among the documents {@code rules} let the caller read. */
    public GroupResult group(Connection connection, CollectionSpec spec, DocumentRules rules, GroupQuery query) {
        Optional<Set<String>> closed = schemas.of(spec).closedProperties();
        checkReadable(spec, query.filter(), List.of(), Fields.all());
        query.keys().forEach(key -> FieldRules.checkReadable(spec, closed, key.field(), "a grouping"));
        query.metric().ifPresent(metric -> FieldRules.checkReadable(spec, closed, metric, "a grouping"));
        return Groups.run(new Handle(connection), spec, rules.readable(query.filter()), query);
    }

    /**
     * A change computed from the document as it is: read in one round trip, written in one
     * statement (with its activity row) that applies only if the version is still the one read. In
     * a transaction the read locks the row, so the write always applies; in auto-commit a change
     * that lost the race to another is computed again from the newer version, unless the client
     * expected a version: then it is a {@code version-conflict}.
     */
    private Document change(
            Handle handle,
            CollectionSpec spec,
            DocumentRules rules,
            UUID id,
            OptionalLong expectedVersion,
            Optional<Filter> condition,
            Optional<ActivityEntry> logged,
            java.util.function.Function<Stored, ObjectNode> changed) {
        for (int attempt = 1; ; attempt++) {
            Stored current = current(handle, spec, rules, id, expectedVersion, condition);
            ObjectNode doc = changed.apply(current);
            rules.checkWritten(spec.name(), Optional.of(current.doc()), doc);
            References.check(handle, spec, Optional.of(current.doc()), doc, rules.users());
            Optional<Document> written = update(handle, spec, current, doc, logged);
            if (written.isPresent()) {
                return written.get();
            }
            if (attempt == CHANGE_ATTEMPTS) {
                throw ProblemType.VERSION_CONFLICT
                        .exception("document " + id + " in collection '" + spec.name() + "' changed " + attempt
                                + " times while this change was made; retry")
                        .with("currentVersion", current.version() + 1);
            }
        }
    }

    /**
     * The document as it is; {@code document-not-found}, {@code version-conflict} if not at the
     * expected version, {@code condition-failed} if it does not match {@code condition} (evaluated by
     * PostgreSQL in the same read, as a filter of a listing would be).
     */
    private Stored current(
            Handle handle,
            CollectionSpec spec,
            DocumentRules rules,
            UUID id,
            OptionalLong expectedVersion,
            Optional<Filter> condition) {
        Sql sql = new Sql().append("SELECT " + Stored.COLUMNS + ", ");
        FilterSql.render(condition.orElse(Filter.all()), sql.append("("));
        FilterSql.render(rules.writable(), sql.append(") AS matches, ("));
        sql.append(") AS writable FROM " + Sql.table(spec.name()) + " WHERE id = ")
                .bind(id);
        FilterSql.render(rules.readable(), sql.append(" AND "));
        if (handle.inTransaction()) {
            // concurrent changes of one document queue here, each reading what the one before left: fifty
            // tills selling the last ten bottles sell exactly ten, where optimistic retries could give up first.
            // NO KEY: the id never changes, so a reference to this document (FOR KEY SHARE, in References) taken
            // earlier in another sale's transaction does not block it, and the two never deadlock
            sql.append(" FOR NO KEY UPDATE");
        }
        boolean[] matches = {true, true};
        Stored current = handle.queryOne(
                        sql.text(),
                        row -> {
                            matches[0] = row.getBoolean("matches");
                            matches[1] = row.getBoolean("writable");
                            return Stored.read(row);
                        },
                        sql.params())
                .orElseThrow(() -> notFound(spec, id));
        if (!matches[1]) {
            throw rules.notWritable(spec.name(), id);
        }
        if (expectedVersion.isPresent() && expectedVersion.getAsLong() != current.version()) {
            throw ProblemType.VERSION_CONFLICT
                    .exception("document " + id + " in collection '" + spec.name() + "' is at version "
                            + current.version() + ", not " + expectedVersion.getAsLong() + "; read it again and retry")
                    .with("currentVersion", current.version());
        }
        if (!matches[0]) {
            throw ProblemType.CONDITION_FAILED
                    .exception("document " + id + " in collection '" + spec.name()
                            + "' does not match the write's condition; nothing was written")
                    .with("currentVersion", current.version());
        }
        return current;
    }

    /** A condition names fields as a filter does: never a private or undeclared one. */
    private void checkCondition(CollectionSpec spec, Optional<Filter> condition) {
        condition.ifPresent(filter -> {
            Optional<Set<String>> closed = schemas.of(spec).closedProperties();
            filter.fields().forEach(field -> FieldRules.checkReadable(spec, closed, field, "a condition"));
        });
    }

    /** Writes {@code doc} over {@code current} if it is still at its version; empty when it is not. */
    private Optional<Document> update(
            Handle handle, CollectionSpec spec, Stored current, ObjectNode doc, Optional<ActivityEntry> logged) {
        String text = validated(spec, doc);
        UniqueKeys.checkChange(handle, spec, current.id(), current.doc(), doc);
        Statement statement = new Statement(
                "UPDATE " + Sql.table(spec.name()) + " SET doc = ?::jsonb, version = version + 1, updated_at = ? "
                        + "WHERE id = ? AND version = ? RETURNING " + Stored.COLUMNS,
                text,
                timestamp(now()),
                current.id(),
                current.version());
        try {
            return handle.queryOne(statement.logging(logged, "updated"), Stored::read, statement.parameters(logged))
                    .map(stored -> stored.visible(spec.privateFields()));
        } catch (DataAccessException e) {
            if (e.isUniqueViolation()) {
                throw UniqueKeys.onViolation(e, spec, current.doc(), doc);
            }
            throw e;
        }
    }

    /**
     * A statement that returns the rows it changed, and that can take an activity row along: then
     * it becomes a common table expression, and the activity row is inserted from its rows.
     */
    private record Statement(String sql, Object... parameters) {
        String logging(Optional<ActivityEntry> logged, String name) {
            return logged.isEmpty()
                    ? sql
                    : "WITH " + name + " AS (" + sql + "), logged AS (" + ActivityLog.insertFrom(name)
                            + ") SELECT * FROM " + name;
        }

        Object[] parameters(Optional<ActivityEntry> logged) {
            if (logged.isEmpty()) {
                return parameters;
            }
            List<Object> all = new ArrayList<>(Arrays.asList(parameters));
            all.addAll(Arrays.asList(ActivityLog.parameters(logged.get())));
            return all.toArray();
        }
    }

    /** The JSON text to store, after the content, size and schema checks. */
    private String validated(CollectionSpec spec, ObjectNode doc) {
        Bodies.checkContent(doc, spec.name());
        String text = Bodies.serialize(doc, spec.name());
        schemas.of(spec).validate(doc, spec.name());
        return text;
    }

    private void checkReadable(CollectionSpec spec, Filter filter, List<SortKey> sort, Fields fields) {
        Optional<Set<String>> closed = schemas.of(spec).closedProperties();
        filter.fields().forEach(field -> FieldRules.checkReadable(spec, closed, field, "a filter"));
        sort.forEach(key -> FieldRules.checkReadable(spec, closed, key.field(), "a sort"));
        fields.paths().forEach(path -> FieldRules.checkReadable(spec, closed, path, "a field selection"));
    }

    private static Document project(Document document, Fields fields) {
        return fields.whole()
                ? document
                : new Document(
                        document.id(),
                        document.version(),
                        document.createdAt(),
                        document.updatedAt(),
                        fields.project(document.body()));
    }

    /** PostgreSQL keeps microseconds; truncating here makes the returned document equal the stored one. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static SiloException notFound(CollectionSpec spec, UUID id) {
        return ProblemType.DOCUMENT_NOT_FOUND
                .exception("collection '" + spec.name() + "' has no document " + id)
                .with("id", id.toString());
    }
}
