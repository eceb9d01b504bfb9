package io.silo.postgres.collection;

import static io.silo.postgres.collection.CollectionDatabase.json;
import static io.silo.postgres.collection.DocumentWritesTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.postgres.collection.query.Filter;
import io.silo.postgres.collection.query.GroupQuery;
import io.silo.template.CollectionSpec;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GroupingTest {
    private static final CollectionSpec SALES =
            CollectionDatabase.spec("sales", "", List.of(), List.of(), Set.of("margin"));
    private static final DocumentStore STORE = new DocumentStore();
    private static CollectionDatabase db;

    @BeforeAll
    static void fill() throws SQLException {
        db = CollectionDatabase.create("grouping");
        db.create(SALES);
        for (String body : List.of(
                "{\"region\":\"north\",\"total\":10,\"shop\":{\"city\":\"Oslo\"}}",
                "{\"region\":\"north\",\"total\":20.5,\"shop\":{\"city\":\"Oslo\"}}",
                "{\"region\":\"north\",\"total\":\"n/a\",\"shop\":{\"city\":\"Bergen\"}}",
                "{\"region\":\"south\",\"total\":5}",
                "{\"region\":\"south\",\"total\":{\"amount\":3}}",
                "{\"region\":\"south\"}",
                "{\"region\":\"south\",\"total\":-1}",
                "{\"total\":100}",
                "{\"region\":null,\"total\":1}",
                "{\"region\":\"east\",\"total\":true}")) {
            STORE.insert(db.connection(), SALES, json(body));
        }
        db.connection().commit();
    }

    @AfterAll
    static void close() throws SQLException {
        db.close();
    }

    @Test
    void groupsCountLargestFirstWithMissingFoldedIntoNull() {
        GroupResult result =
                STORE.group(db.connection(), SALES, GroupQuery.by("region").build());

        assertThat(result.groups())
                .extracting(group -> group.keys().getFirst().toString(), GroupResult.Group::count)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("\"south\"", 4L),
                        org.assertj.core.groups.Tuple.tuple("\"north\"", 3L),
                        org.assertj.core.groups.Tuple.tuple("null", 2L),
                        org.assertj.core.groups.Tuple.tuple("\"east\"", 1L));
        assertThat(result.truncated()).isFalse();
        assertThat(result.groups().getFirst().sum()).isEmpty();
    }

    @Test
    void aggregatesSkipValuesThatAreNotNumbers() {
        GroupResult result = STORE.group(
                db.connection(), SALES, GroupQuery.by("region").metric("total").build());

        GroupResult.Group north = group(result, "\"north\"");
        assertThat(north.count()).isEqualTo(3);
        assertThat(north.sum()).contains(new BigDecimal("30.5"));
        assertThat(north.avg()).contains(new BigDecimal("15.25"));
        assertThat(north.min()).contains(new BigDecimal("10"));
        assertThat(north.max()).contains(new BigDecimal("20.5"));
        GroupResult.Group south = group(result, "\"south\"");
        assertThat(south.sum()).contains(new BigDecimal("4"));
        assertThat(south.avg()).contains(new BigDecimal("2"));
        assertThat(south.min()).contains(new BigDecimal("-1"));
        GroupResult.Group east = group(result, "\"east\"");
        assertThat(east.sum()).isEmpty();
        assertThat(east.toJson().toString()).isEqualTo("{\"key\":\"east\",\"count\":1}");
        assertThat(north.toJson().toString())
                .isEqualTo("{\"key\":\"north\",\"count\":3,\"sum\":30.5,\"avg\":15.25,\"min\":10,\"max\":20.5}");
    }

    @Test
    void groupingHonoursTheFilterNestedPathsAndLimit() {
        GroupResult cities = STORE.group(
                db.connection(),
                SALES,
                GroupQuery.by("shop.city")
                        .filter("{\"region\":\"north\"}")
                        .metric("total")
                        .build());
        assertThat(cities.groups())
                .extracting(group -> group.keys().getFirst().toString())
                .containsExactly("\"Oslo\"", "\"Bergen\"");

        GroupResult top = STORE.group(
                db.connection(), SALES, GroupQuery.by("region").limit("2").build());
        assertThat(top.groups()).hasSize(2);
        assertThat(top.truncated()).isTrue();
        assertThat(top.toJson().get("truncated").booleanValue()).isTrue();
    }

    @Test
    void severalKeysMakeOneGroupPerCombinationOrderedAsAsked() {
        GroupQuery.Builder byRegionAndCity = GroupQuery.by("region,shop.city");

        assertThat(rows(STORE.group(
                        db.connection(), SALES, byRegionAndCity.order("keys").build())))
                .containsExactly(
                        "[null,null] 2",
                        "[\"east\",null] 1",
                        "[\"north\",\"Bergen\"] 1",
                        "[\"north\",\"Oslo\"] 2",
                        "[\"south\",null] 4");
        assertThat(rows(STORE.group(
                        db.connection(), SALES, byRegionAndCity.order("count").build())))
                .containsExactly(
                        "[\"south\",null] 4",
                        "[null,null] 2",
                        "[\"north\",\"Oslo\"] 2",
                        "[\"east\",null] 1",
                        "[\"north\",\"Bergen\"] 1");
    }

    @Test
    void malformedGroupingsAreRefusedBeforeAnySql() {
        assertProblem(() -> GroupQuery.by("region,region"), "invalid-grouping");
        assertProblem(() -> GroupQuery.by("region:day, region:day"), "invalid-grouping");
        assertProblem(() -> GroupQuery.by("a,b,c,d,e,f,g,h,i"), "invalid-grouping");
        assertProblem(() -> GroupQuery.by("region,"), "invalid-grouping");
        assertProblem(() -> GroupQuery.by("region:hour"), "invalid-grouping");
        assertProblem(() -> GroupQuery.by("region:day").timeZone("Europe/berlin"), "invalid-grouping");
        assertProblem(() -> GroupQuery.by("region:day").order("-count"), "invalid-grouping");
        assertProblem(() -> GroupQuery.by("_version:day"), "invalid-field");
        assertThat(GroupQuery.by("_createdAt:week,region").build().keys()).hasSize(2);
        // PostgreSQL reads a bare offset west-positive: +02:00 would cut days two hours the wrong way
        assertProblem(
                () -> new GroupQuery(
                        Filter.all(),
                        GroupQuery.by("region:day").build().keys(),
                        Optional.empty(),
                        ZoneOffset.ofHours(2),
                        GroupQuery.Order.KEYS,
                        10),
                "invalid-grouping");
        assertProblem(
                () -> STORE.group(
                        db.connection(),
                        SALES,
                        GroupQuery.by("region,margin:month").build()),
                "unknown-field");
    }

    @Test
    void groupingRefusesMetaAndPrivateFieldsAndBadLimits() {
        assertProblem(() -> GroupQuery.by("_createdAt"), "invalid-field");
        assertProblem(() -> GroupQuery.by("region").metric("_version"), "invalid-field");
        assertProblem(() -> GroupQuery.by("a'b"), "invalid-field");
        assertProblem(
                () -> STORE.group(
                        db.connection(), SALES, GroupQuery.by("margin").build()),
                "unknown-field");
        assertProblem(
                () -> STORE.group(
                        db.connection(),
                        SALES,
                        GroupQuery.by("region").metric("margin").build()),
                "unknown-field");
        assertProblem(() -> GroupQuery.by("region").limit("0"), "invalid-limit");
        assertProblem(() -> GroupQuery.by("region").limit("1001"), "invalid-limit");
    }

    private static List<String> rows(GroupResult result) {
        return result.groups().stream()
                .map(group -> group.toJson().get("key") + " " + group.count())
                .toList();
    }

    private static GroupResult.Group group(GroupResult result, String key) {
        Optional<GroupResult.Group> found = result.groups().stream()
                .filter(group -> group.keys().getFirst().toString().equals(key))
                .findFirst();
        return found.orElseThrow();
    }
}
