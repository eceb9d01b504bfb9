package io.silo.client;

import java.util.Collection;
import java.util.Objects;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What one field must satisfy in a {@link Filter}: an operator of the query language
 * (docs/query-language.md) and its value, {@code {"$gte": 100}}. Several on one field must all hold:
 * {@code Filter.where("total", Condition.gte(10), Condition.lt(20))}.
 *
 * <p>Immutable.
 */
public final class Condition {
    private final String operator;
    private final tools.jackson.databind.JsonNode value;

    private Condition(String operator, tools.jackson.databind.JsonNode value) {
        this.operator = operator;
        this.value = value;
    }

    /** Equals the value; objects and arrays as wholes, {@code 10} equal to {@code 10.0}. */
    public static Condition eq(Object value) {
        return new Condition("$eq", JsonValues.of(value));
    }

    /** Does not equal the value; a missing field matches. */
    public static Condition ne(Object value) {
        return new Condition("$ne", JsonValues.of(value));
    }

    /** Greater, and of the same JSON type (number, string or boolean). */
    public static Condition gt(Object value) {
        return new Condition("$gt", JsonValues.of(value));
    }

    public static Condition gte(Object value) {
        return new Condition("$gte", JsonValues.of(value));
    }

    public static Condition lt(Object value) {
        return new Condition("$lt", JsonValues.of(value));
    }

    public static Condition lte(Object value) {
        return new Condition("$lte", JsonValues.of(value));
    }

    /** Equals one of the values; {@code null} among them also matches a missing field. */
    public static Condition in(Collection<?> values) {
        return new Condition("$in", array(values));
    }

    /** Equals none of the values; a missing field matches. */
    public static Condition nin(Collection<?> values) {
        return new Condition("$nin", array(values));
    }

    /** Present (even as null), or with {@code false} absent. */
    public static Condition exists(boolean present) {
        return new Condition("$exists", JsonValues.of(present));
    }

    /** An array holding the value (or all of an array's), or an object holding those members. */
    public static Condition contains(Object value) {
        return new Condition("$contains", JsonValues.of(value));
    }

    /** Does not satisfy all of the conditions; a missing field matches. */
    public static Condition not(Condition... conditions) {
        ObjectNode inner = JsonValues.object();
        for (Condition condition : conditions) {
            condition.addTo(inner);
        }
        return new Condition("$not", inner);
    }

    void addTo(ObjectNode conditions) {
        if (conditions.has(operator)) {
            throw new IllegalArgumentException("the operator " + operator + " is given twice for one field");
        }
        conditions.set(operator, value);
    }

    private static ArrayNode array(Collection<?> values) {
        Objects.requireNonNull(values, "values");
        ArrayNode array = JsonValues.object().arrayNode();
        values.forEach(value -> array.add(JsonValues.of(value)));
        return array;
    }

    @Override
    public String toString() {
        return "{\"" + operator + "\":" + value + "}";
    }
}
