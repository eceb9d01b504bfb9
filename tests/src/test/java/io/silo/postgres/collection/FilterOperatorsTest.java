package io.silo.postgres.collection;

import static io.silo.postgres.collection.CollectionDatabase.json;
import static io.silo.postgres.collection.DocumentWritesTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.postgres.collection.query.DocumentQuery;
import io.silo.postgres.collection.query.FilterParser;
import io.silo.template.CollectionSpec;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every operator of the filter language against one fixed set of documents. */
class FilterOperatorsTest {
    private static final CollectionSpec ITEMS =
            CollectionDatabase.spec("items", "", List.of("status"), List.of(), Set.of("cost"));
    private static final DocumentWritesTest.TickingClock CLOCK =
            new DocumentWritesTest.TickingClock(Instant.parse("2024-01-01T00:00:00Z"));
    private static final DocumentStore STORE = new DocumentStore(CLOCK);
    private static CollectionDatabase db;
    private static List<Document> inserted;

    @BeforeAll
    static void fill() throws SQLException {
        db = CollectionDatabase.create("filters");
        db.create(ITEMS);
        inserted = List.of(
                insert(
                        "{\"name\":\"apple\",\"status\":\"paid\",\"price\":10,\"tags\":[\"fruit\",\"red\"],\"customer\":{\"address\":{\"city\":\"Paris\"}},\"cost\":1}"),
                insert(
                        "{\"name\":\"banana\",\"status\":\"paid\",\"price\":2.5,\"tags\":[\"fruit\"],\"customer\":{\"address\":{\"city\":\"Lyon\"}}}"),
                insert(
                        "{\"name\":\"cherry\",\"status\":\"open\",\"price\":30,\"tags\":[],\"customer\":{\"vip\":true}}"),
                insert("{\"name\":\"date\",\"status\":\"void\",\"price\":\"12\",\"note\":null}"),
                insert("{\"name\":\"elder\",\"price\":true,\"tags\":\"fruit\"}"),
                insert("{\"name\":\"fig\",\"status\":\"open\",\"price\":{\"amount\":5},\"customer\":\"walk-in\"}"));
        db.connection().commit();
    }

    private static Document insert(String body) {
        CLOCK.advance(Duration.ofMinutes(1));
        return STORE.insert(db.connection(), ITEMS, json(body));
    }

    @AfterAll
    static void close() throws SQLException {
        db.close();
    }

    @Test
    void implicitEqualityMatchesExactly() {
        assertThat(names("{\"status\":\"paid\"}")).containsExactly("apple", "banana");
        assertThat(names("{\"status\":\"paid\",\"price\":10}")).containsExactly("apple");
        assertThat(names("{\"price\":10.0}")).containsExactly("apple");
        assertThat(names("{\"price\":\"12\"}")).containsExactly("date");
        assertThat(names("{\"price\":12}")).isEmpty();
    }

    @Test
    void equalityOnAnArrayIsExactAndContainsLooksInside() {
        assertThat(names("{\"tags\":[\"fruit\"]}")).containsExactly("banana");
        assertThat(names("{\"tags\":\"fruit\"}")).containsExactly("elder");
        assertThat(names("{\"tags\":{\"$contains\":\"fruit\"}}")).containsExactly("apple", "banana");
        assertThat(names("{\"tags\":{\"$contains\":[\"red\",\"fruit\"]}}")).containsExactly("apple");
        assertThat(names("{\"customer\":{\"$contains\":{\"vip\":true}}}")).containsExactly("cherry");
    }

    @Test
    void equalityWithAnObjectComparesTheWholeObject() {
        assertThat(names("{\"price\":{\"amount\":5}}")).containsExactly("fig");
        assertThat(names("{\"customer\":{\"vip\":true}}")).containsExactly("cherry");
    }

    @Test
    void eqAndNe() {
        assertThat(names("{\"status\":{\"$eq\":\"open\"}}")).containsExactly("cherry", "fig");
        assertThat(names("{\"status\":{\"$ne\":\"paid\"}}")).containsExactly("cherry", "date", "elder", "fig");
    }

    @Test
    void nullMatchesNullAndMissing() {
        assertThat(names("{\"note\":null}")).containsExactly("apple", "banana", "cherry", "date", "elder", "fig");
        assertThat(names("{\"status\":null}")).containsExactly("elder");
        assertThat(names("{\"status\":{\"$ne\":null}}")).containsExactly("apple", "banana", "cherry", "date", "fig");
        assertThat(names("{\"note\":{\"$exists\":true}}")).containsExactly("date");
    }

    @Test
    void orderOperatorsCompareOnlyWithinTheValueType() {
        assertThat(names("{\"price\":{\"$gt\":5}}")).containsExactly("apple", "cherry");
        assertThat(names("{\"price\":{\"$gte\":10}}")).containsExactly("apple", "cherry");
        assertThat(names("{\"price\":{\"$lt\":10}}")).containsExactly("banana");
        assertThat(names("{\"price\":{\"$lte\":10}}")).containsExactly("apple", "banana");
        assertThat(names("{\"price\":{\"$gt\":2,\"$lt\":20}}")).containsExactly("apple", "banana");
        assertThat(names("{\"name\":{\"$gte\":\"c\",\"$lt\":\"e\"}}")).containsExactly("cherry", "date");
        assertThat(names("{\"price\":{\"$gte\":\"1\"}}")).containsExactly("date");
        assertThat(names("{\"price\":{\"$gt\":false}}")).containsExactly("elder");
    }

    @Test
    void inAndNin() {
        assertThat(names("{\"status\":{\"$in\":[\"open\",\"void\"]}}")).containsExactly("cherry", "date", "fig");
        assertThat(names("{\"status\":{\"$in\":[\"open\",null]}}")).containsExactly("cherry", "elder", "fig");
        assertThat(names("{\"status\":{\"$in\":[]}}")).isEmpty();
        assertThat(names("{\"status\":{\"$nin\":[\"open\",\"void\"]}}")).containsExactly("apple", "banana", "elder");
        assertThat(names("{\"status\":{\"$nin\":[]}}")).hasSize(6);
    }

    @Test
    void exists() {
        assertThat(names("{\"status\":{\"$exists\":false}}")).containsExactly("elder");
        assertThat(names("{\"customer.address\":{\"$exists\":true}}")).containsExactly("apple", "banana");
    }

    @Test
    void nestedPathsGoThroughObjectsOnly() {
        assertThat(names("{\"customer.address.city\":\"Paris\"}")).containsExactly("apple");
        assertThat(names("{\"customer.address.city\":{\"$in\":[\"Paris\",\"Lyon\"]}}"))
                .containsExactly("apple", "banana");
        assertThat(names("{\"customer.vip\":true}")).containsExactly("cherry");
        assertThat(names("{\"price.amount\":{\"$gte\":5}}")).containsExactly("fig");
        assertThat(names("{\"customer.address.city\":{\"$exists\":false}}"))
                .containsExactly("cherry", "date", "elder", "fig");
    }

    @Test
    void andOrNorNot() {
        assertThat(names("{\"$and\":[{\"status\":\"paid\"},{\"price\":{\"$lt\":5}}]}"))
                .containsExactly("banana");
        assertThat(names("{\"$or\":[{\"status\":\"void\"},{\"price\":{\"$gte\":30}}]}"))
                .containsExactly("cherry", "date");
        assertThat(names("{\"$nor\":[{\"status\":\"paid\"},{\"status\":\"open\"}]}"))
                .containsExactly("date", "elder");
        assertThat(names("{\"$not\":{\"status\":\"paid\"}}")).containsExactly("cherry", "date", "elder", "fig");
        assertThat(names("{\"price\":{\"$not\":{\"$gt\":5}}}")).containsExactly("banana", "date", "elder", "fig");
        assertThat(names("{\"$or\":[{\"$and\":[{\"status\":\"paid\"},{\"price\":10}]},{\"name\":\"fig\"}]}"))
                .containsExactly("apple", "fig");
    }

    @Test
    void metaFieldsMapToTheirColumns() {
        Document banana = inserted.get(1);
        assertThat(names("{\"_id\":\"" + banana.id() + "\"}")).containsExactly("banana");
        assertThat(names("{\"_id\":{\"$in\":[\"" + banana.id() + "\",\""
                        + inserted.get(3).id() + "\"]}}"))
                .containsExactly("banana", "date");
        assertThat(names("{\"_id\":{\"$ne\":\"" + banana.id() + "\"}}")).hasSize(5);
        assertThat(names("{\"_version\":1}")).hasSize(6);
        assertThat(names("{\"_version\":{\"$gt\":1}}")).isEmpty();
        assertThat(names("{\"_createdAt\":{\"$gt\":\"" + inserted.get(3).createdAt() + "\"}}"))
                .containsExactly("elder", "fig");
        assertThat(names("{\"_updatedAt\":{\"$lte\":\"2024-01-01T00:02:00+00:00\"}}"))
                .containsExactly("apple", "banana");
        assertThat(names("{\"_id\":{\"$exists\":true}}")).hasSize(6);
        assertThat(names("{\"_id\":{\"$exists\":false}}")).isEmpty();
    }

    @Test
    void wrongValuesForMetaFieldsAreInvalidFilters() {
        assertProblem(() -> FilterParser.parse("{\"_id\":\"nope\"}"), "invalid-filter");
        assertProblem(() -> FilterParser.parse("{\"_id\":\"" + UUID.randomUUID() + "' OR '1'='1\"}"), "invalid-filter");
        assertProblem(() -> FilterParser.parse("{\"_version\":\"1\"}"), "invalid-filter");
        assertProblem(() -> FilterParser.parse("{\"_createdAt\":{\"$gt\":\"yesterday\"}}"), "invalid-filter");
        assertProblem(() -> FilterParser.parse("{\"_id\":null}"), "invalid-filter");
    }

    @Test
    void countUsesTheSameFilter() {
        assertThat(STORE.count(db.connection(), ITEMS, FilterParser.parse("{\"status\":\"paid\"}")))
                .isEqualTo(2);
        assertThat(STORE.count(db.connection(), ITEMS, FilterParser.parse("{}")))
                .isEqualTo(6);
        assertThat(STORE.count(db.connection(), ITEMS, FilterParser.parse(""))).isEqualTo(6);
    }

    @Test
    void privateFieldsCannotBeFilteredOn() {
        assertProblem(
                () -> STORE.query(
                        db.connection(),
                        ITEMS,
                        DocumentQuery.builder().filter("{\"cost\":{\"$gt\":0}}").build()),
                "unknown-field");
        assertProblem(
                () -> STORE.count(db.connection(), ITEMS, FilterParser.parse("{\"$or\":[{\"a\":1},{\"cost.x\":1}]}")),
                "unknown-field");
    }

    private static List<String> names(String filter) {
        return STORE
                .query(
                        db.connection(),
                        ITEMS,
                        DocumentQuery.builder().filter(filter).sort("name").build())
                .items()
                .stream()
                .map(document -> document.body().get("name").stringValue())
                .toList();
    }
}
