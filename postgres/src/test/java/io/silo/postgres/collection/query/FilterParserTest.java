package io.silo.postgres.collection.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.silo.error.ErrorKind;
import io.silo.error.SiloException;
import io.silo.template.FieldPath;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

class FilterParserTest {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    @Test
    void anEmptyOrBlankFilterMatchesEverything() {
        assertThat(FilterParser.parse("")).isEqualTo(Filter.all());
        assertThat(FilterParser.parse("  ")).isEqualTo(Filter.all());
        assertThat(FilterParser.parse("{}")).isEqualTo(Filter.all());
    }

    @Test
    void implicitEqualityAndSeveralFieldsAreAnAnd() {
        Filter filter = FilterParser.parse("{\"status\":\"paid\",\"customer.address.city\":\"Paris\"}");

        assertThat(filter)
                .isEqualTo(new Filter.And(List.of(
                        new Filter.Comparison(path("status"), Filter.Operator.EQ, JSON.stringNode("paid")),
                        new Filter.Comparison(
                                path("customer.address.city"), Filter.Operator.EQ, JSON.stringNode("Paris")))));
    }

    @Test
    void neAndNinAreNegations() {
        assertThat(FilterParser.parse("{\"a\":{\"$ne\":1}}"))
                .isEqualTo(new Filter.Not(new Filter.Comparison(path("a"), Filter.Operator.EQ, JSON.numberNode(1))));
        assertThat(FilterParser.parse("{\"a\":{\"$nin\":[1]}}"))
                .isEqualTo(new Filter.Not(new Filter.In(path("a"), List.of(JSON.numberNode(1)))));
        assertThat(FilterParser.parse("{\"$nor\":[{\"a\":1}]}"))
                .isEqualTo(new Filter.Not(new Filter.Or(
                        List.of(new Filter.Comparison(path("a"), Filter.Operator.EQ, JSON.numberNode(1))))));
    }

    @Test
    void severalOperatorsOnOneFieldAreAnAnd() {
        Filter filter = FilterParser.parse("{\"price\":{\"$gte\":1,\"$lt\":9.99}}");

        assertThat(filter).isInstanceOf(Filter.And.class);
        assertThat(((Filter.And) filter).terms())
                .extracting(term -> ((Filter.Comparison) term).operator())
                .containsExactly(Filter.Operator.GTE, Filter.Operator.LT);
    }

    @Test
    void decimalsAreKeptExact() {
        Filter filter = FilterParser.parse("{\"price\":0.1000000000000000000001}");

        assertThat(((Filter.Comparison) filter).value().decimalValue())
                .isEqualByComparingTo("0.1000000000000000000001");
    }

    @Test
    void metaFieldsAreRecognised() {
        assertThat(FilterParser.parse("{\"_version\":{\"$gt\":2}}").fields()).containsExactly(MetaField.VERSION);
        assertThat(FilterParser.parse("{\"_createdAt\":{\"$gt\":\"2024-01-01T00:00:00Z\"}}")
                        .fields())
                .containsExactly(MetaField.CREATED_AT);
    }

    @Test
    void malformedFiltersAreInvalidFiltersNamingThePart() {
        assertInvalid("[1]", "invalid-filter", "JSON object");
        assertInvalid("\"x\"", "invalid-filter", "JSON object");
        assertInvalid("{\"a\":", "invalid-filter", "not valid JSON");
        assertInvalid("{\"a\":1} trailing", "invalid-filter", "not valid JSON");
        assertInvalid("{\"a\":1,\"a\":2}", "invalid-filter", "not valid JSON");
        assertInvalid("{\"a\":{\"$regex\":\"x\"}}", "invalid-filter", "'$regex'");
        assertInvalid("{\"$where\":\"1\"}", "invalid-filter", "'$where'");
        assertInvalid("{\"$gt\":5}", "invalid-filter", "must be applied to a field");
        assertInvalid("{\"a\":{\"$and\":[{\"b\":1}]}}", "invalid-filter", "belongs at the top");
        assertInvalid("{\"$and\":{\"a\":1}}", "invalid-filter", "$and needs a non-empty array");
        assertInvalid("{\"$or\":[]}", "invalid-filter", "$or needs a non-empty array");
        assertInvalid("{\"$or\":[1]}", "invalid-filter", "each element of $or");
        assertInvalid("{\"$not\":[{\"a\":1}]}", "invalid-filter", "the value of $not");
        assertInvalid("{\"a\":{\"$in\":\"x\"}}", "invalid-filter", "$in on 'a' needs an array");
        assertInvalid("{\"a\":{\"$nin\":{}}}", "invalid-filter", "$nin on 'a' needs an array");
        assertInvalid("{\"a\":{\"$exists\":1}}", "invalid-filter", "$exists on 'a' needs true or false");
        assertInvalid("{\"a\":{\"$gt\":[1]}}", "invalid-filter", "$gt on 'a' needs a number, string or boolean");
        assertInvalid("{\"a\":{\"$lt\":null}}", "invalid-filter", "$lt on 'a' needs a number");
        assertInvalid("{\"a\":{\"$contains\":null}}", "invalid-filter", "$contains on 'a'");
        assertInvalid("{\"a\":{\"$not\":1}}", "invalid-filter", "$not on 'a' needs an object of operators");
        assertInvalid("{\"a\":{\"$gt\":1,\"b\":2}}", "invalid-filter", "mixes operators and field names");
        assertInvalid("{\"_id\":{\"$contains\":\"x\"}}", "invalid-filter", "$contains does not apply");
        assertInvalid("{\"_version\":1.5}", "invalid-filter", "'_version' needs a whole number");
    }

    @Test
    void malformedFieldsAreInvalidFieldsOrUnknownFields() {
        assertInvalid("{\"a b\":1}", "invalid-field", "'a b' is not a field path");
        assertInvalid("{\"a..b\":1}", "invalid-field", "'a..b'");
        assertInvalid("{\"\":1}", "invalid-field", "is not a field path");
        assertInvalid("{\"1a\":1}", "invalid-field", "'1a'");
        assertInvalid("{\"a.b.c.d.e.f.g.h.i\":1}", "invalid-field", "at most 8 deep");
        assertInvalid("{\"_secret\":1}", "unknown-field", "reserved");
        assertThat(FilterParser.parse("{\"a._b\":1}").fields()).containsExactly(path("a._b"));
    }

    @Test
    void filtersAreBoundedInSizeDepthAndText() {
        StringBuilder deep = new StringBuilder("{\"a\":1}");
        for (int i = 0; i < FilterParser.MAX_DEPTH + 1; i++) {
            deep.insert(0, "{\"$and\":[").append("]}");
        }
        assertInvalid(deep.toString(), "invalid-filter", "nested deeper than 8");

        StringBuilder notNot = new StringBuilder("{\"$gt\":1}");
        for (int i = 0; i < FilterParser.MAX_DEPTH + 1; i++) {
            notNot.insert(0, "{\"$not\":").append("}");
        }
        assertInvalid("{\"a\":" + notNot + "}", "invalid-filter", "nested deeper than 8");

        StringBuilder wide = new StringBuilder("{\"a\":{\"$in\":[0");
        for (int i = 1; i <= FilterParser.MAX_NODES; i++) {
            wide.append(',').append(i);
        }
        assertInvalid(wide.append("]}}").toString(), "invalid-filter", "more than 256 terms");

        assertInvalid("{\"a\":\"" + "x".repeat(FilterParser.MAX_TEXT) + "\"}", "invalid-filter", "longer than");
    }

    @Test
    void aFilterWithinTheLimitsParses() {
        StringBuilder in = new StringBuilder("{\"a\":{\"$in\":[0");
        for (int i = 1; i < 200; i++) {
            in.append(',').append(i);
        }
        assertThat(FilterParser.parse(in.append("]}}").toString())).isInstanceOf(Filter.In.class);
    }

    private static DocumentField path(String text) {
        return new DocumentField.Path(FieldPath.parse(text));
    }

    private static void assertInvalid(String filter, String type, String messagePart) {
        SiloException e = catchThrowableOfType(SiloException.class, () -> FilterParser.parse(filter));
        assertThat(e).as(filter).isNotNull();
        assertThat(e.kind()).isEqualTo(ErrorKind.INVALID);
        assertThat(e.type()).as(e.getMessage()).isEqualTo(type);
        assertThat(e.getMessage()).contains(messagePart);
    }
}
