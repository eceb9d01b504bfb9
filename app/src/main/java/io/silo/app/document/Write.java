package io.silo.app.document;

import io.silo.postgres.collection.Document;
import io.silo.postgres.collection.query.Filter;
import io.silo.template.CollectionRule;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * One write of a document: an insert, a replace, a patch (merge patch or update operators) or a
 * delete, on a collection of the scope's service; alone or in a batch. {@code expectedVersion}, when
 * present, must be the document's current version; {@code condition}, when present, a filter it
 * must match.
 */
public sealed interface Write {
    String collection();

    /** The name clients use for the operation, and that activity rows record as {@code document.<op>}. */
    default String op() {
        return switch (this) {
            case Insert insert -> "insert";
            case Replace replace -> "replace";
            case Patch patch -> "patch";
            case Delete delete -> "delete";
        };
    }

    /** The kind of write, as a role's rule may limit it. */
    default CollectionRule.Write kind() {
        return switch (this) {
            case Insert insert -> CollectionRule.Write.INSERT;
            case Replace replace -> CollectionRule.Write.UPDATE;
            case Patch patch -> CollectionRule.Write.UPDATE;
            case Delete delete -> CollectionRule.Write.DELETE;
        };
    }

    record Insert(String collection, JsonNode body) implements Write {
        public Insert {
            Objects.requireNonNull(collection);
            Objects.requireNonNull(body);
        }
    }

    record Replace(String collection, UUID id, JsonNode body, OptionalLong expectedVersion, Optional<Filter> condition)
            implements Write {
        public Replace {
            Objects.requireNonNull(collection);
            Objects.requireNonNull(id);
            Objects.requireNonNull(body);
            Objects.requireNonNull(expectedVersion);
            Objects.requireNonNull(condition);
        }
    }

    record Patch(String collection, UUID id, JsonNode body, OptionalLong expectedVersion, Optional<Filter> condition)
            implements Write {
        public Patch {
            Objects.requireNonNull(collection);
            Objects.requireNonNull(id);
            Objects.requireNonNull(body);
            Objects.requireNonNull(expectedVersion);
            Objects.requireNonNull(condition);
        }
    }

    record Delete(String collection, UUID id, OptionalLong expectedVersion, Optional<Filter> condition)
            implements Write {
        public Delete {
            Objects.requireNonNull(collection);
            Objects.requireNonNull(id);
            Objects.requireNonNull(expectedVersion);
            Objects.requireNonNull(condition);
        }
    }

    /**
     * What a write did: the document as stored after it, or nothing for a delete.
     *
     * @param document empty for a delete
     */
    record Result(Write write, UUID id, Optional<Document> document) {}
}
