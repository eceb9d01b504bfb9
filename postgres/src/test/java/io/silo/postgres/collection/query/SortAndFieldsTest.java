package io.silo.postgres.collection.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.silo.error.SiloException;
import io.silo.template.FieldPath;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class SortAndFieldsTest {

    @Test
    void sortParsesDirectionsAndMetaFields() {
        Sort sort = Sort.parse("status, -total ,+customer.name,-_createdAt");

        assertThat(sort.keys())
                .containsExactly(
                        new SortKey(new DocumentField.Path(FieldPath.parse("status")), false),
                        new SortKey(new DocumentField.Path(FieldPath.parse("total")), true),
                        new SortKey(new DocumentField.Path(FieldPath.parse("customer.name")), false),
                        new SortKey(MetaField.CREATED_AT, true));
        assertThat(sort).hasToString("status,-total,customer.name,-_createdAt");
    }

    @Test
    void theIdBreaksTiesUnlessAlreadySorted() {
        assertThat(Sort.parse("status").withTiebreak())
                .extracting(SortKey::toString)
                .containsExactly("status", "_id");
        assertThat(Sort.parse("-_id,status").withTiebreak())
                .extracting(SortKey::toString)
                .containsExactly("-_id", "status");
        assertThat(Sort.none().withTiebreak()).extracting(SortKey::toString).containsExactly("_id");
    }

    @Test
    void malformedSortsAreRefused() {
        assertType(() -> Sort.parse("a,,b"), "invalid-sort");
        assertType(() -> Sort.parse("a,"), "invalid-sort");
        assertType(() -> Sort.parse("-"), "invalid-sort");
        assertType(() -> Sort.parse("a,-a"), "invalid-sort");
        assertType(() -> Sort.parse("a,b,c,d,e,f,g,h,i"), "invalid-sort");
        assertType(() -> Sort.parse("--a"), "invalid-field");
        assertType(() -> Sort.parse("a b"), "invalid-field");
        assertType(() -> Sort.parse("_other"), "unknown-field");
    }

    @Test
    void limitsAreWholeNumbersFromOneToTheMaximum() {
        assertThat(DocumentQuery.builder().build().limit()).isEqualTo(50);
        assertThat(DocumentQuery.builder().limit("1000").build().limit()).isEqualTo(1000);
        assertType(() -> DocumentQuery.builder().limit("1001"), "invalid-limit");
        assertType(() -> DocumentQuery.builder().limit("0"), "invalid-limit");
        assertType(() -> DocumentQuery.builder().limit("-5"), "invalid-limit");
        assertType(() -> DocumentQuery.builder().limit("ten"), "invalid-limit");
        assertType(() -> DocumentQuery.builder().limit("99999999999"), "invalid-limit");
    }

    @Test
    void fieldsParseIgnoringMetaFieldsAndDuplicates() {
        Fields fields = Fields.parse("name, customer.city,_id,name");

        assertThat(fields.whole()).isFalse();
        assertThat(fields.paths()).containsExactly(FieldPath.parse("name"), FieldPath.parse("customer.city"));
        assertThat(Fields.parse("").whole()).isTrue();
        assertType(() -> Fields.parse("a,,b"), "invalid-field");
        assertType(() -> Fields.parse("a;b"), "invalid-field");
    }

    @Test
    void projectionCopiesOnlyExistingPathsThroughObjects() {
        JsonMapper json = JsonMapper.builder().build();
        ObjectNode body = (ObjectNode) json.readTree("""
                {"a":{"b":1,"c":2},"items":[{"price":1}],"s":"x","n":null}""");

        assertThat(Fields.parse("a.b,items.price,s.x,n,missing.deep").project(body))
                .isEqualTo(json.readTree("{\"a\":{\"b\":1},\"n\":null}"));
        assertThat(Fields.of(List.of()).project(body)).hasToString("{}");
        assertThat(Fields.all().project(body)).isSameAs(body);
    }

    private static void assertType(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String type) {
        SiloException e = catchThrowableOfType(SiloException.class, call);
        assertThat(e).isNotNull();
        assertThat(e.type()).as(e.getMessage()).isEqualTo(type);
    }
}
