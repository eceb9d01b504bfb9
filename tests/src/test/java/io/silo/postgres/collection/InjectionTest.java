package io.silo.postgres.collection;

import static io.silo.postgres.collection.CollectionDatabase.json;
import static io.silo.postgres.collection.DocumentWritesTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.crypto.Ids;
import io.silo.error.SiloException;
import io.silo.postgres.collection.query.DateBucket;
import io.silo.postgres.collection.query.DocumentField;
import io.silo.postgres.collection.query.DocumentQuery;
import io.silo.postgres.collection.query.Filter;
import io.silo.postgres.collection.query.GroupKey;
import io.silo.postgres.collection.query.GroupQuery;
import io.silo.template.CollectionSpec;
import io.silo.template.FieldPath;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

/** Hostile input in every place a query takes text: values are bound, everything else is refused. */
class InjectionTest {
    private static final CollectionSpec ORDERS =
            CollectionDatabase.spec("orders", "", List.of("status"), List.of("code"), Set.of());
    private static final DocumentStore STORE = new DocumentStore();
    private static final List<String> HOSTILE = List.of(
            "'; DROP TABLE orders; --",
            "x' OR '1'='1",
            "\" OR \"\"=\"",
            "a/* comment */b",
            "a -- comment",
            "1; SELECT pg_sleep(10)",
            "$1",
            "?",
            "doc->>'status'",
            "a')::jsonb OR TRUE OR ('",
            "\u02bc OR 1=1 --",
            "\uff07; DROP TABLE orders; --",
            "ѕtatus",
            "status\u200b",
            "sta\u0301tus",
            "a\\'b",
            "%' OR 1=1",
            "\\x27");
    private static CollectionDatabase db;

    @BeforeAll
    static void fill() throws SQLException {
        db = CollectionDatabase.create("injection");
        db.create(ORDERS);
        STORE.insert(db.connection(), ORDERS, json("{\"status\":\"paid\",\"code\":\"A\"}"));
        STORE.insert(db.connection(), ORDERS, json("{\"status\":\"open\",\"code\":\"B\"}"));
        db.connection().commit();
    }

    @AfterEach
    void tableIsIntact() throws SQLException {
        db.rollback();
        assertThat(STORE.count(db.connection(), ORDERS, Filter.all())).isEqualTo(2);
        db.rollback();
    }

    @AfterAll
    static void close() throws SQLException {
        db.close();
    }

    @Test
    void hostileValuesAreBoundAndMatchNothing() {
        for (String value : HOSTILE) {
            String quoted = JsonNodeFactory.instance.stringNode(value).toString();
            for (String filter : List.of(
                    "{\"status\":" + quoted + "}",
                    "{\"status\":{\"$gt\":" + quoted + ",\"$lt\":\"a\"}}",
                    "{\"status\":{\"$in\":[" + quoted + "]}}",
                    "{\"status\":{\"$contains\":" + quoted + "}}",
                    "{\"status\":{\"$eq\":{" + quoted + ":" + quoted + "}}}")) {
                assertThat(query(DocumentQuery.builder().filter(filter)).items())
                        .as(filter)
                        .isEmpty();
            }
            assertThat(query(DocumentQuery.builder().filter("{\"status\":{\"$ne\":" + quoted + "}}"))
                            .items())
                    .hasSize(2);
        }
    }

    @Test
    void hostileValuesAreStoredVerbatim() {
        for (String value : HOSTILE) {
            Document doc = STORE.insert(
                    db.connection(),
                    ORDERS,
                    JsonNodeFactory.instance.objectNode().put("status", value));
            assertThat(STORE.get(db.connection(), ORDERS, doc.id())
                            .body()
                            .get("status")
                            .stringValue())
                    .isEqualTo(value);
        }
    }

    @Test
    void hostileFieldNamesAreInvalidFields() {
        for (String name : HOSTILE) {
            String quoted = JsonNodeFactory.instance.stringNode(name).toString();
            // a key starting with $ is read as an operator, and refused as one
            SiloException e = assertProblem(
                    () -> DocumentQuery.builder().filter("{" + quoted + ":1}"),
                    name.startsWith("$") ? "invalid-filter" : "invalid-field");
            assertThat(e.getMessage()).containsAnyOf("is not a field path", "unknown operator");
            assertProblem(
                    () -> DocumentQuery.builder().filter("{\"customer." + quoted.substring(1) + ":1}"),
                    "invalid-field");
            assertProblem(() -> DocumentQuery.builder().fields("status," + name), "invalid-field");
            assertProblem(() -> GroupQuery.by(name), "invalid-field");
            assertProblem(() -> GroupQuery.by("status").metric(name), "invalid-field");
            assertProblem(() -> GroupQuery.by(name + ":day"), "invalid-field");
            assertProblem(() -> GroupQuery.by("status:" + name), "invalid-grouping");
            assertProblem(() -> GroupQuery.by("status").timeZone(name), "invalid-grouping");
            assertProblem(() -> GroupQuery.by("status").order(name), "invalid-grouping");
        }
    }

    @Test
    void hostileSortKeysAreRefused() {
        for (String name : HOSTILE) {
            SiloException e = org.assertj.core.api.Assertions.catchThrowableOfType(
                    SiloException.class, () -> DocumentQuery.builder().sort("status,-" + name));
            assertThat(e).as(name).isNotNull();
            assertThat(e.type()).isIn("invalid-field", "invalid-sort");
        }
        assertProblem(() -> DocumentQuery.builder().sort("status DESC"), "invalid-field");
        assertProblem(() -> DocumentQuery.builder().sort("status;"), "invalid-field");
        assertProblem(() -> DocumentQuery.builder().sort("(SELECT 1)"), "invalid-field");
    }

    @Test
    void hostileOperatorsAreInvalidFilters() {
        for (String operator : List.of(
                "$where", "$gt; DROP TABLE orders", "$regex", "$expr", "$function", "$ eq", "$EQ", "$eq\u0000", "$")) {
            String quoted = JsonNodeFactory.instance.stringNode(operator).toString();
            assertProblem(
                    () -> DocumentQuery.builder().filter("{\"status\":{" + quoted + ":\"paid\"}}"), "invalid-filter");
            assertProblem(
                    () -> DocumentQuery.builder().filter("{" + quoted + ":[{\"status\":\"paid\"}]}"), "invalid-filter");
        }
    }

    @Test
    void pathsBuiltWithoutParsingAreCheckedBeforeSql() {
        FieldPath forged = new FieldPath(List.of("status') OR TRUE --"));
        Filter filter = new Filter.Comparison(new DocumentField.Path(forged), Filter.Operator.EQ, json("\"x\""));

        assertProblem(() -> STORE.count(db.connection(), ORDERS, filter), "invalid-field");
        assertProblem(
                () -> STORE.group(
                        db.connection(),
                        ORDERS,
                        new GroupQuery(
                                Filter.all(),
                                List.of(new GroupKey(new DocumentField.Path(forged), Optional.of(DateBucket.DAY))),
                                Optional.empty(),
                                GroupQuery.UTC,
                                GroupQuery.Order.KEYS,
                                10)),
                "invalid-field");
    }

    @Test
    void aCollectionNameThatIsNoIdentifierNeverReachesSql() {
        CollectionSpec hostile = CollectionDatabase.spec("orders\"; DROP TABLE orders; --");

        SiloException e = org.assertj.core.api.Assertions.catchThrowableOfType(
                SiloException.class, () -> STORE.count(db.connection(), hostile, Filter.all()));

        assertThat(e).isNotNull();
        assertThat(e.type()).isEqualTo("internal-error");
    }

    @Test
    void hostileIdsInPathsAreInvalidIds() {
        for (String id : HOSTILE) {
            assertProblem(() -> Ids.parse(id, "id"), "invalid-id");
        }
    }

    private static Page query(DocumentQuery.Builder builder) {
        return STORE.query(db.connection(), ORDERS, builder.build());
    }
}
