package io.silo.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Several writes to one service's collections in one transaction, all or nothing
 * ({@code POST /api/data/{service}/_batch}, at most 100):
 *
 * <pre>{@code
 * List<BatchResult> results = api.batch("billing")
 *         .insert("invoices", invoice)
 *         .patch("invoices", id, Map.of("status", "paid")).ifVersion(2)
 *         .delete("payments", paymentId)
 *         .commit(WriteOptions.newIdempotencyKey());
 * }</pre>
 *
 * A refused operation throws the {@link SiloProblemException} whose {@code operation} extension is its
 * index, and nothing is written.
 *
 * <p>Not thread-safe: one thread builds a batch.
 */
public final class Batch {
    private final Transport transport;
    private final String path;
    private final List<ObjectNode> operations = new ArrayList<>();

    Batch(Transport transport, String service) {
        this.transport = transport;
        this.path = "/api/data/" + Transport.segment(service) + "/_batch";
    }

    public Batch insert(String collection, Object body) {
        return add("insert", collection, Optional.empty(), Optional.of(body));
    }

    public Batch replace(String collection, String id, Object body) {
        return add("replace", collection, Optional.of(id), Optional.of(body));
    }

    /** A merge patch, or an {@link Update} by operators. */
    public Batch patch(String collection, String id, Object body) {
        return add(
                "patch",
                collection,
                Optional.of(id),
                Optional.of(body instanceof Update update ? update.toJson() : body));
    }

    public Batch delete(String collection, String id) {
        return add("delete", collection, Optional.of(id), Optional.empty());
    }

    /** The last operation (a replace, patch or delete) happens only at this version of its document. */
    public Batch ifVersion(long version) {
        last("ifVersion").put("version", version);
        return this;
    }

    /** The last operation happens only while its document matches the filter; else the whole batch is undone. */
    public Batch condition(Filter filter) {
        last("condition").set("if", filter.toJson());
        return this;
    }

    /** Sends the batch. */
    public List<BatchResult> commit() {
        return commit(WriteOptions.none());
    }

    /** Sends the batch with an idempotency key: sent again with the same key, it is done once. */
    public List<BatchResult> commit(String idempotencyKey) {
        return commit(WriteOptions.none().idempotencyKey(idempotencyKey));
    }

    private List<BatchResult> commit(WriteOptions options) {
        ArrayNode list = JsonValues.object().arrayNode();
        operations.forEach(list::add);
        JsonNode answer = transport.sendJson(
                options.apply(transport.json(Transport.Call.of("POST", path), Map.of("operations", list))));
        List<BatchResult> results = new ArrayList<>();
        for (JsonNode result : answer.path("results")) {
            results.add(new BatchResult(
                    result.path("op").asString(),
                    result.has("document") ? Optional.of(result.get("document")) : Optional.empty(),
                    result.has("id") ? Optional.of(result.get("id").asString()) : Optional.empty()));
        }
        return results;
    }

    private Batch add(String op, String collection, Optional<String> id, Optional<Object> body) {
        ObjectNode operation = JsonValues.object();
        operation.put("op", op);
        operation.put("collection", collection);
        id.ifPresent(value -> operation.put("id", value));
        body.ifPresent(value -> operation.set("body", JsonValues.of(value)));
        operations.add(operation);
        return this;
    }

    private ObjectNode last(String what) {
        if (operations.isEmpty()) {
            throw new IllegalStateException(what + " applies to an operation: add one first");
        }
        return operations.get(operations.size() - 1);
    }
}
