package io.silo.postgres.collection;

import static io.silo.postgres.collection.CollectionDatabase.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.silo.error.SiloException;
import io.silo.postgres.schema.SchemaApplier;
import io.silo.template.CollectionSpec;
import io.silo.template.ServiceTemplate;
import io.silo.template.TemplateLoader;
import io.silo.testing.TestClock;
import io.silo.testing.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sequence fields at the store: numbered from counters in the inserting transaction, per year and
 * per field value, past the numbers clients bring, and never consumed by an insert that fails.
 */
class SequencesTest {
    private static final ServiceTemplate SHOP = TemplateLoader.load("shop.yaml", """
            service: shop
            version: 1
            roles:
              clerk: {read: ["*"], write: ["*"]}
            collections:
              invoices:
                schema:
                  type: object
                  required: [number, total]
                  properties:
                    number: {type: string}
                    total: {type: number}
                sequences:
                  number: {format: "INV-{year}-{n:5}", reset: yearly}
              receipts:
                sequences:
                  receipt: {format: "R{year}/{n:4}", per: branch.id, reset: yearly, timeZone: Europe/Zurich}
            migrations:
              - version: 1
            """);
    private static final CollectionSpec INVOICES = SHOP.collection("invoices").orElseThrow();
    private static final CollectionSpec RECEIPTS = SHOP.collection("receipts").orElseThrow();
    private static final TestPostgres POSTGRES = TestPostgres.primary();

    private static Connection connection;

    /** The last minute of 2026, UTC. */
    private final TestClock clock = new TestClock(Instant.parse("2026-12-31T23:59:00Z"));

    private final DocumentStore store = new DocumentStore(clock);

    @BeforeAll
    static void createDatabase() throws SQLException {
        String database = POSTGRES.createDatabase("sequences");
        connection = POSTGRES.connect(database);
        SchemaApplier.apply(connection, SHOP);
        connection.setAutoCommit(false);
    }

    @AfterAll
    static void close() throws SQLException {
        connection.rollback();
        connection.close();
    }

    @Test
    void aYearlyCounterStartsAgainWithTheYear() throws SQLException {
        assertThat(number(insert(INVOICES, "{\"total\": 1}"))).isEqualTo("INV-2026-00001");
        assertThat(number(insert(INVOICES, "{\"total\": 2, \"number\": null}"))).isEqualTo("INV-2026-00002");

        clock.advance(Duration.ofMinutes(1));

        assertThat(number(insert(INVOICES, "{\"total\": 3}"))).isEqualTo("INV-2027-00001");
        connection.rollback();
    }

    @Test
    void aCounterPerFieldValueAndTheYearOfItsTimeZone() throws SQLException {
        // 23:59 UTC on 31 December is 00:59 on 1 January in Zurich
        assertThat(receipt(insert(RECEIPTS, "{\"branch\": {\"id\": \"b1\"}}"))).isEqualTo("R2027/0001");
        assertThat(receipt(insert(RECEIPTS, "{\"branch\": {\"id\": \"b2\"}}"))).isEqualTo("R2027/0001");
        assertThat(receipt(insert(RECEIPTS, "{\"branch\": {\"id\": \"b1\"}}"))).isEqualTo("R2027/0002");
        assertThat(receipt(insert(RECEIPTS, "{\"branch\": {\"id\": 1}}")))
                .as("the number 1 is another branch than the text \"1\"")
                .isEqualTo("R2027/0001");
        assertThat(receipt(insert(RECEIPTS, "{}")))
                .as("no branch is a branch of its own")
                .isEqualTo("R2027/0001");
        SiloException refused =
                catchThrowableOfType(SiloException.class, () -> insert(RECEIPTS, "{\"branch\": {\"id\": [1]}}"));
        assertThat(refused.type()).isEqualTo("schema-violation");
        connection.rollback();
    }

    @Test
    void aNumberTheClientSendsIsKeptAndMovesTheCounterPastIt() throws SQLException {
        assertThat(number(insert(INVOICES, "{\"total\": 1, \"number\": \"INV-2026-00041\"}")))
                .isEqualTo("INV-2026-00041");
        assertThat(number(insert(INVOICES, "{\"total\": 1}"))).isEqualTo("INV-2026-00042");
        insert(INVOICES, "{\"total\": 1, \"number\": \"INV-2026-00007\"}");
        insert(INVOICES, "{\"total\": 1, \"number\": \"legacy 99999\"}");
        insert(INVOICES, "{\"total\": 1, \"number\": \"INV-2025-99999\"}");
        insert(INVOICES, "{\"total\": 1, \"number\": \"INV-2026-0000099\"}");
        assertThat(number(insert(INVOICES, "{\"total\": 1}")))
                .as("a lower number, another form, another year: this year's counter stays")
                .isEqualTo("INV-2026-00043");

        clock.advance(Duration.ofDays(1));
        assertThat(number(insert(INVOICES, "{\"total\": 1}")))
                .as("2025's counter moved, 2027's is new")
                .isEqualTo("INV-2027-00001");
        connection.rollback();
    }

    @Test
    void aFailedInsertTakesItsNumberBack() throws SQLException {
        assertThat(number(insert(INVOICES, "{\"total\": 1}"))).isEqualTo("INV-2026-00001");
        connection.commit();
        assertThatThrownBy(() -> insert(INVOICES, "{\"total\": \"one\"}")).hasMessageContaining("schema");
        connection.rollback();

        assertThat(number(insert(INVOICES, "{\"total\": 2}"))).isEqualTo("INV-2026-00002");
        connection.rollback();
        POSTGRES.jdbc(connection.getCatalog()).update("DELETE FROM silo_sequences");
        POSTGRES.jdbc(connection.getCatalog()).update("DELETE FROM invoices");
    }

    @Test
    void anInsertThatNumbersRefusesAutoCommit() throws SQLException {
        connection.setAutoCommit(true);
        try {
            assertThat(DocumentStore.insertsInOneStatement(INVOICES, json("{\"total\": 1}")))
                    .isFalse();
            assertThat(DocumentStore.insertsInOneStatement(INVOICES, json("{\"total\": 1, \"number\": \"A-1\"}")))
                    .as("a number in no form of the sequence's touches no counter")
                    .isTrue();
            assertThatThrownBy(() -> insert(INVOICES, "{\"total\": 1}"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("runs in a transaction");
        } finally {
            connection.setAutoCommit(false);
        }
    }

    @Test
    void aDatabaseWithoutTheCountersTableSaysSo() throws SQLException {
        String database = POSTGRES.createDatabase("sequences_old");
        try (Connection old = POSTGRES.connect(database)) {
            SchemaApplier.apply(old, SHOP);
            POSTGRES.jdbc(database).update("DROP TABLE silo_sequences");
            old.setAutoCommit(false);

            SiloException refused = catchThrowableOfType(
                    SiloException.class, () -> store.insert(old, INVOICES, json("{\"total\": 1}")));
            assertThat(refused.type()).isEqualTo("database-outdated");
            assertThat(refused.extensions()).containsEntry("table", "silo_sequences");
            old.rollback();
            assertThat(number(store.insert(old, INVOICES, json("{\"total\": 1, \"number\": \"A-1\"}"))))
                    .as("a number the sequence could not have written needs no counter")
                    .isEqualTo("A-1");
            old.rollback();
        }
    }

    private Document insert(CollectionSpec spec, String body) {
        return store.insert(connection, spec, json(body));
    }

    private static String number(Document document) {
        return document.body().get("number").asString();
    }

    private static String receipt(Document document) {
        return document.body().get("receipt").asString();
    }
}
