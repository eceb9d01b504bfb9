package io.silo.postgres.collection;

import java.util.List;
import java.util.Optional;

/**
 * One page of a query's documents.
 *
 * <p>Immutable and thread-safe.
 *
 * @param items the documents, in the query's order
 * @param nextCursor where the next page starts; empty on the last page
 */
public record Page(List<Document> items, Optional<String> nextCursor) {
    public Page {
        items = List.copyOf(items);
    }
}
