package io.silo.client;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import tools.jackson.databind.JsonNode;

/**
 * One collection of a service, as the signed-in member may use it: queries, counts, groupings, and
 * writes of documents read as {@code T} (a {@link JsonNode}, or a class of the application's that
 * Jackson maps; meta fields are {@code _id}, {@code _version}, {@code _createdAt}, {@code _updatedAt}).
 *
 * <p>Thread-safe.
 */
public final class Collection<T> {
    private final Transport transport;
    private final String service;
    private final String name;
    private final Class<T> type;
    private final String path;

    Collection(Transport transport, String service, String name, Class<T> type) {
        this.transport = transport;
        this.service = service;
        this.name = name;
        this.type = type;
        this.path = "/api/data/" + Transport.segment(service) + "/" + Transport.segment(name);
    }

    public String service() {
        return service;
    }

    public String name() {
        return name;
    }

    /** One page of the documents the query matches. */
    public Page<T> query(Query query) {
        JsonNode page = transport.sendJson(query.apply(Transport.Call.of("GET", path)));
        List<T> items = new ArrayList<>();
        page.path("items").forEach(item -> items.add(map(item)));
        JsonNode next = page.path("nextCursor");
        return new Page<>(items, next.isString() ? Optional.of(next.asString()) : Optional.empty());
    }

    /** Every document the query matches, page after page as the stream is read. */
    public Stream<T> stream(Query query) {
        Iterator<T> documents = new Iterator<>() {
            private Page<T> page = query(query);
            private int index;

            @Override
            public boolean hasNext() {
                while (index == page.items().size() && page.nextCursor().isPresent()) {
                    page = query(query.cursor(page.nextCursor().get()));
                    index = 0;
                }
                return index < page.items().size();
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return page.items().get(index++);
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(documents, Spliterator.ORDERED), false);
    }

    /** How many documents match. */
    public long count(Filter filter) {
        Transport.Call call = Transport.Call.of("GET", path + "/_count")
                .query("filter", filter.matchesAll() ? Optional.empty() : Optional.of(filter.toString()));
        return transport.sendJson(call).path("count").asLong();
    }

    /** Counts and sums per group (docs/query-language.md#grouping). */
    public GroupResult group(Grouping grouping) {
        JsonNode answer = transport.sendJson(grouping.apply(Transport.Call.of("GET", path + "/_group")));
        return transport.mapper().treeToValue(answer, GroupResult.class);
    }

    /** The document; 404 {@code document-not-found} is thrown. */
    public T get(String id) {
        return map(transport.sendJson(Transport.Call.of("GET", document(id))));
    }

    /** The document, or empty when there is none with this id (or none within the caller's reach). */
    public Optional<T> find(String id) {
        try {
            return Optional.of(get(id));
        } catch (SiloProblemException e) {
            if (e.is("document-not-found")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Stores a new document ({@code _id} may be given) and answers it as stored. */
    public T insert(Object document) {
        return insert(document, WriteOptions.none());
    }

    public T insert(Object document, WriteOptions options) {
        return write(options.apply(transport.json(Transport.Call.of("POST", path), document)));
    }

    /** Replaces the document's body. */
    public T replace(String id, Object document, WriteOptions options) {
        return write(options.apply(transport.json(Transport.Call.of("PUT", document(id)), document)));
    }

    /** A JSON merge patch (RFC 7386): {@code null} removes a member. */
    public T patch(String id, Object mergePatch, WriteOptions options) {
        return write(options.apply(transport.json(Transport.Call.of("PATCH", document(id)), mergePatch)));
    }

    /** Changes the document by update operators ({@code $inc} …). */
    public T update(String id, Update update, WriteOptions options) {
        return write(options.apply(transport.json(Transport.Call.of("PATCH", document(id)), update.toJson())));
    }

    public void delete(String id) {
        delete(id, WriteOptions.none());
    }

    public void delete(String id, WriteOptions options) {
        transport.send(options.apply(Transport.Call.of("DELETE", document(id))));
    }

    /** The files of one document (for a collection whose template takes files). */
    public DocumentFiles files(String id) {
        return new DocumentFiles(transport, document(id));
    }

    private String document(String id) {
        return path + "/" + Transport.segment(id);
    }

    private T write(Transport.Call call) {
        return map(transport.sendJson(call));
    }

    private T map(JsonNode node) {
        return type == JsonNode.class ? type.cast(node) : transport.mapper().treeToValue(node, type);
    }

    @Override
    public String toString() {
        return "Collection[" + service + "/" + name + "]";
    }
}
