package io.silo.postgres.collection;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import io.silo.error.ProblemType;
import io.silo.json.Json;
import io.silo.template.CollectionSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The compiled JSON Schemas (draft 2020-12) of collections, each compiled once and cached by its
 * content, so that equal schemas of different tenants share one compiled form. Schemas are
 * compiled with remote references disabled: a template can only refer to the standard
 * meta-schemas, never make Silo fetch a URL. Format assertions ({@code email},
 * {@code date-time} …) are enforced.
 *
 * <p>Thread-safe.
 */
final class Schemas {
    /** The most violations one problem document lists. */
    static final int MAX_ERRORS = 100;

    private static final Set<String> NAMES_PROPERTY =
            Set.of("required", "dependentRequired", "additionalProperties", "unevaluatedProperties");

    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaRegistryConfig(SchemaRegistryConfig.builder()
                            .pathType(PathType.JSON_POINTER)
                            .formatAssertionsEnabled(true)
                            .locale(Locale.ENGLISH)
                            .build())
                    .schemaLoader(
                            loader -> loader.allow(iri -> iri.toString().startsWith("https://json-schema.org/"))));
    private final Cache<String, Compiled> compiled =
            Caffeine.newBuilder().maximumSize(1_000).build();

    /** The compiled schema of a collection; a collection without one accepts any object. */
    Compiled of(CollectionSpec spec) {
        if (spec.schema().isEmpty()) {
            return Compiled.OPEN;
        }
        JsonNode schema = spec.schema().get();
        return compiled.get(Json.write(schema), key -> compile(spec.name(), schema));
    }

    private Compiled compile(String collection, JsonNode schema) {
        try {
            Schema compiledSchema = registry.getSchema(schema);
            compiledSchema.initializeValidators();
            return new Compiled(Optional.of(compiledSchema), closedProperties(schema));
        } catch (SchemaException | IllegalArgumentException e) {
            throw ProblemType.INVALID_SCHEMA.exception(
                    "the JSON Schema of collection '" + collection + "' does not compile: " + e.getMessage(), e);
        }
    }

    /**
     * The top-level properties a schema allows when it says {@code additionalProperties: false}
     * (and has no {@code patternProperties}, which would admit more names); empty when open.
     */
    private static Optional<Set<String>> closedProperties(JsonNode schema) {
        JsonNode additional = schema.path("additionalProperties");
        if (!additional.isBoolean() || additional.booleanValue() || schema.has("patternProperties")) {
            return Optional.empty();
        }
        return Optional.of(Set.copyOf(schema.path("properties").propertyNames()));
    }

    /** One compiled schema. */
    record Compiled(Optional<Schema> schema, Optional<Set<String>> closedProperties) {
        static final Compiled OPEN = new Compiled(Optional.empty(), Optional.empty());

        /** Throws {@code schema-violation} listing every failing location as a JSON Pointer. */
        void validate(JsonNode doc, String collection) {
            if (schema.isEmpty()) {
                return;
            }
            List<Error> errors = schema.get().validate(doc);
            if (errors.isEmpty()) {
                return;
            }
            List<Map<String, String>> listed = new ArrayList<>();
            for (Error error : errors.subList(0, Math.min(errors.size(), MAX_ERRORS))) {
                Map<String, String> entry = new LinkedHashMap<>();
                entry.put("path", pathOf(error));
                entry.put("message", error.getMessage());
                listed.add(entry);
            }
            throw ProblemType.SCHEMA_VIOLATION
                    .exception("the document does not match the schema of collection '"
                            + collection + "': " + listed.getFirst().get("path") + " "
                            + listed.getFirst().get("message")
                            + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : ""))
                    .with("errors", listed);
        }

        /** The instance location; for a missing or unexpected property, the location of that property. */
        private static String pathOf(Error error) {
            String location = error.getInstanceLocation().toString();
            if (error.getProperty() != null && NAMES_PROPERTY.contains(error.getKeyword())) {
                return location + "/" + error.getProperty().replace("~", "~0").replace("/", "~1");
            }
            return location;
        }
    }
}
