package io.silo.postgres.collection.query;

import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Parses the filter language (see {@code docs/query-language.md}) from JSON into a
 * {@link Filter}. Anything it does not know is refused with {@code invalid-filter} naming the
 * part: an unknown operator, an operator in the wrong place, a value of the wrong type. A filter
 * may hold at most {@value #MAX_NODES} nodes (terms and values) nested at most
 * {@value #MAX_DEPTH} deep, so that no request can make the planner or this parser do unbounded work.
 *
 * <p>Thread-safe: stateless, one {@code Parse} object per call.
 */
public final class FilterParser {
    /** The longest filter text accepted, in characters. */
    public static final int MAX_TEXT = 16 * 1024;
    /** The most terms and values one filter may hold. */
    public static final int MAX_NODES = 256;
    /** The deepest nesting of {@code $and}, {@code $or}, {@code $nor} and {@code $not}. */
    public static final int MAX_DEPTH = 8;

    private static final ProblemType TYPE = ProblemType.INVALID_FILTER;

    private FilterParser() {}

    /** Parses a filter as it arrives in a query parameter; blank text is the filter that matches all. */
    public static Filter parse(String text) {
        if (text.isBlank()) {
            return Filter.all();
        }
        return parse(JsonInput.read(text, MAX_TEXT, TYPE, "the filter"));
    }

    /** Parses a filter already read as JSON; it must be an object. */
    public static Filter parse(JsonNode json) {
        return new Parse().document(json, "the filter", 0);
    }

    /** One parse: counts nodes across the whole filter. */
    private static final class Parse {
        private int nodes;

        Filter document(JsonNode json, String where, int depth) {
            if (!json.isObject()) {
                throw invalid(where + " must be a JSON object, like {\"status\": \"paid\"}");
            }
            if (depth > MAX_DEPTH) {
                throw invalid("the filter is nested deeper than " + MAX_DEPTH + " levels");
            }
            List<Filter> terms = new ArrayList<>();
            for (Map.Entry<String, JsonNode> member : json.properties()) {
                count();
                String key = member.getKey();
                terms.add(
                        key.startsWith("$")
                                ? logical(key, member.getValue(), depth)
                                : field(key, member.getValue(), depth));
            }
            return and(terms);
        }

        private Filter logical(String operator, JsonNode value, int depth) {
            return switch (operator) {
                case "$and" -> and(list(operator, value, depth));
                case "$or" -> new Filter.Or(list(operator, value, depth));
                case "$nor" -> new Filter.Not(new Filter.Or(list(operator, value, depth)));
                case "$not" -> new Filter.Not(document(value, "the value of $not", depth + 1));
                default ->
                    throw invalid(
                            isFieldOperator(operator)
                                    ? "'" + operator + "' must be applied to a field, like {\"price\": {\"" + operator
                                            + "\": 10}}"
                                    : "unknown operator '" + shorten(operator) + "'; see docs/query-language.md");
            };
        }

        private List<Filter> list(String operator, JsonNode value, int depth) {
            if (!value.isArray() || value.isEmpty()) {
                throw invalid(operator + " needs a non-empty array of filters, like {\"" + operator
                        + "\": [{\"a\": 1}, {\"b\": 2}]}");
            }
            List<Filter> terms = new ArrayList<>();
            for (JsonNode element : value.values()) {
                terms.add(document(element, "each element of " + operator, depth + 1));
            }
            return terms;
        }

        private Filter field(String name, JsonNode value, int depth) {
            DocumentField field = DocumentField.parse(name);
            if (isOperatorObject(value, name)) {
                return operators(field, value, depth);
            }
            return equality(field, value);
        }

        /** Whether {@code value} is {@code {"$op": …}}; an object that mixes operators and plain keys is refused. */
        private static boolean isOperatorObject(JsonNode value, String field) {
            if (!value.isObject() || value.isEmpty()) {
                return false;
            }
            long operators = value.propertyNames().stream()
                    .filter(key -> key.startsWith("$"))
                    .count();
            if (operators != 0 && operators != value.size()) {
                throw invalid("the value of '" + field + "' mixes operators and field names; use either "
                        + "{\"$gt\": 1} or a plain object to compare with");
            }
            return operators != 0;
        }

        private Filter operators(DocumentField field, JsonNode value, int depth) {
            List<Filter> terms = new ArrayList<>();
            for (Map.Entry<String, JsonNode> member : value.properties()) {
                count();
                terms.add(operator(field, member.getKey(), member.getValue(), depth));
            }
            return and(terms);
        }

        private Filter operator(DocumentField field, String operator, JsonNode value, int depth) {
            return switch (operator) {
                case "$eq" -> equality(field, value);
                case "$ne" -> new Filter.Not(equality(field, value));
                case "$gt" -> order(field, Filter.Operator.GT, value);
                case "$gte" -> order(field, Filter.Operator.GTE, value);
                case "$lt" -> order(field, Filter.Operator.LT, value);
                case "$lte" -> order(field, Filter.Operator.LTE, value);
                case "$in" -> in(field, operator, value);
                case "$nin" -> new Filter.Not(in(field, operator, value));
                case "$exists" -> exists(field, value);
                case "$contains" -> contains(field, value);
                case "$not" -> not(field, value, depth);
                default ->
                    throw invalid(
                            isLogical(operator)
                                    ? "'" + operator
                                            + "' combines filters and belongs at the top of a filter, not inside '"
                                            + field.text() + "'"
                                    : "unknown operator '" + shorten(operator) + "' on '" + field.text()
                                            + "'; see docs/query-language.md");
            };
        }

        private Filter equality(DocumentField field, JsonNode value) {
            checkValue(field, "$eq", value, true);
            return new Filter.Comparison(field, Filter.Operator.EQ, value);
        }

        private Filter order(DocumentField field, Filter.Operator operator, JsonNode value) {
            if (field instanceof DocumentField.Path && !(value.isNumber() || value.isString() || value.isBoolean())) {
                throw invalid(operator.text() + " on '" + field.text() + "' needs a number, string or boolean, not "
                        + kind(value));
            }
            checkValue(field, operator.text(), value, false);
            return new Filter.Comparison(field, operator, value);
        }

        private Filter in(DocumentField field, String operator, JsonNode value) {
            if (!value.isArray()) {
                throw invalid(operator + " on '" + field.text() + "' needs an array of values, not " + kind(value));
            }
            List<JsonNode> values = new ArrayList<>();
            for (JsonNode element : value.values()) {
                count();
                checkValue(field, operator, element, true);
                values.add(element);
            }
            return new Filter.In(field, values);
        }

        private static Filter exists(DocumentField field, JsonNode value) {
            if (!value.isBoolean()) {
                throw invalid("$exists on '" + field.text() + "' needs true or false, not " + kind(value));
            }
            return new Filter.Exists(field, value.booleanValue());
        }

        private static Filter contains(DocumentField field, JsonNode value) {
            if (field instanceof MetaField) {
                throw invalid("$contains does not apply to the meta field '" + field.text() + "'");
            }
            if (value.isNull()) {
                throw invalid("$contains on '" + field.text() + "' needs a value, an array or an object, not null");
            }
            return new Filter.Contains(field, value);
        }

        private Filter not(DocumentField field, JsonNode value, int depth) {
            if (!isOperatorObject(value, field.text())) {
                throw invalid(
                        "$not on '" + field.text() + "' needs an object of operators, like {\"$not\": {\"$gt\": 5}}");
            }
            if (depth + 1 > MAX_DEPTH) {
                throw invalid("the filter is nested deeper than " + MAX_DEPTH + " levels");
            }
            return new Filter.Not(operators(field, value, depth + 1));
        }

        /** Meta fields take values of their own type; null never matches them, so it is refused. */
        private static void checkValue(DocumentField field, String operator, JsonNode value, boolean nullAllowed) {
            if (field instanceof MetaField meta) {
                if (meta.parseValue(value).isEmpty()) {
                    throw invalid(
                            operator + " on '" + meta.text() + "' needs " + meta.expected() + ", not " + kind(value));
                }
            } else if (value.isNull() && !nullAllowed) {
                throw invalid(operator + " on '" + field.text() + "' cannot compare with null");
            } else if (value.isFloatingPointNumber()
                    && !value.isBigDecimal()
                    && !Double.isFinite(value.doubleValue())) {
                throw invalid(operator + " on '" + field.text() + "' needs a finite number");
            }
        }

        private void count() {
            if (++nodes > MAX_NODES) {
                throw invalid("the filter has more than " + MAX_NODES + " terms and values");
            }
        }

        private static Filter and(List<Filter> terms) {
            return switch (terms.size()) {
                case 0 -> Filter.all();
                case 1 -> terms.getFirst();
                default -> new Filter.And(terms);
            };
        }
    }

    private static boolean isFieldOperator(String operator) {
        return List.of("$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$exists", "$contains")
                .contains(operator);
    }

    private static boolean isLogical(String operator) {
        return List.of("$and", "$or", "$nor").contains(operator);
    }

    private static String kind(JsonNode value) {
        return switch (value.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> "this value";
        };
    }

    private static String shorten(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }

    private static SiloException invalid(String message) {
        return TYPE.exception(message);
    }
}
