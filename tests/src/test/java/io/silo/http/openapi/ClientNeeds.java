package io.silo.http.openapi;

import io.silo.http.openapi.ApiDescription.Located;
import io.silo.http.openapi.ApiDescription.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * What the clients generated from the description ({@code clients/typescript}'s types, and any other
 * code generator) need of every operation, which a description can omit and still be valid: a name
 * ({@code operationId}) and a summary; a schema for every body it takes and gives, so that no call is
 * typed {@code unknown}; a problem schema for every refusal; and an example of every JSON request
 * body that passes the body's own schema, so that a reader sees a call that works.
 *
 * <p>Stateless.
 */
final class ClientNeeds {
    private ClientNeeds() {}

    static List<String> problems(ApiDescription description) {
        List<String> problems = new ArrayList<>();
        for (Operation operation : description.operations()) {
            problems.addAll(operation(description, operation));
        }
        return problems;
    }

    private static List<String> operation(ApiDescription description, Operation operation) {
        List<String> problems = new ArrayList<>();
        String label = operation.label();
        JsonNode node = operation.node();
        if (node.path("operationId").asString("").isBlank()
                || node.path("summary").asString("").isBlank()) {
            problems.add(label + ": a client names it by operationId and shows its summary; one is missing");
        }
        if (node.has("requestBody")) {
            problems.addAll(requestBody(description, operation));
        }
        boolean succeeds = false;
        for (Map.Entry<String, JsonNode> response : node.path("responses").properties()) {
            String status = response.getKey();
            succeeds |= status.startsWith("2");
            Located located = description.locate(operation.pointer() + "/responses/" + ApiDescription.escape(status));
            JsonNode content = located.node().path("content");
            boolean needsBody = status.equals("200") || status.equals("201") || status.matches("[45]..");
            if (needsBody && content.isEmpty()) {
                problems.add(label + " " + status + ": no content documented, so a client cannot type the answer");
            }
            for (Map.Entry<String, JsonNode> media : content.properties()) {
                if (media.getValue().path("schema").isEmpty()) {
                    problems.add(label + " " + status + " " + media.getKey() + ": no schema");
                }
            }
            if (status.matches("[45]..")
                    && !content.has("application/problem+json")
                    && !content.has("application/json")) {
                problems.add(label + " " + status + ": a refusal is a problem document, but none is documented");
            }
        }
        if (!succeeds) {
            problems.add(label + ": no success (2xx) is documented");
        }
        return problems;
    }

    private static List<String> requestBody(ApiDescription description, Operation operation) {
        List<String> problems = new ArrayList<>();
        String label = operation.label();
        Located body = description.locate(operation.pointer() + "/requestBody");
        if (!body.node().has("required")) {
            problems.add(label + ": the request body does not say whether it is required");
        }
        for (Map.Entry<String, JsonNode> media : body.node().path("content").properties()) {
            String schemaPointer = body.pointer() + "/content/" + ApiDescription.escape(media.getKey()) + "/schema";
            if (media.getValue().path("schema").isEmpty()) {
                problems.add(label + " request " + media.getKey() + ": no schema");
                continue;
            }
            if (!media.getKey().endsWith("json")) {
                continue; // a file goes as it is: there is nothing to show but its bytes
            }
            List<JsonNode> examples = examples(description, media.getValue(), schemaPointer);
            if (examples.isEmpty()) {
                problems.add(label + " request " + media.getKey()
                        + ": no example (example or examples on the media type, or examples on its schema)");
            }
            for (int i = 0; i < examples.size(); i++) {
                for (String message : description.validate(schemaPointer, examples.get(i))) {
                    problems.add(label + " request example " + i + " fails its own schema: " + message);
                }
            }
        }
        return problems;
    }

    /** The examples of a media type: its {@code example}, its {@code examples} map, else its schema's {@code examples}. */
    private static List<JsonNode> examples(ApiDescription description, JsonNode media, String schemaPointer) {
        List<JsonNode> examples = new ArrayList<>();
        if (media.has("example")) {
            examples.add(media.get("example"));
        }
        media.path("examples").forEach(example -> examples.add(example.path("value")));
        if (examples.isEmpty()) {
            JsonNode schema = description.locate(schemaPointer).node();
            schema.path("examples").forEach(examples::add);
            if (schema.has("example")) {
                examples.add(schema.get("example"));
            }
        }
        return examples;
    }
}
