package io.silo.http.openapi;

import io.silo.http.openapi.ApiDescription.Operation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The mistakes a hand-written description makes that no validator reports: a {@code $ref} to
 * nothing, a path parameter not declared, an operation that needs a token but documents no 401,
 * a schema keyword misspelt (JSON Schema ignores unknown keywords), a YAML key left without a
 * value (a comma inside a flow mapping does that).
 *
 * <p>Stateless.
 */
final class DocumentLint {
    private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([^}]+)}");
    private static final Set<String> KEYWORDS = Set.of(
            "$schema",
            "$id",
            "$ref",
            "$anchor",
            "$dynamicRef",
            "$dynamicAnchor",
            "$vocabulary",
            "$comment",
            "$defs",
            "allOf",
            "anyOf",
            "oneOf",
            "not",
            "if",
            "then",
            "else",
            "dependentSchemas",
            "prefixItems",
            "items",
            "contains",
            "properties",
            "patternProperties",
            "additionalProperties",
            "propertyNames",
            "unevaluatedItems",
            "unevaluatedProperties",
            "type",
            "const",
            "enum",
            "multipleOf",
            "maximum",
            "exclusiveMaximum",
            "minimum",
            "exclusiveMinimum",
            "maxLength",
            "minLength",
            "pattern",
            "maxItems",
            "minItems",
            "uniqueItems",
            "maxContains",
            "minContains",
            "maxProperties",
            "minProperties",
            "required",
            "dependentRequired",
            "format",
            "contentEncoding",
            "contentMediaType",
            "contentSchema",
            "title",
            "description",
            "default",
            "deprecated",
            "readOnly",
            "writeOnly",
            "examples",
            "discriminator",
            "xml",
            "externalDocs",
            "example");
    private static final Set<String> SCHEMA_MAPS =
            Set.of("$defs", "properties", "patternProperties", "dependentSchemas");
    private static final Set<String> SCHEMA_LISTS = Set.of("allOf", "anyOf", "oneOf", "prefixItems");
    private static final Set<String> SCHEMAS = Set.of(
            "not",
            "if",
            "then",
            "else",
            "items",
            "contains",
            "additionalProperties",
            "propertyNames",
            "unevaluatedItems",
            "unevaluatedProperties",
            "contentSchema");
    /** Where a value is data, not description: null may be meant there. */
    private static final Set<String> VALUES = Set.of("const", "enum", "default", "example", "examples");

    private DocumentLint() {}

    static List<String> problems(ApiDescription description) {
        JsonNode document = description.document();
        List<String> problems = new ArrayList<>();
        walk(document, document, "", problems);
        document.path("components")
                .path("schemas")
                .properties()
                .forEach(schema -> schema(schema.getValue(), "/components/schemas/" + schema.getKey(), problems));
        Set<String> tags = new HashSet<>(document.path("tags").findValuesAsString("name"));
        Set<String> ids = new HashSet<>();
        for (Operation operation : description.operations()) {
            problems.addAll(operation(description, operation, tags, ids));
        }
        return problems;
    }

    private static List<String> operation(
            ApiDescription description, Operation operation, Set<String> tags, Set<String> ids) {
        List<String> problems = new ArrayList<>();
        String label = operation.label();
        JsonNode node = operation.node();
        if (!ids.add(operation.id())) {
            problems.add(label + ": operationId " + operation.id() + " is not unique");
        }
        node.path("tags")
                .valueStream()
                .filter(tag -> !tags.contains(tag.asString()))
                .forEach(tag -> problems.add(label + ": undeclared tag " + tag));
        if (!node.has("security") || !node.has("x-silo-caller")) {
            problems.add(label + ": says neither who may call it (x-silo-caller) nor how (security)");
        }
        JsonNode security = node.path("security");
        boolean anonymous = security.isEmpty() || security.valueStream().anyMatch(JsonNode::isEmpty);
        if (!anonymous && !node.path("responses").has("401")) {
            problems.add(label + ": needs a token but documents no 401");
        }
        if (node.has("requestBody")
                && !(node.path("responses").has("400") && node.path("responses").has("413"))) {
            problems.add(label + ": takes a body but documents no 400 or 413");
        }
        problems.addAll(pathParameters(description, operation));
        return problems;
    }

    private static List<String> pathParameters(ApiDescription description, Operation operation) {
        Set<String> inTemplate = new TreeSet<>();
        Matcher matcher = PATH_PARAMETER.matcher(operation.template());
        while (matcher.find()) {
            inTemplate.add(matcher.group(1));
        }
        Set<String> declared = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        String pathItem = operation.pointer().replaceFirst("/[a-z]+$", "");
        for (String place : List.of(pathItem + "/parameters", operation.pointer() + "/parameters")) {
            for (int i = 0; i < description.document().at(place).size(); i++) {
                JsonNode parameter = description.locate(place + "/" + i).node();
                if (parameter.path("in").asString().equals("path")) {
                    declared.add(parameter.path("name").asString());
                    if (!parameter.path("required").asBoolean(false)) {
                        problems.add(operation.label() + ": path parameter "
                                + parameter.path("name").asString() + " is not required");
                    }
                }
            }
        }
        if (!declared.equals(inTemplate)) {
            problems.add(
                    operation.label() + ": path parameters declared " + declared + ", in the template " + inTemplate);
        }
        return problems;
    }

    /** References resolve, no member is null by accident, and every {@code schema} member is checked as a schema. */
    private static void walk(JsonNode document, JsonNode node, String at, List<String> problems) {
        if (node.isObject()) {
            JsonNode ref = node.get("$ref");
            if (ref != null
                    && ref.isString()
                    && (!ref.asString().startsWith("#/")
                            || document.at(ref.asString().substring(1)).isMissingNode())) {
                problems.add(at + ": $ref " + ref.asString() + " resolves to nothing in this document");
            }
            for (Map.Entry<String, JsonNode> member : node.properties()) {
                String child = at + "/" + ApiDescription.escape(member.getKey());
                if (member.getValue().isNull() && !VALUES.contains(member.getKey())) {
                    problems.add(child + " is null: a YAML key without a value?");
                }
                if (member.getKey().equals("schema")) {
                    schema(member.getValue(), child, problems);
                }
                if (!VALUES.contains(member.getKey())) { // an example is data: a null in it is meant
                    walk(document, member.getValue(), child, problems);
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(document, node.get(i), at + "/" + i, problems);
            }
        }
    }

    private static void schema(JsonNode schema, String at, List<String> problems) {
        if (!schema.isObject()) {
            if (!schema.isBoolean()) {
                problems.add(at + " is neither a schema object nor a boolean");
            }
            return;
        }
        for (Map.Entry<String, JsonNode> member : schema.properties()) {
            String keyword = member.getKey();
            String child = at + "/" + ApiDescription.escape(keyword);
            if (!KEYWORDS.contains(keyword) && !keyword.startsWith("x-")) {
                problems.add(child + ": '" + keyword + "' is no JSON Schema keyword");
            } else if (SCHEMA_MAPS.contains(keyword)) {
                member.getValue()
                        .properties()
                        .forEach(sub ->
                                schema(sub.getValue(), child + "/" + ApiDescription.escape(sub.getKey()), problems));
            } else if (SCHEMA_LISTS.contains(keyword)) {
                for (int i = 0; i < member.getValue().size(); i++) {
                    schema(member.getValue().get(i), child + "/" + i, problems);
                }
            } else if (SCHEMAS.contains(keyword)) {
                schema(member.getValue(), child, problems);
            }
        }
    }
}
