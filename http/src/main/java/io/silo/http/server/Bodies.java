package io.silo.http.server;

import io.silo.error.ProblemType;
import io.silo.json.Json;
import tools.jackson.databind.JsonNode;

/** Reads request bodies; {@link io.silo.app.input.Fields} checks their fields. */
public final class Bodies {

    private Bodies() {}

    /** The body as {@code type}; an empty body, bad JSON or an unknown field is a 400. */
    public static <T> T read(Exchange exchange, Class<T> type) {
        String body = exchange.body();
        if (body.isBlank()) {
            throw ProblemType.MISSING_BODY.exception("request body is required (JSON)");
        }
        return Json.mapper().readValue(body, type);
    }

    /** The body as a JSON tree. */
    public static JsonNode tree(Exchange exchange) {
        String body = exchange.body();
        if (body.isBlank()) {
            throw ProblemType.MISSING_BODY.exception("request body is required (JSON)");
        }
        return Json.read(body);
    }
}
