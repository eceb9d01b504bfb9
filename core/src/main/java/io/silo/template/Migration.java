package io.silo.template;

import java.util.List;

/**
 * One versioned step of a template. A database at version {@code n} is brought to {@code n+1}
 * by creating what the collections declare that is missing (tables, indexes, unique keys) and
 * then running the step's operations, all in one transaction.
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
        record SetDefault(String collection, String field, tools.jackson.databind.JsonNode value) implements Operation {}

        /** Drops an index that the collections no longer declare. */
        record DropIndex(String collection, List<FieldPath> fields) implements Operation {}

        /** Raw SQL for what nothing else expresses; runs as the cluster administrator. */
        record Sql(String statement) implements Operation {}
    }
}
