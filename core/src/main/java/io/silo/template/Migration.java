package io.silo.template;

import java.util.List;

/**
 * One versioned step of a template. A database at version {@code n} is brought to the template's
 * version in one transaction: the declared tables that are missing, the operations of every step
 * after {@code n} in order, then the declared indexes and unique keys that are missing (see
 * {@code docs/templates.md}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param version 1, 2, 3 ... without gaps
 * @param description one line for people
 * @param operations data changes beyond what the collections declare, in order
 */
public record Migration(int version, String description, List<Operation> operations) {

    public Migration {
        operations = List.copyOf(operations);
    }

    /** A data change. */
    public sealed interface Operation {
        /** Renames a top-level field in every document of a collection. */
        record RenameField(String collection, String from, String to) implements Operation {}

        /** Sets a top-level field where it is missing. */
        record SetDefault(String collection, String field, tools.jackson.databind.JsonNode value)
                implements Operation {}

        /** Drops an index that the collections no longer declare. */
        record DropIndex(String collection, List<FieldPath> fields) implements Operation {}

        /** Raw SQL for what nothing else expresses; runs as the cluster administrator. */
        record Sql(String statement) implements Operation {}
    }
}
