package io.silo.http.openapi;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import io.silo.json.Json;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;

/**
 * The API description as the server serves it: its operations, which operation a request path
 * reaches, and JSON Schema validation of a value against any schema in the document, with the
 * document's {@code $ref}s resolved (networknt, draft 2020-12, formats asserted).
 *
 * <p>Thread-safe.
 */
final class ApiDescription {
    /** The document's base IRI for the validator; nothing is fetched from it. */
    private static final String BASE = "https://silo.test/openapi.json";

    private static final List<String> METHODS =
            List.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

    /** One operation: method (upper case), path template, and where it sits in the document. */
    record Operation(String method, String template, String pointer, JsonNode node) {
        String id() {
            return node.path("operationId").asString();
        }

        String label() {
            return method + " " + template;
        }
    }

    /** A node of the document and its JSON Pointer, after following {@code $ref}s. */
    record Located(String pointer, JsonNode node) {}

    private final JsonNode document;
    private final List<Operation> operations;
    private final SchemaRegistry registry;
    private final Map<String, Schema> compiled = new ConcurrentHashMap<>();

    ApiDescription(String text) {
        this.document = Json.read(text);
        this.operations = operations(document);
        this.registry = SchemaRegistry.withDefaultDialect(
                SpecificationVersion.DRAFT_2020_12,
                builder -> builder.schemaRegistryConfig(SchemaRegistryConfig.builder()
                                .pathType(PathType.JSON_POINTER)
                                .formatAssertionsEnabled(true)
                                .locale(Locale.ENGLISH)
                                .build())
                        .schemas(Map.of(BASE, text)));
    }

    JsonNode document() {
        return document;
    }

    List<Operation> operations() {
        return operations;
    }

    /** The operation a request reaches: of its method, the template matching the path, literal segments first. */
    Optional<Operation> find(String method, String path) {
        return operations.stream()
                .filter(operation -> operation.method().equals(method) && matches(operation.template(), path))
                .max(Comparator.comparing(operation -> specificity(operation.template())));
    }

    /** Whether some operation, of any method, has a template matching the path. */
    boolean pathKnown(String path) {
        return operations.stream().anyMatch(operation -> matches(operation.template(), path));
    }

    /** The node at {@code pointer}, following {@code $ref}s to other places of this document. */
    Located locate(String pointer) {
        JsonNode node = document.at(pointer);
        String at = pointer;
        for (int hops = 0; node.has("$ref"); hops++) {
            String ref = node.path("$ref").asString();
            if (!ref.startsWith("#/") || hops > 10) {
                throw new AssertionError("unsupported or cyclic $ref '" + ref + "' at " + at);
            }
            at = ref.substring(1);
            node = document.at(at);
            if (node.isMissingNode()) {
                throw new AssertionError("$ref '" + ref + "' resolves to nothing");
            }
        }
        return new Located(at, node);
    }

    /** The messages of every way {@code value} fails the schema at {@code pointer}; empty when it passes. */
    List<String> validate(String pointer, JsonNode value) {
        Schema schema = compiled.computeIfAbsent(
                pointer, key -> registry.getSchema(SchemaLocation.of(BASE + "#" + fragment(key))));
        List<String> messages = new ArrayList<>();
        for (Error error : schema.validate(value)) {
            messages.add(error.getInstanceLocation() + " " + error.getMessage());
        }
        return messages;
    }

    /** A JSON Pointer member name, escaped (RFC 6901). */
    static String escape(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }

    private static String fragment(String pointer) {
        return pointer.replace("%", "%25")
                .replace("{", "%7B")
                .replace("}", "%7D")
                .replace(" ", "%20");
    }

    private static List<Operation> operations(JsonNode document) {
        List<Operation> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : document.path("paths").properties()) {
            for (String method : METHODS) {
                JsonNode operation = path.getValue().get(method);
                if (operation != null) {
                    out.add(new Operation(
                            method.toUpperCase(Locale.ROOT),
                            path.getKey(),
                            "/paths/" + escape(path.getKey()) + "/" + method,
                            operation));
                }
            }
        }
        return List.copyOf(out);
    }

    static boolean matches(String template, String path) {
        String[] expected = template.split("/", -1);
        String[] actual = path.split("/", -1);
        if (expected.length != actual.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            boolean parameter = expected[i].startsWith("{") && expected[i].endsWith("}");
            if (parameter ? actual[i].isEmpty() : !expected[i].equals(actual[i])) {
                return false;
            }
        }
        return true;
    }

    /** Literal segments rank before parameters, from the left, as OpenAPI and Javalin's registration order agree here. */
    private static String specificity(String template) {
        StringBuilder rank = new StringBuilder();
        for (String segment : template.split("/", -1)) {
            rank.append(segment.startsWith("{") ? '0' : '1');
        }
        return rank.toString();
    }
}
