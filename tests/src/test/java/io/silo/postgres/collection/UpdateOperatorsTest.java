package io.silo.postgres.collection;

import static io.silo.postgres.collection.CollectionDatabase.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.silo.error.SiloException;
import io.silo.template.CollectionSpec;
import io.silo.testing.TestClock;
import java.sql.SQLException;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Update operators on real PostgreSQL: each operator, exact decimals, the schema on the result, and bad updates refused whole. */
class UpdateOperatorsTest {
    private static final CollectionSpec PRODUCTS = CollectionDatabase.spec(
            "products",
            "{\"type\":\"object\",\"properties\":{\"stock\":{\"type\":\"integer\",\"minimum\":0}}}",
            List.of(),
            List.of(),
            Set.of());
    private static CollectionDatabase db;

    private final DocumentStore store = new DocumentStore(new TestClock());

    @BeforeAll
    static void createTables() throws SQLException {
        db = CollectionDatabase.create("operators");
        db.create(PRODUCTS);
    }

    @AfterEach
    void rollback() throws SQLException {
        db.rollback();
    }

    @AfterAll
    static void close() throws SQLException {
        db.close();
    }

    @Test
    void eachOperatorChangesWhatItNamesAndNothingElse() {
        Document product = insert("{\"name\":\"Rum\",\"stock\":10,\"price\":0.1,\"tags\":[\"dark\"],\"old\":true,"
                + "\"totals\":{\"sold\":2}}");

        Document changed = patch(
                product,
                "{\"$inc\":{\"stock\":-3,\"price\":0.2,\"totals.sold\":3,\"totals.returned\":1},"
                        + "\"$set\":{\"name\":\"Dark rum\",\"supplier.name\":\"Acme\"},\"$unset\":{\"old\":\"\"},"
                        + "\"$push\":{\"tags\":{\"$each\":[\"aged\",\"dark\"]}},\"$addToSet\":{\"labels\":\"new\"}}");

        assertThat(changed.body())
                .isEqualTo(
                        json(
                                "{\"name\":\"Dark rum\",\"stock\":7,\"price\":0.3,\"tags\":[\"dark\",\"aged\",\"dark\"],"
                                        + "\"totals\":{\"sold\":5,\"returned\":1},\"supplier\":{\"name\":\"Acme\"},\"labels\":[\"new\"]}"));
        assertThat(changed.body().get("price").decimalValue())
                .as("exact decimal arithmetic: 0.1 + 0.2 is 0.3")
                .isEqualByComparingTo("0.3");
        assertThat(changed.version()).isEqualTo(2);

        Document pulled = patch(
                changed, "{\"$pull\":{\"tags\":\"dark\"},\"$addToSet\":{\"labels\":{\"$each\":[\"new\",\"sale\"]}}}");
        assertThat(pulled.body().get("tags")).isEqualTo(json("[\"aged\"]"));
        assertThat(pulled.body().get("labels")).isEqualTo(json("[\"new\",\"sale\"]"));
    }

    @Test
    void theResultMustFitTheSchema() {
        Document product = insert("{\"stock\":1}");
        patch(product, "{\"$inc\":{\"stock\":-1}}");

        SiloException refused = problem(product, "{\"$inc\":{\"stock\":-1}}", "schema-violation");

        assertThat(refused.getMessage()).contains("stock");
        assertThat(store.get(db.connection(), PRODUCTS, product.id())
                        .body()
                        .get("stock")
                        .intValue())
                .as("stock never below the schema's minimum")
                .isZero();
    }

    @Test
    void badUpdatesAreRefusedWhole() {
        Document product = insert("{\"stock\":5,\"name\":\"Gin\",\"tags\":\"x\"}");
        for (String update : List.of(
                "{\"$rename\":{\"name\":\"title\"}}",
                "{\"$inc\":{\"stock\":1},\"name\":\"Vodka\"}",
                "{\"$inc\":{\"stock\":\"many\"}}",
                "{\"$inc\":{\"name\":1}}",
                "{\"$push\":{\"tags\":\"y\"}}",
                "{\"$set\":{\"stock\":1},\"$inc\":{\"stock\":1}}",
                "{\"$set\":{\"a..b\":1}}",
                "{\"$set\":{\"name.first\":\"x\"}}",
                "{\"$set\":{}}",
                "{\"$set\":[1]}")) {
            problem(product, update, "invalid-update");
        }
        problem(product, "{\"$set\":{\"_version\":9}}", "reserved-field");
        problem(product, "{\"$set\":{\"meta\":{\"$where\":1}}}", "invalid-field-name");
        assertThat(store.get(db.connection(), PRODUCTS, product.id()).version())
                .as("nothing was written")
                .isEqualTo(1);
    }

    private Document insert(String body) {
        return store.insert(db.connection(), PRODUCTS, json(body));
    }

    private Document patch(Document document, String update) {
        return store.patch(db.connection(), PRODUCTS, document.id(), json(update), OptionalLong.empty());
    }

    private SiloException problem(Document document, String update, String type) {
        SiloException e = catchThrowableOfType(SiloException.class, () -> patch(document, update));
        assertThat(e).as(update).isNotNull();
        assertThat(e.type()).as(update).isEqualTo(type);
        return e;
    }
}
