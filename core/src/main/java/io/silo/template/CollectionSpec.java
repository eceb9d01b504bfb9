package io.silo.template;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * A collection: a table of JSON documents in a tenant database.
 *
 * @param name the collection name; lower case, letters, digits and {@code _}; also its table name
 * @param schema the JSON Schema (draft 2020-12) every document must satisfy; empty accepts any object
 * @param indexes secondary indexes, each on one or more field paths
 * @param unique unique keys, each a list of field paths; a duplicate is a 409
 * @param privateFields top-level fields stored but never returned (e.g. a password hash)
 * @param references top-level field to what its value (or each string of its array) must name: the
 *     {@code _id} of a document of another collection, or, for {@link #USERS}, a user of the organization
 * @param files what files its documents may carry; empty: none
 * @param sequences the fields an insert numbers when they are absent, by field, in template order
 */
public record CollectionSpec(
        String name,
        Optional<JsonNode> schema,
        List<IndexSpec> indexes,
        List<List<FieldPath>> unique,
        Set<String> privateFields,
        Map<String, String> references,
        Optional<FileRules> files,
        Map<String, SequenceSpec> sequences) {
    /** The reference target that means the organization's users rather than a collection. */
    public static final String USERS = "users";

    public CollectionSpec {
        indexes = List.copyOf(indexes);
        unique = unique.stream().map(List::copyOf).toList();
        privateFields = Set.copyOf(privateFields);
        references = Map.copyOf(references);
        // in template order: an insert advances its counters in this order, the same in every transaction
        sequences = Collections.unmodifiableMap(new LinkedHashMap<>(sequences));
    }

    /** A collection without references or sequences. */
    public CollectionSpec(
            String name,
            Optional<JsonNode> schema,
            List<IndexSpec> indexes,
            List<List<FieldPath>> unique,
            Set<String> privateFields) {
        this(name, schema, indexes, unique, privateFields, Map.of());
    }

    /** A collection whose documents carry no files and number nothing. */
    public CollectionSpec(
            String name,
            Optional<JsonNode> schema,
            List<IndexSpec> indexes,
            List<List<FieldPath>> unique,
            Set<String> privateFields,
            Map<String, String> references) {
        this(name, schema, indexes, unique, privateFields, references, Optional.empty(), Map.of());
    }

    /**
     * This collection as a role that may not see {@code hidden} uses it: those fields become private
     * too, so they are neither returned nor usable in a query, and a replace keeps them.
     */
    public CollectionSpec hiding(Set<String> hidden) {
        if (hidden.isEmpty()) {
            return this;
        }
        Set<String> invisible = new java.util.HashSet<>(privateFields);
        invisible.addAll(hidden);
        return new CollectionSpec(name, schema, indexes, unique, invisible, references, files, sequences);
    }

    /** A secondary index on field paths; {@code descending} applies to every path. */
    public record IndexSpec(List<FieldPath> fields, boolean descending) {
        public IndexSpec {
            fields = List.copyOf(fields);
        }
    }
}
