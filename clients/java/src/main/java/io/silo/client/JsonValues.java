package io.silo.client;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The mapper filters and updates turn their values into JSON with, before any {@link SiloApi} exists.
 * Decimals are read as {@code BigDecimal}, so that {@code 0.1} stays exact on its way back (Silo stores
 * numbers exactly).
 *
 * <p>Thread-safe.
 */
final class JsonValues {
    static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private JsonValues() {}

    static JsonNode of(Object value) {
        return value instanceof JsonNode node ? node : MAPPER.valueToTree(value);
    }

    static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }
}
