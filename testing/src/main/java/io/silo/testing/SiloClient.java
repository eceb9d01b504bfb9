package io.silo.testing;

import io.silo.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;

/**
 * A small client for Silo's HTTP API over a real socket, for tests and scripts. Each instance
 * may carry a bearer token; {@link #as(String)} returns a copy with another.
 *
 * <p>Thread-safe.
 */
public final class SiloClient {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final URI base;
    private final Optional<String> token;

    public SiloClient(URI base) {
        this(base, Optional.empty());
    }

    private SiloClient(URI base, Optional<String> token) {
        this.base = base;
        this.token = token;
    }

    /** A response: status, headers and the body, parsed when it is JSON. */
    public record Response(int status, Map<String, java.util.List<String>> headers, String text) {
        public JsonNode json() {
            return text.isBlank() ? MissingNode.getInstance() : Json.read(text);
        }

        public Optional<String> header(String name) {
            return headers.entrySet().stream()
                    .filter(entry -> entry.getKey().equalsIgnoreCase(name))
                    .flatMap(entry -> entry.getValue().stream())
                    .findFirst();
        }

        /** The problem type slug of an error response, e.g. {@code tenant-not-found}. */
        public String problemType() {
            return json().path("type").asString().replace("urn:silo:problem:", "");
        }

        @Override
        public String toString() {
            return status + " " + text;
        }
    }

    public URI base() {
        return base;
    }

    /** A copy of this client that sends {@code accessToken}. */
    public SiloClient as(String accessToken) {
        return new SiloClient(base, Optional.of(accessToken));
    }

    /** A copy of this client, with its token, for the instance at {@code other}: e.g. one that took over. */
    public SiloClient at(URI other) {
        return new SiloClient(other, token);
    }

    /** A copy signed in as the test platform administrator. */
    public SiloClient asAdmin() {
        return as(login(
                "/api/admin/auth/login", Map.of("email", TestSilo.ADMIN_EMAIL, "password", TestSilo.ADMIN_PASSWORD)));
    }

    /** Signs in through {@code path} and returns the access token; fails the test when sign-in fails. */
    public String login(String path, Object body) {
        Response response = post(path, body);
        if (response.status() != 200) {
            throw new AssertionError("sign-in through " + path + " failed: " + response);
        }
        return response.json().path("accessToken").asString();
    }

    public Response get(String path) {
        return send("GET", path, Optional.empty(), Map.of());
    }

    public Response post(String path, Object body) {
        return send("POST", path, Optional.of(body), Map.of());
    }

    public Response put(String path, Object body) {
        return send("PUT", path, Optional.of(body), Map.of());
    }

    public Response patch(String path, Object body) {
        return send("PATCH", path, Optional.of(body), Map.of());
    }

    public Response delete(String path) {
        return send("DELETE", path, Optional.empty(), Map.of());
    }

    /** A response whose body is bytes, as they came (a file). */
    public record Bytes(int status, Map<String, java.util.List<String>> headers, byte[] body) {
        public Optional<String> header(String name) {
            return headers.entrySet().stream()
                    .filter(entry -> entry.getKey().equalsIgnoreCase(name))
                    .flatMap(entry -> entry.getValue().stream())
                    .findFirst();
        }

        /** The body read as a problem document or other JSON. */
        public JsonNode json() {
            return body.length == 0 ? MissingNode.getInstance() : Json.read(new String(body, StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return status + " (" + body.length + " bytes)";
        }
    }

    /**
     * Uploads {@code body} as raw bytes of {@code contentType} (a file), with more headers. The client
     * waits for {@code 100 Continue} before it sends the body, as browsers' upload libraries can, so
     * that an upload refused at once is told so without sending its bytes first.
     */
    public Response upload(
            String path, String contentType, HttpRequest.BodyPublisher body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofMinutes(5))
                .expectContinue(true)
                .header("Content-Type", contentType)
                .POST(body);
        token.ifPresent(value -> request.header("Authorization", "Bearer " + value));
        headers.forEach(request::header);
        HttpResponse<String> response = exchange(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.headers().map(), response.body());
    }

    /** A GET whose answer is bytes (a file), with more headers such as {@code Range}. */
    public Bytes download(String path, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofMinutes(5));
        token.ifPresent(value -> request.header("Authorization", "Bearer " + value));
        headers.forEach(request::header);
        HttpResponse<byte[]> response = exchange(request.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Bytes(response.statusCode(), response.headers().map(), response.body());
    }

    private static <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return HTTP.send(request, handler);
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Sends any request; a {@code String} or {@code byte[]} body goes as is, anything else as JSON. */
    public Response send(String method, String path, Optional<Object> body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60));
        token.ifPresent(value -> request.header("Authorization", "Bearer " + value));
        headers.forEach(request::header);
        HttpRequest.BodyPublisher publisher = body.map(value -> value instanceof byte[] bytes
                        ? HttpRequest.BodyPublishers.ofByteArray(bytes)
                        : HttpRequest.BodyPublishers.ofString(value instanceof String text ? text : Json.write(value)))
                .orElse(HttpRequest.BodyPublishers.noBody());
        if (body.isPresent() && headers.keySet().stream().noneMatch("Content-Type"::equalsIgnoreCase)) {
            request.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> response =
                    HTTP.send(request.method(method, publisher).build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers().map(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
