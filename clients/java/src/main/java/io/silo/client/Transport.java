package io.silo.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

/**
 * Sends requests to one Silo: the base URI, the bearer token of the session, JSON both ways, problem
 * documents turned into {@link SiloProblemException}, and one retry after a refresh when the access
 * token was refused.
 *
 * <p>Thread-safe.
 */
final class Transport {
    private final URI base;
    private final HttpClient http;
    private final JsonMapper mapper;
    private final Duration timeout;
    private final Session session;

    Transport(URI base, HttpClient http, JsonMapper mapper, Duration timeout, Session session) {
        this.base = base;
        this.http = http;
        this.mapper = mapper;
        this.timeout = timeout;
        this.session = session;
    }

    JsonMapper mapper() {
        return mapper;
    }

    Session session() {
        return session;
    }

    /** One request: method, path with its query, headers, and a body that can be sent again. */
    record Call(
            String method,
            String path,
            Map<String, String> query,
            Map<String, String> headers,
            Optional<Supplier<HttpRequest.BodyPublisher>> body,
            boolean authenticated) {

        static Call of(String method, String path) {
            return new Call(method, path, Map.of(), Map.of(), Optional.empty(), true);
        }

        Call query(String name, Optional<?> value) {
            if (value.isEmpty()) {
                return this;
            }
            Map<String, String> more = new LinkedHashMap<>(query);
            more.put(name, value.get().toString());
            return new Call(method, path, more, headers, body, authenticated);
        }

        Call header(String name, Optional<String> value) {
            if (value.isEmpty()) {
                return this;
            }
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value.get());
            return new Call(method, path, query, more, body, authenticated);
        }

        Call body(String contentType, Supplier<HttpRequest.BodyPublisher> publisher) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put("Content-Type", contentType);
            return new Call(method, path, query, more, Optional.of(publisher), authenticated);
        }

        Call anonymous() {
            return new Call(method, path, query, headers, body, false);
        }
    }

    /** A JSON call with a JSON body (any value Jackson writes). */
    Call json(Call call, Object value) {
        byte[] bytes = mapper.writeValueAsBytes(value);
        return call.body("application/json", () -> HttpRequest.BodyPublishers.ofByteArray(bytes));
    }

    /** A successful answer: status, headers and the body as it came. */
    record Answer(int status, java.net.http.HttpHeaders headers, byte[] body) {}

    /** Sends the call and reads the answer; a problem is thrown. */
    Answer send(Call call) {
        HttpResponse<InputStream> response = stream(call);
        try (InputStream in = response.body()) {
            return new Answer(response.statusCode(), response.headers(), in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(call.method() + " " + call.path() + " failed: " + e.getMessage(), e);
        }
    }

    /** The answer's body, as JSON ({@link MissingNode} when empty). */
    JsonNode sendJson(Call call) {
        byte[] body = send(call).body();
        return body.length == 0 ? MissingNode.getInstance() : mapper.readTree(body);
    }

    /**
     * Sends the call and answers the open response, its body a stream the caller closes. A 401 for an
     * access token that is no longer valid refreshes the session once, for every request that met it,
     * and sends the call once more.
     */
    HttpResponse<InputStream> stream(Call call) {
        Optional<String> token = call.authenticated() ? session.accessToken() : Optional.empty();
        HttpResponse<InputStream> response = exchange(call, token);
        if (response.statusCode() == 401 && token.isPresent()) {
            byte[] refusal = drain(response);
            JsonNode problem = parseProblem(refusal);
            if (problem.path("type").asString("").equals(SiloProblemException.TYPE_PREFIX + "invalid-token")) {
                Optional<String> fresh = session.refreshAfter(token.get(), this::refresh);
                if (fresh.isPresent()) {
                    response = exchange(call, fresh);
                } else {
                    throw problem(response, refusal);
                }
            } else {
                throw problem(response, refusal);
            }
        }
        if (response.statusCode() >= 400) {
            throw problem(response, drain(response));
        }
        return response;
    }

    private Tokens refresh(Tokens current) {
        Call call =
                json(Call.of("POST", "/api/auth/refresh").anonymous(), Map.of("refreshToken", current.refreshToken()));
        HttpResponse<InputStream> response = exchange(call, Optional.empty());
        byte[] body = drain(response);
        if (response.statusCode() != 200) {
            throw problem(response, body);
        }
        return tokens(mapper.readTree(body));
    }

    Tokens tokens(JsonNode answer) {
        return new Tokens(
                answer.path("accessToken").asString(),
                answer.path("refreshToken").asString(),
                answer.path("expiresIn").asLong());
    }

    private HttpResponse<InputStream> exchange(Call call, Optional<String> token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(call))
                .timeout(timeout)
                .method(call.method(), call.body().map(Supplier::get).orElse(HttpRequest.BodyPublishers.noBody()));
        request.header("Accept", "application/json, application/problem+json, */*");
        call.headers().forEach(request::header);
        token.ifPresent(value -> request.header("Authorization", "Bearer " + value));
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(call.method() + " " + call.path() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(call.method() + " " + call.path() + " was interrupted", new IOException(e));
        }
    }

    private URI uri(Call call) {
        StringBuilder target = new StringBuilder(call.path());
        String separator = "?";
        for (Map.Entry<String, String> parameter : call.query().entrySet()) {
            target.append(separator)
                    .append(encode(parameter.getKey()))
                    .append('=')
                    .append(encode(parameter.getValue()));
            separator = "&";
        }
        // relative to the base, so that a base with a path (https://example.com/silo/) keeps it
        return base.resolve(target.substring(1));
    }

    /** A path the server answered with, such as a signed file URL, made absolute. */
    URI resolve(String path) {
        return base.resolve(path.startsWith("/") ? path.substring(1) : path);
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A path segment, encoded: service and collection names, ids; {@code .} and {@code ..} would name another route. */
    static String segment(String value) {
        if (value.isBlank()) {
            throw new IllegalArgumentException("a path segment may not be blank");
        }
        if (value.equals(".") || value.equals("..")) {
            throw new IllegalArgumentException("a path segment may not be '" + value + "'");
        }
        return encode(value);
    }

    private static byte[] drain(HttpResponse<InputStream> response) {
        try (InputStream in = response.body()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading the answer failed: " + e.getMessage(), e);
        }
    }

    private JsonNode parseProblem(byte[] body) {
        try {
            JsonNode parsed = body.length == 0 ? MissingNode.getInstance() : mapper.readTree(body);
            return parsed.isObject() ? parsed : MissingNode.getInstance();
        } catch (JacksonException e) {
            return MissingNode.getInstance(); // not JSON: a proxy's page; the status still says what happened
        }
    }

    private SiloProblemException problem(HttpResponse<InputStream> response, byte[] body) {
        JsonNode problem = parseProblem(body);
        if (problem.isMissingNode()) {
            problem = mapper.createObjectNode()
                    .put("type", "about:blank")
                    .put("status", response.statusCode())
                    .put("detail", new String(body, StandardCharsets.UTF_8));
        }
        Optional<Duration> retryAfter = response.headers()
                .firstValue("Retry-After")
                .filter(value -> value.matches("[0-9]{1,9}"))
                .map(value -> Duration.ofSeconds(Long.parseLong(value)));
        return new SiloProblemException(response.statusCode(), problem, retryAfter);
    }
}
