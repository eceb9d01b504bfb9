package io.silo.postgres.collection;

import static io.silo.postgres.collection.CollectionDatabase.json;
import static io.silo.postgres.collection.DocumentWritesTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.error.ErrorKind;
import io.silo.error.SiloException;
import io.silo.template.CollectionSpec;
import io.silo.testing.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class UniqueKeysTest {
    private static final CollectionSpec USERS =
            CollectionDatabase.spec("users", "", List.of(), List.of("email", "org.code+number"), Set.of());
    private static CollectionDatabase db;
    private static String database;

    private final DocumentStore store = new DocumentStore();

    @BeforeAll
    static void createTables() throws SQLException {
        db = CollectionDatabase.create("unique");
        db.create(USERS);
        database = db.connection().getCatalog();
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
    void aSecondInsertWithATakenKeyIsADuplicateKeyNamingTheFields() {
        store.insert(db.connection(), USERS, json("{\"email\":\"ada@example.com\"}"));

        SiloException e = assertProblem(
                () -> store.insert(db.connection(), USERS, json("{\"email\":\"ada@example.com\"}")), "duplicate-key");

        assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT);
        assertThat(e.extensions()).containsEntry("fields", List.of("email"));
        assertThat(e.getMessage()).contains("users").contains("email");
    }

    @Test
    void aCompositeNestedKeyNamesAllItsFields() {
        store.insert(db.connection(), USERS, json("{\"org\":{\"code\":\"A\"},\"number\":1}"));
        store.insert(db.connection(), USERS, json("{\"org\":{\"code\":\"A\"},\"number\":2}"));
        store.insert(db.connection(), USERS, json("{\"org\":{\"code\":\"B\"},\"number\":1}"));

        SiloException e = assertProblem(
                () -> store.insert(db.connection(), USERS, json("{\"org\":{\"code\":\"A\"},\"number\":1}")),
                "duplicate-key");

        assertThat(e.extensions()).containsEntry("fields", List.of("org.code", "number"));
    }

    @Test
    void theTransactionStaysUsableAfterADuplicateInsert() {
        store.insert(db.connection(), USERS, json("{\"email\":\"a@x\"}"));
        assertProblem(() -> store.insert(db.connection(), USERS, json("{\"email\":\"a@x\"}")), "duplicate-key");

        Document next = store.insert(db.connection(), USERS, json("{\"email\":\"b@x\"}"));

        assertThat(store.get(db.connection(), USERS, next.id())
                        .body()
                        .get("email")
                        .stringValue())
                .isEqualTo("b@x");
    }

    @Test
    void documentsWithoutTheKeyDoNotCollide() {
        store.insert(db.connection(), USERS, json("{\"name\":\"one\"}"));
        store.insert(db.connection(), USERS, json("{\"name\":\"two\"}"));
        store.insert(db.connection(), USERS, json("{\"org\":{\"code\":\"A\"}}"));
        store.insert(db.connection(), USERS, json("{\"org\":{\"code\":\"A\"}}"));
    }

    @Test
    void changingAKeyToATakenValueIsADuplicateKey() {
        store.insert(db.connection(), USERS, json("{\"email\":\"ada@example.com\"}"));
        Document other = store.insert(db.connection(), USERS, json("{\"email\":\"bob@example.com\"}"));

        SiloException patch = assertProblem(
                () -> store.patch(
                        db.connection(),
                        USERS,
                        other.id(),
                        json("{\"email\":\"ada@example.com\"}"),
                        OptionalLong.empty()),
                "duplicate-key");
        SiloException replace = assertProblem(
                () -> store.replace(
                        db.connection(),
                        USERS,
                        other.id(),
                        json("{\"email\":\"ada@example.com\"}"),
                        OptionalLong.empty()),
                "duplicate-key");

        assertThat(patch.extensions()).containsEntry("fields", List.of("email"));
        assertThat(replace.extensions()).containsEntry("fields", List.of("email"));
    }

    @Test
    void rewritingADocumentWithItsOwnKeyIsNoCollision() {
        Document doc = store.insert(db.connection(), USERS, json("{\"email\":\"ada@example.com\",\"n\":1}"));

        Document replaced = store.replace(
                db.connection(),
                USERS,
                doc.id(),
                json("{\"email\":\"ada@example.com\",\"n\":2}"),
                OptionalLong.empty());

        assertThat(replaced.version()).isEqualTo(2);
    }

    @Test
    void aChangeRacingAnotherTransactionIsStillADuplicateKeyNamingTheField() throws Exception {
        Document doc = store.insert(db.connection(), USERS, json("{\"email\":\"first@example.com\"}"));
        db.connection().commit();
        try (Connection other = TestPostgres.primary().connect(database)) {
            other.setAutoCommit(false);
            store.insert(other, USERS, json("{\"email\":\"race@example.com\"}"));
            // the other transaction holds the key uncommitted: the check before the UPDATE cannot see it,
            // the UPDATE waits on it, and meets 23505 once it commits
            CompletableFuture<SiloException> change =
                    CompletableFuture.supplyAsync(() -> org.assertj.core.api.Assertions.catchThrowableOfType(
                            SiloException.class,
                            () -> store.patch(
                                    db.connection(),
                                    USERS,
                                    doc.id(),
                                    json("{\"email\":\"race@example.com\"}"),
                                    OptionalLong.empty())));
            Thread.sleep(300);
            other.commit();
            SiloException e = change.get(10, TimeUnit.SECONDS);
            assertThat(e).isNotNull();
            assertThat(e.type()).isEqualTo("duplicate-key");
            assertThat(e.extensions()).containsEntry("fields", List.of("email"));
        } finally {
            db.rollback();
            try (var statement = db.connection().createStatement()) {
                statement.execute("DELETE FROM users");
            }
            db.connection().commit();
        }
    }
}
