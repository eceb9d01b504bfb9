package io.silo.http.openapi;

import io.silo.testing.SiloClient;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link SiloClient} whose every exchange is held against the API description by a shared
 * {@link ContractCheck}.
 *
 * <p>Thread-safe.
 */
final class CheckedClient {
    private final SiloClient client;
    private final ContractCheck check;

    CheckedClient(SiloClient client, ContractCheck check) {
        this.client = client;
        this.check = check;
    }

    /** A copy that sends {@code accessToken}, checked by the same {@link ContractCheck}. */
    CheckedClient as(String accessToken) {
        return new CheckedClient(client.as(accessToken), check);
    }

    SiloClient.Response get(String path) {
        return send("GET", path, Optional.empty(), Map.of());
    }

    SiloClient.Response post(String path, Object body) {
        return send("POST", path, Optional.of(body), Map.of());
    }

    SiloClient.Response put(String path, Object body) {
        return send("PUT", path, Optional.of(body), Map.of());
    }

    SiloClient.Response patch(String path, Object body) {
        return send("PATCH", path, Optional.of(body), Map.of());
    }

    SiloClient.Response delete(String path) {
        return send("DELETE", path, Optional.empty(), Map.of());
    }

    SiloClient.Response send(String method, String path, Optional<Object> body, Map<String, String> headers) {
        SiloClient.Response response = client.send(method, path, body, headers);
        check.check(method, path, body, response);
        return response;
    }
}
