package io.silo.app.document;

import io.silo.app.admission.TenantGate;
import io.silo.app.session.Principal;
import io.silo.audit.AuditEntry;
import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.postgres.activity.ActivityEntry;
import io.silo.postgres.collection.Document;
import io.silo.postgres.collection.DocumentQuota;
import io.silo.postgres.collection.DocumentRules;
import io.silo.postgres.collection.DocumentStore;
import io.silo.postgres.collection.GroupResult;
import io.silo.postgres.collection.KnownUsers;
import io.silo.postgres.collection.Page;
import io.silo.postgres.collection.query.DocumentQuery;
import io.silo.postgres.collection.query.Filter;
import io.silo.postgres.collection.query.GroupQuery;
import io.silo.postgres.idempotency.Answer;
import io.silo.postgres.idempotency.IdempotencyStore;
import io.silo.postgres.idempotency.IdempotentRequest;
import io.silo.postgres.identity.UserStore;
import io.silo.postgres.jdbc.DataAccessException;
import io.silo.postgres.jdbc.Handle;
import io.silo.postgres.jdbc.Jdbc;
import io.silo.postgres.routing.TenantConnections;
import io.silo.template.CollectionRule;
import io.silo.template.CollectionSpec;
import io.silo.template.ServiceTemplate;
import io.silo.template.TemplateCatalog;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Where a document is read and written. The caller's organization must be admitted, the service
 * and collection are checked against the templates and the caller's role before any SQL runs, the
 * work runs on that organization's database as its own role, and every write commits together with
 * its activity row. Every client writes through here: the HTTP API today, an importer or a demo loader
 * tomorrow, so that each does what the API does.
 *
 * <p>Thread-safe.
 */
public final class Documents {
    private final TenantGate gate;
    private final TemplateCatalog templates;
    private final TenantConnections connections;
    private final DocumentStore store;
    private final UserStore users;
    private final IdempotencyStore idempotency;

    public Documents(
            TenantGate gate,
            TemplateCatalog templates,
            TenantConnections connections,
            DocumentStore store,
            UserStore users,
            IdempotencyStore idempotency) {
        this.gate = gate;
        this.templates = templates;
        this.connections = connections;
        this.store = store;
        this.users = users;
        this.idempotency = idempotency;
    }

    /** What {@code member} may touch in {@code service} of their own organization; a 4xx when nothing. */
    public DataScope scope(Principal.Member member, String service) {
        return DataScope.of(member, gate.admit(member), templates, service, knownUsers(member.tenantId()));
    }

    /**
     * The organization's users, for references to them: read from its core database when a write
     * needs them, outside the write's transaction (a user is never in the database being written).
     */
    private KnownUsers knownUsers(UUID tenant) {
        return ids -> connections.inOneStatement(tenant, ServiceTemplate.CORE, handle -> users.existing(handle, ids));
    }

    public Document get(DataScope scope, String collection, UUID id) {
        CollectionSpec spec = scope.readable(collection);
        return read(scope, handle -> store.get(handle.connection(), spec, scope.rules(collection), id));
    }

    /**
     * Checks that the caller may change document {@code id} other than by writing its body: its files
     * (issue 14). The role writes the collection and may change its documents' files ({@code files}
     * among its rule's {@code writes}), the database takes writes now, the document is there for the caller (404, as
     * out of reach) and within the role's {@code writableBy} (403 {@code document-forbidden}). So
     * whatever limits the writes of documents limits what hangs on them.
     */
    public void requireChangeable(DataScope scope, String collection, UUID id) {
        CollectionSpec spec = scope.writable(collection, CollectionRule.Write.FILES);
        scope.checkWritesAccepted();
        read(scope, handle -> {
            store.requireWritable(handle.connection(), spec, scope.rules(collection), id);
            return id;
        });
    }

    public Page query(DataScope scope, String collection, DocumentQuery query) {
        CollectionSpec spec = scope.readable(collection);
        return readPage(scope, handle -> store.query(handle.connection(), spec, scope.rules(collection), query));
    }

    public long count(DataScope scope, String collection, Filter filter) {
        CollectionSpec spec = scope.readable(collection);
        return read(scope, handle -> store.count(handle.connection(), spec, scope.rules(collection), filter));
    }

    public GroupResult group(DataScope scope, String collection, GroupQuery query) {
        CollectionSpec spec = scope.readable(collection);
        return read(scope, handle -> store.group(handle.connection(), spec, scope.rules(collection), query));
    }

    /**
     * One write, with its activity row, all or nothing. An insert, or a delete without a condition,
     * is one statement in auto-commit; a plain replace or merge patch two (read, then write if the
     * version is still the one read, else computed again). A change that depends on the document's
     * content (a condition, update operators) runs in a transaction that locks the document while it
     * reads it, so concurrent changes of one document queue instead of racing; so does a write whose
     * references are read share-locked, and an insert that numbers a sequence field, so that a failed
     * insert takes its number back.
     */
    public Write.Result write(DataScope scope, Write write, AuditEntry.Actor actor) {
        CollectionSpec spec = scope.writable(write.collection(), write.kind());
        scope.checkWritesAccepted();
        Jdbc.HandleFunction<Write.Result> work = handle -> apply(handle, scope, spec, write, actor);
        UUID tenant = scope.member().tenantId();
        boolean referencing = !spec.references().isEmpty();
        boolean oneStatement = switch (write) {
            // an insert that references other documents reads them share-locked, one that numbers a field
            // advances a counter: two statements, one transaction
            // and one into a collection with a quota counts it under a lock held to its commit
            case Write.Insert insert ->
                !referencing
                        && DocumentStore.insertsInOneStatement(spec, insert.body())
                        && scope.documentLimit(spec.name()).isEmpty();
            case Write.Delete delete -> delete.condition().isEmpty();
            // a plain replace or merge patch is optimistic (written only if still at the version read, else
            // computed again); one that depends on the document's content, a condition or an operator, locks it
            case Write.Replace replace -> replace.condition().isEmpty() && !referencing;
            case Write.Patch patch ->
                patch.condition().isEmpty() && !DocumentStore.isOperatorUpdate(patch.body()) && !referencing;
        };
        return writing(
                scope,
                () -> oneStatement
                        ? connections.inOneStatement(tenant, scope.service(), work)
                        : connections.inTransaction(tenant, scope.service(), work));
    }

    /**
     * One write sent with an idempotency key: done once, however often it is sent. The key is taken,
     * the write made, and {@code answer}'s rendering of its result kept, in one transaction; a retry
     * of the same request gets that answer again, without the write. A write that fails keeps
     * nothing, so it may be sent again, corrected or not, with the same key.
     */
    public Answered write(
            DataScope scope,
            Write write,
            AuditEntry.Actor actor,
            IdempotentRequest request,
            Function<Write.Result, Answer> answer) {
        CollectionSpec spec = scope.writable(write.collection(), write.kind());
        scope.checkWritesAccepted();
        return once(scope, request, handle -> answer.apply(apply(handle, scope, spec, write, actor)));
    }

    /**
     * Several writes in one transaction, all or nothing. Every write is checked before any runs; a
     * failure names the write by its index ({@code operation}).
     */
    public List<Write.Result> batch(DataScope scope, List<Write> writes, AuditEntry.Actor actor) {
        List<CollectionSpec> specs = writable(scope, writes);
        scope.checkWritesAccepted();
        return writing(
                scope,
                () -> connections.inTransaction(
                        scope.member().tenantId(),
                        scope.service(),
                        handle -> applyAll(handle, scope, specs, writes, actor)));
    }

    /** {@link #batch}, sent with an idempotency key: done once, as {@link #write} with a key is. */
    public Answered batch(
            DataScope scope,
            List<Write> writes,
            AuditEntry.Actor actor,
            IdempotentRequest request,
            Function<List<Write.Result>, Answer> answer) {
        List<CollectionSpec> specs = writable(scope, writes);
        scope.checkWritesAccepted();
        return once(scope, request, handle -> answer.apply(applyAll(handle, scope, specs, writes, actor)));
    }

    /**
     * The work of a keyed request, in one transaction with its key: claimed first (another request
     * holding the key is a 409 at once), remembered with its answer last. The caller is the key's
     * scope: another user's request with the same key is another request.
     */
    private Answered once(DataScope scope, IdempotentRequest request, Jdbc.HandleFunction<Answer> work) {
        UUID user = scope.member().id();
        return writing(
                scope,
                () -> connections.inTransaction(scope.member().tenantId(), scope.service(), handle -> {
                    Optional<Answer> first = idempotency.claim(handle, user, request);
                    if (first.isPresent()) {
                        return new Answered(first.get(), true);
                    }
                    Answer answer = work.apply(handle);
                    idempotency.remember(handle, user, request, answer);
                    return new Answered(answer, false);
                }));
    }

    private static List<CollectionSpec> writable(DataScope scope, List<Write> writes) {
        List<CollectionSpec> specs = new ArrayList<>();
        for (int index = 0; index < writes.size(); index++) {
            try {
                specs.add(scope.writable(
                        writes.get(index).collection(), writes.get(index).kind()));
            } catch (SiloException e) {
                throw e.with("operation", index);
            }
        }
        return specs;
    }

    private List<Write.Result> applyAll(
            Handle handle, DataScope scope, List<CollectionSpec> specs, List<Write> writes, AuditEntry.Actor actor) {
        List<Write.Result> results = new ArrayList<>();
        for (int index = 0; index < writes.size(); index++) {
            try {
                results.add(apply(handle, scope, specs.get(index), writes.get(index), actor));
            } catch (SiloException e) {
                throw e.with("operation", index);
            }
        }
        return results;
    }

    private Write.Result apply(
            Handle handle, DataScope scope, CollectionSpec spec, Write write, AuditEntry.Actor actor) {
        var connection = handle.connection();
        DocumentRules rules = scope.rules(spec.name());
        String action = "document." + write.op();
        // every write takes its activity row along in its own statement, which gives the row the document's id
        Optional<ActivityEntry> logged = Optional.of(entry(scope, actor, action, spec.name()));
        return switch (write) {
            case Write.Insert insert -> {
                scope.documentLimit(spec.name())
                        .ifPresent(limit -> DocumentQuota.reserve(connection, spec, scope.service(), limit));
                yield stored(write, store.insert(connection, spec, rules, insert.body(), logged.get()));
            }
            case Write.Replace replace ->
                stored(
                        write,
                        store.replace(
                                connection,
                                spec,
                                rules,
                                replace.id(),
                                replace.body(),
                                replace.expectedVersion(),
                                replace.condition(),
                                logged));
            case Write.Patch patch ->
                stored(
                        write,
                        store.patch(
                                connection,
                                spec,
                                rules,
                                patch.id(),
                                patch.body(),
                                patch.expectedVersion(),
                                patch.condition(),
                                logged));
            case Write.Delete delete -> {
                store.delete(
                        connection, spec, rules, delete.id(), delete.expectedVersion(), delete.condition(), logged);
                yield new Write.Result(write, delete.id(), Optional.empty());
            }
        };
    }

    private static Write.Result stored(Write write, Document document) {
        return new Write.Result(write, document.id(), Optional.of(document));
    }

    /**
     * A read of one row (a document, a count, a grouping): a single statement, in auto-commit with a
     * snapshot of its own, at one round trip to the database.
     */
    private <T> T read(DataScope scope, Jdbc.HandleFunction<T> work) {
        return retryingOnce(
                scope, () -> connections.inOneStatement(scope.member().tenantId(), scope.service(), work));
    }

    /**
     * A read whose pooled connection turns out to be dead (the server restarted or ended its backend)
     * runs once more: the pool has dropped that connection, and a read has no effect to repeat.
     */
    private <T> T retryingOnce(DataScope scope, Supplier<T> read) {
        try {
            return read.get();
        } catch (DataAccessException e) {
            if (!e.isConnectionLost()) {
                throw e;
            }
            connections.connectionLost(scope.member().tenantId(), scope.service());
            return read.get();
        }
    }

    /** A write whose connection broke may or may not have committed: never retried, never a success. */
    private <T> T writing(DataScope scope, Supplier<T> write) {
        try {
            return write.get();
        } catch (DataAccessException e) {
            if (!e.isConnectionLost()) {
                throw e;
            }
            connections.connectionLost(scope.member().tenantId(), scope.service());
            throw ProblemType.WRITE_OUTCOME_UNKNOWN.exception(
                    "the connection to the database broke during the write, which may or may not have been applied: "
                            + "read the document before you retry",
                    e);
        }
    }

    /**
     * A page of documents, in a read-only transaction: only there does the driver fetch rows in
     * batches, so that the page budget stops a page of large documents before it is all in memory
     * (in auto-commit the whole {@code LIMIT} would be read first). Marking the connection read-only
     * makes the driver open it with {@code BEGIN READ ONLY} in the round trip of the query; the pool
     * clears the mark when the connection comes back.
     */
    private <T> T readPage(DataScope scope, Jdbc.HandleFunction<T> work) {
        return retryingOnce(
                scope,
                () -> connections.inTransaction(scope.member().tenantId(), scope.service(), handle -> {
                    try {
                        handle.connection().setReadOnly(true);
                    } catch (SQLException e) {
                        throw new DataAccessException("(read-only transaction)", e);
                    }
                    return work.apply(handle);
                }));
    }

    private static ActivityEntry entry(DataScope scope, AuditEntry.Actor actor, String action, String collection) {
        return ActivityEntry.builder(action, scope.service())
                .user(
                        Optional.of(scope.member().id()),
                        Optional.empty(),
                        Optional.of(scope.role().name()))
                .target(collection, "")
                .client(actor)
                .build();
    }
}
