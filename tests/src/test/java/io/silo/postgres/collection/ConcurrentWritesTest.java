package io.silo.postgres.collection;

import static io.silo.postgres.collection.CollectionDatabase.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.silo.error.SiloException;
import io.silo.template.CollectionSpec;
import io.silo.testing.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two transactions expecting the same version: the one that commits second must not overwrite the first. */
class ConcurrentWritesTest {
    private static final CollectionSpec COUNTERS = CollectionDatabase.spec("counters");
    private static final DocumentStore STORE = new DocumentStore();
    private static CollectionDatabase db;

    @BeforeAll
    static void createTable() throws SQLException {
        db = CollectionDatabase.create("concurrent");
        db.create(COUNTERS);
    }

    @AfterAll
    static void close() throws SQLException {
        db.close();
    }

    @Test
    void theSecondWriterExpectingTheSameVersionGetsAConflictNotALostUpdate() throws Exception {
        Document doc = STORE.insert(db.connection(), COUNTERS, json("{\"n\":0}"));
        db.connection().commit();
        try (Connection first = connect();
                Connection second = connect()) {
            STORE.patch(first, COUNTERS, doc.id(), json("{\"n\":1}"), OptionalLong.of(1));
            // the second waits on the row lock the first holds, then sees version 2
            CompletableFuture<SiloException> late = CompletableFuture.supplyAsync(() -> catchThrowableOfType(
                    SiloException.class,
                    () -> STORE.patch(second, COUNTERS, doc.id(), json("{\"n\":100}"), OptionalLong.of(1))));
            Thread.sleep(300);
            assertThat(late).isNotDone();
            first.commit();

            SiloException conflict = late.get(10, TimeUnit.SECONDS);
            assertThat(conflict).isNotNull();
            assertThat(conflict.type()).isEqualTo("version-conflict");
            assertThat(conflict.extensions()).containsEntry("currentVersion", 2L);
            second.rollback();
        }
        Document now = STORE.get(db.connection(), COUNTERS, doc.id());
        assertThat(now.version()).isEqualTo(2);
        assertThat(now.body().get("n").intValue()).isEqualTo(1);
        db.rollback();
    }

    @Test
    void writersWithoutAnExpectedVersionSerialiseOnTheRow() throws Exception {
        Document doc = STORE.insert(db.connection(), COUNTERS, json("{\"n\":0}"));
        db.connection().commit();
        try (Connection first = connect();
                Connection second = connect()) {
            STORE.patch(first, COUNTERS, doc.id(), json("{\"a\":1}"), OptionalLong.empty());
            CompletableFuture<Document> late = CompletableFuture.supplyAsync(
                    () -> STORE.patch(second, COUNTERS, doc.id(), json("{\"b\":2}"), OptionalLong.empty()));
            Thread.sleep(200);
            first.commit();
            Document merged = late.get(10, TimeUnit.SECONDS);
            second.commit();

            assertThat(merged.version()).isEqualTo(3);
            assertThat(merged.body()).isEqualTo(json("{\"n\":0,\"a\":1,\"b\":2}"));
        }
    }

    private static Connection connect() throws SQLException {
        Connection connection = TestPostgres.primary().connect(db.connection().getCatalog());
        connection.setAutoCommit(false);
        return connection;
    }
}
