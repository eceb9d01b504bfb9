package io.silo.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
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
