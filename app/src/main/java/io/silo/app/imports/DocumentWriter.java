package io.silo.app.imports;

import io.silo.app.document.CollectionStatistics;
import io.silo.error.SiloException;
import io.silo.json.Json;
import io.silo.postgres.collection.DocumentStore;
import io.silo.postgres.jdbc.DataAccessException;
import io.silo.postgres.jdbc.Handle;
import io.silo.postgres.routing.TenantConnections;
import io.silo.template.CollectionSpec;
import io.silo.tenant.Tenant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes a batch of converted documents into one collection of one organization, in one
 * transaction, as upserts keyed by their stable ids: a document not there is inserted (through
 * {@link DocumentStore}, so its schema, unique keys, references and sequence counters are checked
 * and moved as for any insert), one there with the same body is left alone, one there with another
 * body is replaced. A document the store refuses is rejected with its reason and the rest of the
 * batch goes on; a failed statement (which spoils the transaction) makes the batch run again one
 * document per transaction. So a batch is all or nothing, and a re-run after a kill converges.
 *
 * <p>Thread-safe.
 */
final class DocumentWriter {
    private final TenantConnections connections;
    private final DocumentStore store;
    private final CollectionStatistics statistics;

    DocumentWriter(TenantConnections connections, DocumentStore store, CollectionStatistics statistics) {
        this.connections = connections;
        this.store = store;
        this.statistics = statistics;
    }

    /** A converted document, its stable id and the source id it came from (for the report). */
    record Pending(UUID id, String sourceId, ObjectNode doc) {}

    private enum Outcome {
        IMPORTED,
        UPDATED,
        UNCHANGED,
        REJECTED
    }

    private record Result(Pending pending, Outcome outcome, String reason) {}

    void write(Tenant tenant, String service, CollectionSpec spec, List<Pending> batch, ImportReport.Tenant report) {
        if (batch.isEmpty()) {
            return;
        }
        List<Result> results;
        try {
            results = connections.inTransaction(tenant.id(), service, handle -> apply(handle, spec, batch));
        } catch (DataAccessException e) {
            results = new ArrayList<>();
            for (Pending one : batch) {
                try {
                    results.addAll(connections.inTransaction(
                            tenant.id(), service, handle -> apply(handle, spec, List.of(one))));
                } catch (DataAccessException failed) {
                    results.add(new Result(one, Outcome.REJECTED, failed.getMessage()));
                }
            }
        }
        ImportReport.Counts counts = report.counts(service, spec.name());
        for (Result result : results) {
            switch (result.outcome()) {
                case IMPORTED -> counts.imported++;
                case UPDATED -> counts.updated++;
                case UNCHANGED -> counts.unchanged++;
                case REJECTED ->
                    report.reject(service, spec.name(), result.pending().sourceId(), result.reason());
            }
        }
    }

    /** Has PostgreSQL sample {@code service}'s collections of {@code tenant}, after they were loaded. */
    void analyze(Tenant tenant, String service, Collection<CollectionSpec> specs) {
        statistics.refresh(tenant.id(), service, specs);
    }

    private List<Result> apply(Handle handle, CollectionSpec spec, List<Pending> batch) {
        Map<UUID, JsonNode> stored = store.bodies(
                handle.connection(), spec, batch.stream().map(Pending::id).toList());
        List<Result> results = new ArrayList<>(batch.size());
        for (Pending pending : batch) {
            results.add(apply(handle, spec, pending, stored.get(pending.id())));
        }
        return results;
    }

    private Result apply(Handle handle, CollectionSpec spec, Pending pending, JsonNode before) {
        try {
            if (before == null) {
                ObjectNode body = pending.doc().deepCopy();
                body.put("_id", pending.id().toString());
                store.insert(handle.connection(), spec, body);
                return new Result(pending, Outcome.IMPORTED, "");
            }
            ObjectNode wanted = (ObjectNode) Json.read(Json.write(pending.doc()));
            // a number Silo gave on the first run (the source had none) is not a change
            for (String field : spec.sequences().keySet()) {
                if (!wanted.has(field) && before.has(field)) {
                    wanted.set(field, before.get(field));
                }
            }
            if (wanted.equals(before)) {
                return new Result(pending, Outcome.UNCHANGED, "");
            }
            store.replace(handle.connection(), spec, pending.id(), wanted, OptionalLong.empty());
            return new Result(pending, Outcome.UPDATED, "");
        } catch (DataAccessException e) {
            throw e;
        } catch (SiloException e) {
            return new Result(pending, Outcome.REJECTED, e.type() + ": " + e.getMessage());
        }
    }
}
