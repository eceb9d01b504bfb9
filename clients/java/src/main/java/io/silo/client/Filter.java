package io.silo.client;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Which documents match, in Silo's query language (docs/query-language.md), built in code so that a
 * field name or a value is never pasted into JSON by hand:
 *
 * <pre>{@code
 * Filter.and(Filter.eq("status", "paid"), Filter.gte("total", 100))
 * Filter.or(Filter.eq("status", "void"), Filter.where("total", Condition.gte(10), Condition.lt(20)))
 * }</pre>
 *
 * A field is a dotted path ({@code customer.address.city}); the meta fields {@code _id}, {@code
 * _version}, {@code _createdAt} and {@code _updatedAt} take values of their own type. The server checks
 * everything (400 {@code invalid-filter}); this class only writes it.
 *
 * <p>Immutable.
 */
public final class Filter {
    private static final Filter ALL = new Filter(JsonValues.object());

    private final ObjectNode json;

    private Filter(ObjectNode json) {
        this.json = json;
    }

    /** Every document: {@code {}}. */
    public static Filter all() {
        return ALL;
    }

    /** The field satisfies every condition: {@code {"total": {"$gte": 10, "$lt": 20}}}. */
    public static Filter where(String field, Condition... conditions) {
        if (conditions.length == 0) {
            throw new IllegalArgumentException("a condition on " + field + " needs at least one operator");
        }
        ObjectNode operators = JsonValues.object();
        for (Condition condition : conditions) {
            condition.addTo(operators);
        }
        return field(field, operators);
    }

    /** The field equals the value, the implicit form: {@code {"status": "paid"}}. */
    public static Filter eq(String field, Object value) {
        return field(field, JsonValues.of(value));
    }

    public static Filter ne(String field, Object value) {
        return where(field, Condition.ne(value));
    }

    public static Filter gt(String field, Object value) {
        return where(field, Condition.gt(value));
    }

    public static Filter gte(String field, Object value) {
        return where(field, Condition.gte(value));
    }

    public static Filter lt(String field, Object value) {
        return where(field, Condition.lt(value));
    }

    public static Filter lte(String field, Object value) {
        return where(field, Condition.lte(value));
    }

    public static Filter in(String field, Collection<?> values) {
        return where(field, Condition.in(values));
    }

    public static Filter nin(String field, Collection<?> values) {
        return where(field, Condition.nin(values));
    }

    public static Filter exists(String field, boolean present) {
        return where(field, Condition.exists(present));
    }

    public static Filter contains(String field, Object value) {
        return where(field, Condition.contains(value));
    }

    /** All of the filters match. */
    public static Filter and(Filter... filters) {
        return combine("$and", List.of(filters));
    }

    /** At least one of the filters matches. */
    public static Filter or(Filter... filters) {
        return combine("$or", List.of(filters));
    }

    /** None of the filters matches. */
    public static Filter nor(Filter... filters) {
        return combine("$nor", List.of(filters));
    }

    /** The filter does not match. */
    public static Filter not(Filter filter) {
        ObjectNode json = JsonValues.object();
        json.set("$not", filter.json.deepCopy());
        return new Filter(json);
    }

    /** This filter and another: {@code {"$and": [this, other]}}. */
    public Filter and(Filter other) {
        return and(this, other);
    }

    /** A filter written as JSON already, e.g. read from a request; the server checks it. */
    public static Filter json(JsonNode json) {
        if (!json.isObject()) {
            throw new IllegalArgumentException("a filter is a JSON object, not " + json.getNodeType());
        }
        return new Filter((ObjectNode) json.deepCopy());
    }

    /** The filter as JSON. */
    public JsonNode toJson() {
        return json.deepCopy();
    }

    boolean matchesAll() {
        return json.isEmpty();
    }

    private static Filter field(String field, JsonNode value) {
        Objects.requireNonNull(field, "field");
        if (field.isBlank() || field.startsWith("$")) {
            throw new IllegalArgumentException("'" + field + "' is not a field path");
        }
        ObjectNode json = JsonValues.object();
        json.set(field, value);
        return new Filter(json);
    }

    private static Filter combine(String operator, List<Filter> filters) {
        if (filters.isEmpty()) {
            throw new IllegalArgumentException(operator + " needs at least one filter");
        }
        ArrayNode array = JsonValues.object().arrayNode();
        filters.forEach(filter -> array.add(filter.json.deepCopy()));
        ObjectNode json = JsonValues.object();
        json.set(operator, array);
        return new Filter(json);
    }

    /** The filter as the query parameter carries it. */
    @Override
    public String toString() {
        return json.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Filter filter && filter.json.equals(json);
    }

    @Override
    public int hashCode() {
        return json.hashCode();
    }
}
