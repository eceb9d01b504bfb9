package io.silo.postgres.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.silo.error.SiloException;
import io.silo.postgres.jdbc.Handle;
import io.silo.postgres.jdbc.Jdbc;
import io.silo.postgres.jdbc.Transactions;
import io.silo.postgres.schema.SchemaApplier;
import io.silo.template.TemplateLoader;
import io.silo.testing.TestClock;
import io.silo.testing.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The first answers to keyed requests: given again to the same caller's same request for a day,
 * refused to another request with the key, never another caller's, and refused at once while the
 * key's first request still runs.
 */
class IdempotencyStoreTest {
    private static final TestPostgres POSTGRES = TestPostgres.primary();
    private static final Answer CREATED =
            new Answer(201, Map.of("Location", "/api/data/shop/sales/1", "ETag", "\"1\""), Optional.of("{\"a\":1}"));

    private static String database;

    private final TestClock clock = new TestClock();
    private final IdempotencyStore store = new IdempotencyStore(clock);
    private final UUID ada = UUID.randomUUID();

    @BeforeAll
    static void createDatabase() throws SQLException {
        database = POSTGRES.createDatabase("idempotency");
        try (Connection connection = POSTGRES.connect(database)) {
            SchemaApplier.apply(connection, TemplateLoader.load("shop.yaml", """
                    service: shop
                    version: 1
                    roles:
                      clerk: {read: ["*"], write: ["*"]}
                    migrations:
                      - version: 1
                    """));
        }
    }

    @Test
    void theSameRequestGetsTheFirstAnswerAndAnotherRequestIsRefused() {
        IdempotentRequest sale = request("till-7-sale-1", "POST", "{\"total\": 5}");

        assertThat(claim(ada, sale)).isEmpty();
        inTransaction(handle -> {
            store.claim(handle, ada, sale);
            store.remember(handle, ada, sale, CREATED);
            return null;
        });

        assertThat(claim(ada, sale)).contains(CREATED);
        SiloException reused = catchThrowableOfType(
                SiloException.class,
                () -> inTransaction(
                        handle -> store.claim(handle, ada, request("till-7-sale-1", "POST", "{\"total\": 6}"))));
        assertThat(reused.type()).isEqualTo("idempotency-key-reused");
        assertThat(claim(UUID.randomUUID(), sale))
                .as("another caller's key of the same name is another key")
                .isEmpty();
    }

    @Test
    void anAnswerIsKeptADayThenTheKeyIsFreeAndSwept() {
        IdempotentRequest sale = request("till-7-sale-2", "POST", "{\"total\": 5}");
        IdempotentRequest old = request("till-7-sale-0", "POST", "{\"total\": 1}");
        remember(old, CREATED);
        clock.advance(Duration.ofMinutes(1));
        remember(sale, CREATED);

        clock.advance(IdempotencyStore.KEPT.minusSeconds(1));
        assertThat(claim(ada, sale)).contains(CREATED);

        clock.advance(Duration.ofSeconds(2));
        IdempotentRequest another = request("till-7-sale-2", "DELETE", "");
        assertThat(claim(ada, another))
                .as("expired: the key serves a new request")
                .isEmpty();
        Answer deleted = new Answer(204, Map.of(), Optional.empty());
        remember(another, deleted);
        assertThat(claim(ada, another)).contains(deleted);
        assertThat(keys())
                .as("the write that took the key over swept the older one")
                .doesNotContain("till-7-sale-0");

        clock.advance(IdempotencyStore.KEPT.plusSeconds(1));
        assertThat(inTransaction(store::sweep)).isPositive();
        assertThat(keys()).doesNotContain("till-7-sale-2");
    }

    @Test
    void whileTheFirstRequestRunsARetryIsRefusedAtOnceThenGetsItsAnswer() throws SQLException {
        IdempotentRequest sale = request("till-7-sale-3", "POST", "{\"total\": 5}");
        try (Connection first = POSTGRES.connect(database)) {
            first.setAutoCommit(false);
            Handle running = new Handle(first);
            assertThat(store.claim(running, ada, sale)).isEmpty();

            SiloException busy = catchThrowableOfType(SiloException.class, () -> claim(ada, sale));
            assertThat(busy.type()).isEqualTo("idempotency-key-in-use");
            assertThat(busy.retryAfter()).contains(Duration.ofSeconds(1));

            store.remember(running, ada, sale, CREATED);
            first.commit();
        }
        assertThat(claim(ada, sale)).contains(CREATED);
    }

    @Test
    void aDatabaseWithoutTheTableSaysSo() throws SQLException {
        String old = POSTGRES.createDatabase("idempotency_old");
        try (Connection connection = POSTGRES.connect(old)) {
            SiloException outdated = catchThrowableOfType(
                    SiloException.class,
                    () -> Transactions.run(connection, handle -> store.claim(handle, ada, request("k", "POST", "{}"))));
            assertThat(outdated.type()).isEqualTo("database-outdated");
            assertThat(outdated.extensions()).containsEntry("table", "silo_idempotency");
        }
    }

    @Test
    void keysAreOneToTwoHundredFiftyFivePrintableAsciiCharacters() {
        assertThat(IdempotentRequest.of("a", List.of()).key()).isEqualTo("a");
        assertThat(IdempotentRequest.of(" ~".repeat(127) + "x", List.of()).key())
                .hasSize(255);
        for (String bad : List.of("", "x".repeat(256), "tab\there", "é", "line\nbreak")) {
            SiloException refused =
                    catchThrowableOfType(SiloException.class, () -> IdempotentRequest.of(bad, List.of()));
            assertThat(refused.type()).as(bad).isEqualTo("invalid-idempotency-key");
            assertThat(refused.extensions()).containsEntry("field", "Idempotency-Key");
        }
        assertThat(IdempotentRequest.of("k", List.of("ab", "c")).digest())
                .as("parts are counted apart")
                .isNotEqualTo(IdempotentRequest.of("k", List.of("a", "bc")).digest());
    }

    private Optional<Answer> claim(UUID user, IdempotentRequest request) {
        return inTransaction(handle -> store.claim(handle, user, request));
    }

    private void remember(IdempotentRequest request, Answer answer) {
        inTransaction(handle -> {
            assertThat(store.claim(handle, ada, request)).isEmpty();
            store.remember(handle, ada, request, answer);
            return null;
        });
    }

    private static IdempotentRequest request(String key, String method, String body) {
        return IdempotentRequest.of(key, List.of(method, "/api/data/shop/sales", body));
    }

    private static List<String> keys() {
        return POSTGRES.jdbc(database).query("SELECT key FROM silo_idempotency", row -> row.getString(1));
    }

    private static <T> T inTransaction(Jdbc.HandleFunction<T> work) {
        try (Connection connection = POSTGRES.connect(database)) {
            return Transactions.run(connection, work);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
