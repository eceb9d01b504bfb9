package io.silo.http.security;

import io.silo.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Sends the fuzzer's requests over a real socket as they were made (bytes, any header the JDK's
 * client allows), and the set-up's requests, which must succeed.
 *
 * <p>Thread-safe.
 */
final class FuzzHttp {
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final URI base;

    FuzzHttp(URI base) {
        this.base = base;
    }

    FuzzResponse send(FuzzRequest request) {
        HttpRequest.Builder builder =
                HttpRequest.newBuilder(base.resolve(request.path())).timeout(Duration.ofSeconds(60));
        request.caller().authorization().ifPresent(value -> builder.header("Authorization", value));
        request.headers().forEach(builder::header);
        builder.method(
                request.method(),
                request.body()
                        .map(HttpRequest.BodyPublishers::ofByteArray)
                        .orElse(HttpRequest.BodyPublishers.noBody()));
        try {
            HttpResponse<byte[]> response = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new FuzzResponse(response.statusCode(), response.headers().map(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.path() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** A set-up request that must answer {@code status}; its body parsed. */
    JsonNode expect(int status, String method, String path, Optional<String> token, Optional<Object> body) {
        return expect(status, method, path, token, body, Map.of());
    }

    /** As {@link #expect(int, String, String, Optional, Optional)}, with headers (a canary User-Agent, say). */
    JsonNode expect(
            int status,
            String method,
            String path,
            Optional<String> token,
            Optional<Object> body,
            Map<String, String> headers) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        Optional<byte[]> bytes = body.map(
                value -> value instanceof byte[] raw ? raw : Json.write(value).getBytes(StandardCharsets.UTF_8));
        if (body.isPresent() && !(body.get() instanceof byte[])) {
            all.put("Content-Type", "application/json");
        }
        Caller caller =
                token.map(value -> Caller.forged("set-up", "Bearer " + value)).orElse(Caller.anonymous());
        FuzzResponse response = send(new FuzzRequest("set-up", method, path, all, bytes, caller));
        if (response.status() != status) {
            throw new AssertionError("set-up: " + method + " " + path + " answered " + response.describe());
        }
        return response.body().length == 0
                ? Json.object()
                : Json.read(new String(response.body(), StandardCharsets.UTF_8));
    }

    /** A set-up request whose answer is whatever it is. */
    FuzzResponse attempt(String method, String path, Optional<String> token, Object body, Map<String, String> headers) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.putIfAbsent("Content-Type", "application/json");
        Optional<byte[]> bytes =
                Optional.of(body instanceof byte[] raw ? raw : Json.write(body).getBytes(StandardCharsets.UTF_8));
        Caller caller =
                token.map(value -> Caller.forged("set-up", "Bearer " + value)).orElse(Caller.anonymous());
        return send(new FuzzRequest("set-up", method, path, all, bytes, caller));
    }
}
