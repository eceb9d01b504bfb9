package io.silo.postgres.collection.query;

import io.silo.error.ProblemType;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads JSON that arrives as text in query parameters and cursors, and JSON documents as
 * stored: decimals stay {@link java.math.BigDecimal} (a double would round {@code 0.1} and
 * overflow {@code 1e400} to infinity, which PostgreSQL cannot store), a repeated key is an
 * error rather than a silent last-one-wins, and trailing garbage after the value is rejected.
 *
 * <p>Thread-safe.
 */
public final class JsonInput {
    private static final JsonMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private JsonInput() {}

    /**
     * Parses {@code text}, at most {@code maxChars} long; anything else is a 400 of the given
     * problem type whose message names {@code what}.
     */
    public static JsonNode read(String text, int maxChars, ProblemType problemType, String what) {
        if (text.length() > maxChars) {
            throw problemType.exception(what + " is longer than " + maxChars + " characters");
        }
        try {
            return STRICT.readTree(text);
        } catch (JacksonException e) {
            throw problemType.exception(what + " is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** Parses a document as PostgreSQL returned it; a failure here is a bug, not a client error. */
    public static JsonNode readStored(String text) {
        return STRICT.readTree(text);
    }
}
