package io.silo.postgres.collection;

import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON Merge Patch, RFC 7386: objects merge member by member, {@code null} removes a member,
 * anything else replaces the target. Arrays are replaced whole, never merged.
 *
 * <p>Stateless and thread-safe.
 */
final class MergePatch {
    private MergePatch() {}

    /** {@code target} patched; neither argument is modified. */
    static JsonNode apply(JsonNode target, JsonNode patch) {
        return merge(target.deepCopy(), patch);
    }

    /** Merges into {@code target}, which this call owns. */
    private static JsonNode merge(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch.deepCopy();
        }
        ObjectNode result = target instanceof ObjectNode object ? object : JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, JsonNode> member : patch.properties()) {
            if (member.getValue().isNull()) {
                result.remove(member.getKey());
            } else {
                JsonNode current = result.get(member.getKey());
                result.set(
                        member.getKey(),
                        merge(current == null ? JsonNodeFactory.instance.nullNode() : current, member.getValue()));
            }
        }
        return result;
    }
}
