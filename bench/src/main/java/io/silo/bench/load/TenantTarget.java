package io.silo.bench.load;

import java.util.List;
import java.util.UUID;

/**
 * What the load knows of one tenant: the database its documents live in, access tokens of several
 * of its users, and the ids of its documents.
 *
 * @param slug the organization's slug
 * @param database the name of its database of the benchmarked service
 * @param tokens access tokens of its users, any of which may read and write the benchmarked collection
 * @param documents ids of documents in the benchmarked collection
 */
public record TenantTarget(String slug, String database, List<String> tokens, List<UUID> documents) {
    public TenantTarget {
        tokens = List.copyOf(tokens);
        documents = List.copyOf(documents);
        if (tokens.isEmpty() || documents.isEmpty()) {
            throw new IllegalArgumentException("tenant " + slug + " needs at least one token and one document");
        }
    }
}
