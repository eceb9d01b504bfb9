package io.silo.http.openapi;

import io.silo.http.server.Endpoints;
import io.silo.http.server.Routes;
import io.silo.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * {@code GET /openapi.json}, open to anyone: the OpenAPI 3.1 description of the whole HTTP API.
 * The document is kept as YAML, which people can review, and converted to JSON once, at start-up;
 * a document that does not parse stops start-up rather than serving half an answer.
 *
 * <p>Immutable and thread-safe.
 */
public final class OpenApiEndpoint implements Endpoints {
    /** Where the document lives on the class path. */
    public static final String RESOURCE = "/io/silo/http/openapi/openapi.yaml";

    private final String json;

    private OpenApiEndpoint(String json) {
        this.json = json;
    }

    /** Reads the shipped document. */
    public static OpenApiEndpoint load() {
        return new OpenApiEndpoint(Json.write(document()));
    }

    /** The shipped document as a JSON tree. */
    public static JsonNode document() {
        try (InputStream in = OpenApiEndpoint.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the API description " + RESOURCE + " is missing from the class path");
            }
            return YAMLMapper.builder().build().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the API description " + RESOURCE, e);
        }
    }

    @Override
    public void register(Routes routes) {
        routes.get("/openapi.json", exchange -> exchange.send("application/json", json));
    }
}
