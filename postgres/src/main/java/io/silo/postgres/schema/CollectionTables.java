package io.silo.postgres.schema;

import io.silo.postgres.jdbc.Identifiers;
import io.silo.template.CollectionSpec.IndexSpec;
import io.silo.template.FieldPath;
import io.silo.template.IndexNames;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The SQL of a collection: its table, and its indexes as expressions on the document. The
 * collections engine must write its filters with the same expression,
 * {@code doc->'customer'->'id' = '"42"'::jsonb}, for PostgreSQL to use these indexes.
 *
 * <p>Thread-safe: stateless.
 */
public final class CollectionTables {
    private CollectionTables() {}

    /** {@code CREATE TABLE IF NOT EXISTS} of a collection, in the one layout every collection has. */
    public static String createTable(String collection) {
        return "CREATE TABLE IF NOT EXISTS " + Identifiers.quote(collection)
                + " (id uuid PRIMARY KEY, doc jsonb NOT NULL,"
                + " version bigint NOT NULL DEFAULT 1, created_at timestamptz NOT NULL DEFAULT now(),"
                + " updated_at timestamptz NOT NULL DEFAULT now())";
    }

    /** {@code CREATE INDEX IF NOT EXISTS} of a secondary index, named by {@link IndexNames#index}. */
    public static String createIndex(String collection, IndexSpec index) {
        return "CREATE INDEX IF NOT EXISTS " + Identifiers.quote(IndexNames.index(collection, index.fields())) + " ON "
                + Identifiers.quote(collection) + " (" + columns(index.fields(), index.descending()) + ")";
    }

    /** {@code CREATE UNIQUE INDEX IF NOT EXISTS} of a unique key, named by {@link IndexNames#uniqueKey}. */
    public static String createUniqueKey(String collection, List<FieldPath> fields) {
        return "CREATE UNIQUE INDEX IF NOT EXISTS " + Identifiers.quote(IndexNames.uniqueKey(collection, fields))
                + " ON " + Identifiers.quote(collection) + " (" + columns(fields, false) + ")";
    }

    /** The JSONB expression of a field: {@code doc->'customer'->'id'}. */
    public static String fieldExpression(FieldPath path) {
        return "doc"
                + path.segments().stream()
                        .map(segment -> "->" + Identifiers.literal(segment))
                        .collect(Collectors.joining());
    }

    private static String columns(List<FieldPath> fields, boolean descending) {
        return fields.stream()
                .map(path -> "(" + fieldExpression(path) + ")" + (descending ? " DESC" : ""))
                .collect(Collectors.joining(", "));
    }
}
