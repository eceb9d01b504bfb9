package io.silo.postgres.collection;

import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import io.silo.json.Json;
import io.silo.postgres.collection.query.MetaField;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The rules for bodies that clients write: an object; top-level names starting with {@code _}
 * are reserved ({@code _id} may name the id of a new document, {@code _version} the version a
 * change expects) and are never stored; at most {@value #MAX_DEPTH} levels deep and
 * {@value #MAX_BYTES} bytes as JSON; and nothing PostgreSQL's jsonb cannot hold (the character
 * U+0000, unpaired surrogates, infinite numbers).
 *
 * <p>Stateless and thread-safe.
 */
final class Bodies {
    /** The largest stored body, in bytes of JSON text. */
    static final int MAX_BYTES = 1024 * 1024;
    /** The deepest nesting of objects and arrays, the body itself being level 1. */
    static final int MAX_DEPTH = 32;

    private Bodies() {}

    /** A body to insert, split into the id it asks for and what is stored. */
    record Insert(Optional<UUID> id, ObjectNode doc) {}

    /** A body to replace or patch with, split into the version it expects and what is stored or merged. */
    record Update(OptionalLong expectedVersion, ObjectNode doc) {}

    static Insert forInsert(JsonNode body, String collection) {
        ObjectNode doc = object(body, collection).deepCopy();
        Optional<UUID> id = Optional.empty();
        JsonNode given = doc.remove(MetaField.ID.text());
        if (given != null) {
            id = Optional.of(
                    given.isString()
                            ? MetaField.parseUuid(given.stringValue()).orElseThrow(() -> invalidId(collection))
                            : Bodies.<UUID>fail(invalidId(collection)));
        }
        rejectReserved(doc, collection, "insert; only _id may be given");
        checkContent(doc, collection);
        return new Insert(id, doc);
    }

    static Update forUpdate(JsonNode body, OptionalLong expectedVersion, String collection) {
        ObjectNode doc = object(body, collection).deepCopy();
        OptionalLong version = expectedVersion;
        JsonNode given = doc.remove(MetaField.VERSION.text());
        if (given != null) {
            long inBody = version(given, collection);
            if (expectedVersion.isPresent() && expectedVersion.getAsLong() != inBody) {
                throw ProblemType.INVALID_VERSION.exception(
                        "the body expects version " + inBody + " of the document in '" + collection
                                + "' but the request expects " + expectedVersion.getAsLong());
            }
            version = OptionalLong.of(inBody);
        }
        expectedVersion.ifPresent(expected -> checkVersion(expected, collection));
        rejectReserved(doc, collection, "change; only _version may be given");
        return new Update(version, doc);
    }

    /** Checks depth and content; run on whatever will be stored, after merging. */
    static void checkContent(ObjectNode doc, String collection) {
        walk(doc, 1, collection, "");
    }

    /** The JSON text to store, at most {@value #MAX_BYTES} bytes. */
    static String serialize(ObjectNode doc, String collection) {
        String text = Json.write(doc);
        // a UTF-8 byte count is at most 3 per char; only count when the length could be over
        if (text.length() * 3L > MAX_BYTES && text.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw ProblemType.DOCUMENT_TOO_LARGE
                    .exception("the document is larger than " + MAX_BYTES + " bytes as JSON, the limit of collection '"
                            + collection + "'")
                    .with("limit", MAX_BYTES);
        }
        return text;
    }

    private static ObjectNode object(JsonNode body, String collection) {
        if (!(body instanceof ObjectNode object)) {
            throw ProblemType.INVALID_JSON.exception("a document of '" + collection + "' must be a JSON object");
        }
        return object;
    }

    private static void rejectReserved(ObjectNode doc, String collection, String hint) {
        for (String name : doc.propertyNames()) {
            if (name.startsWith("_")) {
                throw ProblemType.RESERVED_FIELD
                        .exception("'" + shorten(name) + "' is reserved: top-level names starting with _ "
                                + "are not stored in '" + collection + "' on " + hint)
                        .with("field", shorten(name));
            }
        }
    }

    private static long version(JsonNode given, String collection) {
        if (!given.isIntegralNumber() || !given.canConvertToLong()) {
            throw ProblemType.INVALID_VERSION.exception(
                    "_version must be a whole number, the version of the document in '" + collection
                            + "' that the change expects");
        }
        return checkVersion(given.longValue(), collection);
    }

    static long checkVersion(long version, String collection) {
        if (version < 1) {
            throw ProblemType.INVALID_VERSION.exception(
                    "versions of documents in '" + collection + "' start at 1, not " + version);
        }
        return version;
    }

    private static void walk(JsonNode node, int depth, String collection, String path) {
        if (node.isContainer() && depth > MAX_DEPTH) {
            throw ProblemType.DOCUMENT_TOO_DEEP
                    .exception("the document nests deeper than " + MAX_DEPTH + " levels at '" + shorten(path)
                            + "', the limit of collection '" + collection + "'")
                    .with("limit", MAX_DEPTH);
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> member : node.properties()) {
                checkText(member.getKey(), collection, path);
                checkName(member.getKey(), collection, path);
                walk(member.getValue(), depth + 1, collection, path + "/" + member.getKey());
            }
        } else if (node.isArray()) {
            int index = 0;
            for (JsonNode element : node.values()) {
                walk(element, depth + 1, collection, path + "/" + index++);
            }
        } else if (node.isString()) {
            checkText(node.stringValue(), collection, path);
        } else if (node.isFloatingPointNumber() && !node.isBigDecimal() && !Double.isFinite(node.doubleValue())) {
            throw ProblemType.INVALID_JSON.exception("the number at '" + shorten(path) + "' is not finite");
        }
    }

    /**
     * A field name may not start with {@code $} or hold a {@code .}: such a name reads as an operator
     * ({@code {"$inc": …}} sent by a client used to MongoDB) or as a path ({@code a.b} in a filter), and
     * stored it would silently be neither.
     */
    private static void checkName(String name, String collection, String path) {
        if (name.startsWith("$") || name.indexOf('.') >= 0) {
            throw ProblemType.INVALID_FIELD_NAME
                    .exception("'" + shorten(name) + "' at '" + (path.isEmpty() ? "/" : shorten(path))
                            + "' cannot be a field name in '" + collection + "': names may not start with '$' "
                            + "(update operators such as $inc go at the top level of a PATCH, alone) or contain '.'")
                    .with("field", shorten(name));
        }
    }

    /** PostgreSQL's jsonb refuses U+0000; an unpaired surrogate would be stored as '?'. */
    private static void checkText(String text, String collection, String path) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean unpaired = Character.isHighSurrogate(c)
                    ? i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(++i))
                    : Character.isLowSurrogate(c);
            if (c == 0 || unpaired) {
                throw ProblemType.INVALID_JSON.exception("the document for '" + collection + "' holds "
                        + (c == 0 ? "the character U+0000" : "an unpaired UTF-16 surrogate") + " at '"
                        + shorten(path)
                        + "', which cannot be stored");
            }
        }
    }

    private static SiloException invalidId(String collection) {
        return ProblemType.INVALID_ID.exception("_id of a new document in '" + collection
                + "' must be a UUID string such as 0190a4c2-7d3e-7b1a-9c4e-2f1d3b5a6c7e");
    }

    private static <T> T fail(SiloException e) {
        throw e;
    }

    private static String shorten(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }
}
