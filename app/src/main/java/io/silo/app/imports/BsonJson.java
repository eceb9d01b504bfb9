package io.silo.app.imports;

import io.silo.json.Json;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.bson.BsonBinarySubType;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.UuidRepresentation;
import org.bson.types.Decimal128;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * BSON values as the JSON Silo stores: an ObjectId becomes the UUID {@code ids} gives it (so a
 * reference becomes the id of the document it names), a date ISO-8601 in UTC, a Decimal128 a
 * number, a UUID in binary its canonical text, other binary base64, a regular expression
 * {@code /pattern/flags}. Infinite and not-a-number values, which JSON has not, become their names
 * as text.
 *
 * <p>Stateless and thread-safe.
 */
final class BsonJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private BsonJson() {}

    /** {@code document} as a JSON object, {@code _id} included (converted like any value). */
    static ObjectNode object(BsonDocument document, Function<String, UUID> ids) {
        ObjectNode out = Json.object();
        for (Map.Entry<String, BsonValue> field : document.entrySet()) {
            out.set(field.getKey(), value(field.getValue(), ids));
        }
        return out;
    }

    static JsonNode value(BsonValue value, Function<String, UUID> ids) {
        return switch (value.getBsonType()) {
            case DOCUMENT -> object(value.asDocument(), ids);
            case ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                value.asArray().forEach(item -> array.add(value(item, ids)));
                yield array;
            }
            case OBJECT_ID ->
                NODES.stringNode(
                        ids.apply(value.asObjectId().getValue().toHexString()).toString());
            case STRING -> NODES.stringNode(value.asString().getValue());
            case INT32 -> NODES.numberNode(value.asInt32().getValue());
            case INT64 -> NODES.numberNode(value.asInt64().getValue());
            case DOUBLE -> finite(value.asDouble().getValue());
            case DECIMAL128 -> decimal(value.asDecimal128().getValue());
            case BOOLEAN -> NODES.booleanNode(value.asBoolean().getValue());
            case DATE_TIME ->
                NODES.stringNode(
                        Instant.ofEpochMilli(value.asDateTime().getValue()).toString());
            case TIMESTAMP ->
                NODES.stringNode(
                        Instant.ofEpochSecond(value.asTimestamp().getTime()).toString());
            case BINARY -> binary(value);
            case REGULAR_EXPRESSION ->
                NODES.stringNode("/" + value.asRegularExpression().getPattern() + "/"
                        + value.asRegularExpression().getOptions());
            case SYMBOL -> NODES.stringNode(value.asSymbol().getSymbol());
            case JAVASCRIPT -> NODES.stringNode(value.asJavaScript().getCode());
            case JAVASCRIPT_WITH_SCOPE ->
                NODES.stringNode(value.asJavaScriptWithScope().getCode());
            case DB_POINTER ->
                NODES.stringNode(
                        ids.apply(value.asDBPointer().getId().toHexString()).toString());
            case NULL, UNDEFINED, MIN_KEY, MAX_KEY, END_OF_DOCUMENT -> NODES.nullNode();
        };
    }

    private static JsonNode finite(double number) {
        return Double.isFinite(number) ? NODES.numberNode(number) : NODES.stringNode(Double.toString(number));
    }

    private static JsonNode decimal(Decimal128 number) {
        if (number.isNaN() || number.isInfinite()) {
            return NODES.stringNode(number.toString());
        }
        try {
            return NODES.numberNode(number.bigDecimalValue());
        } catch (ArithmeticException negativeZero) {
            return NODES.numberNode(BigDecimal.ZERO);
        }
    }

    private static JsonNode binary(BsonValue value) {
        byte subtype = value.asBinary().getType();
        if (subtype == BsonBinarySubType.UUID_STANDARD.getValue()) {
            return NODES.stringNode(value.asBinary().asUuid().toString());
        }
        if (subtype == BsonBinarySubType.UUID_LEGACY.getValue()) {
            return NODES.stringNode(
                    value.asBinary().asUuid(UuidRepresentation.JAVA_LEGACY).toString());
        }
        return NODES.stringNode(
                Base64.getEncoder().encodeToString(value.asBinary().getData()));
    }
}
