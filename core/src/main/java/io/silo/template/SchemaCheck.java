package io.silo.template;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.HashSet;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Checks that a collection's schema is a valid JSON Schema (draft 2020-12) for objects, and
 * self-contained: a template must not depend on fetching anything at start-up.
 *
 * <p>Thread-safe.
 */
final class SchemaCheck {
    static final String DIALECT = SpecificationVersion.DRAFT_2020_12.getDialectId();

    private static final SchemaRegistry REGISTRY =
            SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private SchemaCheck() {}

    /** The meta-schema, loaded on first use from the validator's own jar (a quarter of a second). */
    private static final class Meta {
        static final Schema SCHEMA = REGISTRY.getSchema(SchemaLocation.of(DIALECT));
    }

    static void check(Node schema) {
        JsonNode json = schema.json();
        if (!json.isObject()) {
            schema.problem(schema.shown() + " is not a JSON Schema (a mapping)");
            return;
        }
        // & rather than &&: every check runs, so that one start-up shows every problem
        boolean clean =
                dialect(schema) & objectType(schema) & localReferences(schema, json, schema.path()) & meta(schema);
        if (clean) {
            compile(schema);
        }
    }

    private static boolean dialect(Node schema) {
        Node declared = schema.get("$schema");
        if (declared.isMissing()
                || declared.json().asString().replaceFirst("#$", "").equals(DIALECT)) {
            return true;
        }
        declared.problem(declared.shown() + " is not draft 2020-12; leave $schema out or write " + DIALECT);
        return false;
    }

    private static boolean objectType(Node schema) {
        Node type = schema.get("type");
        if (type.json().isString() && type.json().stringValue().equals("object")) {
            return true;
        }
        type.problem((type.isMissing() ? "is missing" : type.shown() + " is wrong")
                + ": a collection holds objects, so write type: object");
        return false;
    }

    private static boolean localReferences(Node schema, JsonNode json, String path) {
        boolean clean = true;
        if (json.isObject()) {
            for (String key : json.propertyNames()) {
                JsonNode value = json.get(key);
                String child = path + "." + key;
                if ((key.equals("$ref") || key.equals("$dynamicRef"))
                        && value.isString()
                        && !value.stringValue().startsWith("#")) {
                    schema.problems()
                            .add(
                                    child,
                                    "'" + value.stringValue() + "' is not a local reference: a template's schemas"
                                            + " must be self-contained (use #/$defs/...)");
                    clean = false;
                }
                clean &= localReferences(schema, value, child);
            }
        } else if (json.isArray()) {
            for (int i = 0; i < json.size(); i++) {
                clean &= localReferences(schema, json.get(i), path + "[" + i + "]");
            }
        }
        return clean;
    }

    private static boolean meta(Node schema) {
        Set<String> seen = new HashSet<>();
        for (Error error : Meta.SCHEMA.validate(schema.json())) {
            String pointer = error.getInstanceLocation().toString();
            // one mistake often breaks several alternatives of the meta-schema; the first says it best
            if (seen.add(pointer)) {
                schema.problems().add(schema.pathOf(pointer), error.getMessage());
            }
        }
        return seen.isEmpty();
    }

    private static void compile(Node schema) {
        try {
            REGISTRY.getSchema(schema.json()).initializeValidators();
        } catch (SchemaException e) {
            schema.problem("is not a usable JSON Schema: " + e.getMessage());
        }
    }
}
