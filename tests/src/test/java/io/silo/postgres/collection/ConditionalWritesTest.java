package io.silo.postgres.collection;

import static io.silo.postgres.collection.CollectionDatabase.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.silo.error.SiloException;
import io.silo.postgres.collection.query.Filter;
import io.silo.postgres.collection.query.FilterParser;
import io.silo.template.CollectionSpec;
import io.silo.testing.TestClock;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingSupplier;

/** Writes with a condition on the document's content: done when it matches, 409 and nothing written when not. */
class ConditionalWritesTest {
    private static final CollectionSpec PRODUCTS =
            CollectionDatabase.spec("products", "", List.of(), List.of(), Set.of("secret"));
    private static CollectionDatabase db;

    private final DocumentStore store = new DocumentStore(new TestClock());

    @BeforeAll
    static void createTables() throws SQLException {
        db = CollectionDatabase.create("conditions");
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
    void aPatchHappensOnlyWhileTheConditionHolds() {
        Document product = store.insert(db.connection(), PRODUCTS, json("{\"stock\":3}"));
        Optional<Filter> enough = condition("{\"stock\":{\"$gte\":2}}");

        Document sold = patch(product, "{\"$inc\":{\"stock\":-2}}", enough);
        assertThat(sold.body().get("stock").intValue()).isEqualTo(1);

        SiloException refused = problem(() -> patch(product, "{\"$inc\":{\"stock\":-2}}", enough), "condition-failed");
        assertThat(refused.extensions()).containsEntry("currentVersion", 2L);
        assertThat(store.get(db.connection(), PRODUCTS, product.id()).version()).isEqualTo(2);
    }

    @Test
    void replaceAndDeleteTakeConditionsToo() {
        Document product = store.insert(db.connection(), PRODUCTS, json("{\"status\":\"draft\"}"));
        Optional<Filter> published = condition("{\"status\":\"published\"}");

        problem(
                () -> store.replace(
                        db.connection(),
                        PRODUCTS,
                        DocumentRules.NONE,
                        product.id(),
                        json("{\"status\":\"gone\"}"),
                        OptionalLong.empty(),
                        published,
                        Optional.empty()),
                "condition-failed");
        problem(
                () -> {
                    store.delete(
                            db.connection(),
                            PRODUCTS,
                            DocumentRules.NONE,
                            product.id(),
                            OptionalLong.empty(),
                            published,
                            Optional.empty());
                    return null;
                },
                "condition-failed");
        assertThat(store.find(db.connection(), PRODUCTS, product.id())).isPresent();

        store.delete(
                db.connection(),
                PRODUCTS,
                DocumentRules.NONE,
                product.id(),
                OptionalLong.empty(),
                condition("{\"status\":\"draft\"}"),
                Optional.empty());
        assertThat(store.find(db.connection(), PRODUCTS, product.id())).isEmpty();
    }

    @Test
    void aConditionMayNotAskAboutPrivateFields() {
        Document product = store.insert(db.connection(), PRODUCTS, json("{\"stock\":1,\"secret\":\"x\"}"));

        problem(() -> patch(product, "{\"stock\":2}", condition("{\"secret\":\"x\"}")), "unknown-field");
    }

    private Document patch(Document document, String body, Optional<Filter> condition) {
        return store.patch(
                db.connection(),
                PRODUCTS,
                DocumentRules.NONE,
                document.id(),
                json(body),
                OptionalLong.empty(),
                condition,
                Optional.empty());
    }

    private static Optional<Filter> condition(String filter) {
        return Optional.of(FilterParser.parse(filter));
    }

    private static SiloException problem(ThrowingSupplier<?> write, String type) {
        SiloException e = catchThrowableOfType(SiloException.class, write::get);
        assertThat(e).isNotNull();
        assertThat(e.type()).isEqualTo(type);
        return e;
    }
}
