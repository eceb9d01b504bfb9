package io.silo.http.openapi;

import io.silo.http.openapi.ApiDescription.Located;
import io.silo.http.openapi.ApiDescription.Operation;
import io.silo.json.Json;
import io.silo.testing.SiloClient;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.StringNode;

/**
 * Holds real exchanges against the API description: the status must be documented for the
 * operation the request reached, and the content type, the body and the required headers must
 * match what the document says for that status. A request the server accepted must match the
 * documented request body and name only documented query parameters. Requests to routes the
 * document does not have must be answered 404 {@code route-not-found} or 405
 * {@code method-not-allowed}. A problem document names only the members the Problem schema declares,
 * which the clients read. Every mismatch is collected, so one run lists them all.
 *
 * <p>Thread-safe.
 */
final class ContractCheck {
    private final ApiDescription description;
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Set<Integer>> statuses = Collections.synchronizedMap(new TreeMap<>());

    ContractCheck(ApiDescription description) {
        this.description = description;
    }

    /** What went wrong so far, one line per mismatch. */
    List<String> violations() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }

    /** The statuses seen per operation id. */
    Map<String, Set<Integer>> statuses() {
        synchronized (statuses) {
            return Map.copyOf(statuses);
        }
    }

    void check(String method, String target, Optional<Object> body, SiloClient.Response response) {
        URI uri = URI.create(target);
        String path = normalized(uri.getPath());
        String exchange = method + " " + target + " -> " + response.status();
        List<String> found = new ArrayList<>();
        if (response.header("X-Request-Id").isEmpty()) {
            found.add("no X-Request-Id header");
        }
        Optional<Operation> operation = description.find(method, path);
        if (operation.isPresent()) {
            statuses.computeIfAbsent(operation.get().id(), id -> Collections.synchronizedSet(new TreeSet<>()))
                    .add(response.status());
            found.addAll(documented(operation.get(), uri, body, response));
        } else {
            found.addAll(undocumented(path, response));
        }
        found.forEach(
                problem -> violations.add(exchange + ": " + problem + "\n    body: " + abbreviate(response.text())));
    }

    private List<String> undocumented(String path, SiloClient.Response response) {
        boolean known = description.pathKnown(path);
        int expected = known ? 405 : 404;
        if (response.status() != expected) {
            return List.of("the document has no such operation, so the answer should be " + expected + ", not "
                    + response.status());
        }
        return response(
                description.locate("/components/responses/" + (known ? "MethodNotAllowed" : "RouteNotFound")),
                response);
    }

    private List<String> documented(Operation operation, URI uri, Optional<Object> body, SiloClient.Response response) {
        List<String> found = new ArrayList<>();
        String pointer = operation.pointer() + "/responses/" + response.status();
        if (description.document().at(pointer).isMissingNode()) {
            found.add("status " + response.status() + " is not documented for " + operation.label());
            return found;
        }
        found.addAll(response(description.locate(pointer), response));
        if (response.status() < 300) {
            found.addAll(request(operation, uri, body));
        }
        return found;
    }

    private List<String> response(Located documented, SiloClient.Response response) {
        List<String> found = new ArrayList<>(headers(documented, response));
        JsonNode content = documented.node().path("content");
        if (content.isMissingNode() || content.isEmpty()) {
            if (!response.text().isEmpty()) {
                found.add("the document says no body, but there is one");
            }
            return found;
        }
        if (response.text().isEmpty()) {
            found.add("the document says there is a body, but there is none");
            return found;
        }
        String type =
                response.header("Content-Type").map(ContractCheck::mediaType).orElse("");
        Optional<String> range = documentedRange(content, type);
        if (range.isEmpty()) {
            found.add("content type '" + type + "' is not documented; documented: " + content.propertyNames());
            return found;
        }
        String schema = documented.pointer() + "/content/" + ApiDescription.escape(range.get()) + "/schema";
        Optional<JsonNode> value = parse(type, response.text());
        if (value.isEmpty()) {
            found.add("the body is not JSON");
            return found;
        }
        description.validate(schema, value.get()).forEach(message -> found.add("body: " + message));
        if (type.equals("application/problem+json")) {
            found.addAll(undeclaredMembers(value.get()));
        }
        return found;
    }

    /**
     * The Problem schema stays open (a client must ignore members it does not know), so validation passes
     * any member; but the clients type problems from it, and read their extension members by its names.
     */
    private List<String> undeclaredMembers(JsonNode problem) {
        JsonNode declared = description.document().at("/components/schemas/Problem/properties");
        return problem.propertyNames().stream()
                .filter(member -> !declared.has(member))
                .map(member -> "problem member '" + member + "' is not declared in components/schemas/Problem")
                .toList();
    }

    private List<String> headers(Located documented, SiloClient.Response response) {
        List<String> found = new ArrayList<>();
        for (Map.Entry<String, JsonNode> header :
                documented.node().path("headers").properties()) {
            Located declared =
                    description.locate(documented.pointer() + "/headers/" + ApiDescription.escape(header.getKey()));
            Optional<String> value = response.header(header.getKey());
            if (value.isEmpty()) {
                if (declared.node().path("required").asBoolean(false)) {
                    found.add("required header " + header.getKey() + " is missing");
                }
                continue;
            }
            description
                    .validate(declared.pointer() + "/schema", StringNode.valueOf(value.get()))
                    .forEach(message -> found.add("header " + header.getKey() + ": " + message));
        }
        return found;
    }

    /** A request the server accepted must be one the document accepts too. */
    private List<String> request(Operation operation, URI uri, Optional<Object> body) {
        List<String> found = new ArrayList<>(queryParameters(operation, uri));
        Located requestBody =
                operation.node().has("requestBody") ? description.locate(operation.pointer() + "/requestBody") : null;
        if (requestBody == null) {
            return found;
        }
        if (body.isEmpty()) {
            if (requestBody.node().path("required").asBoolean(false)) {
                found.add("accepted a request without the required body");
            }
            return found;
        }
        if (!requestBody.node().path("content").has("application/json")) {
            return found; // a file, whatever its type
        }
        String schema = requestBody.pointer() + "/content/application~1json/schema";
        Optional<JsonNode> sent = body.get() instanceof String text
                ? parse("application/json", text)
                : Optional.of(Json.tree(body.get()));
        sent.ifPresent(json ->
                description.validate(schema, json).forEach(message -> found.add("accepted request body: " + message)));
        return found;
    }

    private List<String> queryParameters(Operation operation, URI uri) {
        if (uri.getRawQuery() == null) {
            return List.of();
        }
        Set<String> documented = new TreeSet<>();
        for (String place : List.of(
                operation.pointer() + "/parameters",
                operation.pointer().replaceFirst("/[a-z]+$", "") + "/parameters")) {
            JsonNode parameters = description.document().at(place);
            for (int i = 0; i < parameters.size(); i++) {
                JsonNode parameter = description.locate(place + "/" + i).node();
                if (parameter.path("in").asString().equals("query")) {
                    documented.add(parameter.path("name").asString());
                }
            }
        }
        List<String> found = new ArrayList<>();
        for (String pair : uri.getRawQuery().split("&")) {
            String name = pair.split("=", 2)[0];
            if (!documented.contains(name)) {
                found.add("accepted the undocumented query parameter '" + name + "'");
            }
        }
        return found;
    }

    private static Optional<JsonNode> parse(String type, String text) {
        if (!type.endsWith("json")) {
            return Optional.of(StringNode.valueOf(text));
        }
        try {
            return Optional.of(Json.read(text));
        } catch (JacksonException e) {
            return Optional.empty();
        }
    }

    /** The documented media type or range ({@code image/*}, {@code *}{@code /*}: a file's own type) that covers {@code type}. */
    private static Optional<String> documentedRange(JsonNode content, String type) {
        return Stream.of(type, type.replaceFirst("/.*", "/*"), "*/*")
                .filter(content::has)
                .findFirst();
    }

    private static String mediaType(String header) {
        return header.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    }

    private static String normalized(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }
}
