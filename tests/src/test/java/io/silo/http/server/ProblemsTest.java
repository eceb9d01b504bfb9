package io.silo.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
import io.silo.testing.TestSilo;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every error is RFC 9457 problem+json with a stable type and the request id; never a stack trace. */
@SiloTest
class ProblemsTest {

    @Test
    void unknownRouteIsProblem(SiloClient client) {
        SiloClient.Response response = client.get("/api/no-such-thing");

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.header("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.problemType()).isEqualTo("route-not-found");
        assertThat(response.json().path("requestId").asString())
                .isEqualTo(response.header("X-Request-Id").orElseThrow());
    }

    @Test
    void wrongMethodIsProblem(SiloClient client) {
        SiloClient.Response response = client.delete("/api/health");

        assertThat(response.status()).isEqualTo(405);
        assertThat(response.problemType()).isEqualTo("method-not-allowed");
        assertThat(response.header("Allow")).contains("GET");
    }

    @Test
    void aTrailingSlashIsIgnored(SiloClient client) {
        SiloClient.Response response = client.get("/.well-known/jwks.json/");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().path("keys").isArray()).isTrue();
    }

    /**
     * A client that says how long its body is and waits for 100 Continue (curl does for large
     * bodies) hears 413 before it sends anything; one that does not wait may still be writing when
     * the server answers and closes.
     */
    @Test
    void aBodyOverTheLimitIsRefusedBeforeAnyRoute(TestSilo silo) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(silo.uri().resolve("/api/admin/auth/login"))
                .expectContinue(true)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(4 * 1024 * 1024 + 1)))
                .build();

        HttpResponse<String> response;
        try (HttpClient http = HttpClient.newHttpClient()) {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        }

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("\"type\":\"urn:silo:problem:body-too-large\"");
        assertThat(response.body())
                .contains("\"requestId\":\""
                        + response.headers().firstValue("X-Request-Id").orElseThrow() + "\"");
    }

    @Test
    void aChunkedBodyOverTheLimitIsRefusedWhileRead(TestSilo silo) throws IOException {
        String chunk = "x".repeat(1024 * 1024);
        StringBuilder request = new StringBuilder("POST /api/admin/auth/login HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
        for (int i = 0; i < 4; i++) {
            request.append(Integer.toHexString(chunk.length()))
                    .append("\r\n")
                    .append(chunk)
                    .append("\r\n");
        }
        // a little over the limit: what the server does not read is too short to make it reset the connection
        request.append("10\r\n").append("y".repeat(16)).append("\r\n0\r\n\r\n");

        String answer = raw(silo, request.toString());

        assertThat(answer).startsWith("HTTP/1.1 413").contains("urn:silo:problem:body-too-large");
    }

    /**
     * Regression: a body announced a little over the limit was refused before it was read, and the
     * connection closed under a client still sending it: the client sometimes lost the 413 ("header
     * parser received no bytes", seen in fresh-clone CI runs on a quiet machine). It is now read and
     * dropped first; every try gets its answer.
     */
    @Test
    void aBodyAnnouncedALittleOverTheLimitAlwaysGetsIts413(SiloClient client) {
        String body = "{\"notes\": \"" + "x".repeat(4 * 1024 * 1024 + 1) + "\"}";
        for (int attempt = 0; attempt < 5; attempt++) {
            SiloClient.Response response = client.post("/api/admin/auth/login", body);
            assertThat(response.status()).isEqualTo(413);
            assertThat(response.problemType()).isEqualTo("body-too-large");
        }
    }

    @Test
    void malformedHttpIsAProblemToo(TestSilo silo) throws IOException {
        String answer = raw(silo, "GET /api/health HTTP/1.1\r\nHost: localhost\r\nno colon here\r\n\r\n");

        assertThat(answer)
                .startsWith("HTTP/1.1 400")
                .containsIgnoringCase("content-type: application/problem+json")
                .contains("urn:silo:problem:bad-request")
                .doesNotContain("Exception");
    }

    /** What the server answers to {@code request}, sent as is over a socket of its own. */
    private static String raw(TestSilo silo, String request) throws IOException {
        try (Socket socket = new Socket("localhost", silo.uri().getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request.getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException e) {
                // the server may answer and close before it has read everything; its answer is still there
            }
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void malformedJsonIsBadRequest(SiloClient client) {
        SiloClient.Response response = client.post("/api/admin/auth/login", "{not json");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.problemType()).isEqualTo("invalid-json");
        assertThat(response.text()).doesNotContain("Exception").doesNotContain("at io.");
    }

    @Test
    void unknownFieldIsNamed(SiloClient client) {
        SiloClient.Response response = client.post("/api/admin/auth/login", Map.of("email", "a@b.io", "passwrd", "x"));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.problemType()).isEqualTo("unknown-field");
        assertThat(response.json().path("field").asString()).isEqualTo("passwrd");
    }

    @Test
    void emptyBodyIsBadRequest(SiloClient client) {
        SiloClient.Response response = client.post("/api/admin/auth/login", "");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.problemType()).isEqualTo("missing-body");
    }

    @Test
    void callerRequestIdIsKept(SiloClient client) {
        SiloClient.Response response =
                client.send("GET", "/api/nothing", Optional.empty(), Map.of("X-Request-Id", "trace-42"));

        assertThat(response.header("X-Request-Id")).contains("trace-42");
        assertThat(response.json().path("requestId").asString()).isEqualTo("trace-42");
    }

    @Test
    void insaneRequestIdIsReplaced(SiloClient client) {
        SiloClient.Response response =
                client.send("GET", "/api/nothing", Optional.empty(), Map.of("X-Request-Id", "a b\tc<script>"));

        assertThat(response.header("X-Request-Id"))
                .hasValueSatisfying(id -> assertThat(id).matches("[A-Za-z0-9_-]+"));
    }
}
