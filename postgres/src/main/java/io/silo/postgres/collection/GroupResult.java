package io.silo.postgres.collection;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The groups of a {@link io.silo.postgres.collection.query.GroupQuery}, in its order.
 *
 * <p>Immutable and thread-safe as long as nobody modifies the keys.
 *
 * @param groups the groups, at most the query's limit
 * @param truncated whether more groups exist than were returned
 */
public record GroupResult(List<Group> groups, boolean truncated) {
    public GroupResult {
        groups = List.copyOf(groups);
    }

    /** {@code {"groups": [...], "truncated": false}}. */
    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        ArrayNode array = json.putArray("groups");
        groups.forEach(group -> array.add(group.toJson()));
        json.put("truncated", truncated);
        return json;
    }

    /**
     * One group. The aggregates are empty when no metric was asked for or when no document of the
     * group has a number in the metric field.
     *
     * @param keys the group's value of each key, in the order of the query's keys; JSON {@code null}
     *     also for documents without the field, or without a date there for a date bucket
     * @param count how many documents the group has
     * @param sum the sum of the metric's numeric values
     * @param avg their average
     * @param min the smallest
     * @param max the largest
     */
    public record Group(
            List<JsonNode> keys,
            long count,
            Optional<BigDecimal> sum,
            Optional<BigDecimal> avg,
            Optional<BigDecimal> min,
            Optional<BigDecimal> max) {
        public Group {
            keys = List.copyOf(keys);
        }

        /**
         * {@code {"key": …, "count": n}}, plus {@code sum}, {@code avg}, {@code min}, {@code max} when a metric
         * was asked for. {@code key} is the value of the one key, or an array of the values when there are several.
         */
        public ObjectNode toJson() {
            ObjectNode json = JsonNodeFactory.instance.objectNode();
            if (keys.size() == 1) {
                json.set("key", keys.getFirst());
            } else {
                json.putArray("key").addAll(keys);
            }
            json.put("count", count);
            if (sum.isPresent()) {
                json.put("sum", sum.get());
                json.put("avg", avg.orElseThrow());
                json.put("min", min.orElseThrow());
                json.put("max", max.orElseThrow());
            }
            return json;
        }
    }
}
