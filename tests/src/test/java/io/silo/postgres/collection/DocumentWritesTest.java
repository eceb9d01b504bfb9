package io.silo.postgres.collection;

import static io.silo.postgres.collection.CollectionDatabase.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.crypto.Ids;
import io.silo.error.ErrorKind;
import io.silo.error.SiloException;
import io.silo.postgres.collection.query.JsonInput;
import io.silo.template.CollectionSpec;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

class DocumentWritesTest {
    private static final CollectionSpec ORDERS = CollectionDatabase.spec("orders");
    private static final CollectionSpec USERS =
            CollectionDatabase.spec("users", "", List.of(), List.of(), Set.of("passwordHash", "secrets"));
    private static CollectionDatabase db;

    private final TickingClock clock = new TickingClock(Instant.parse("2024-05-01T10:00:00.123456789Z"));
    private final DocumentStore store = new DocumentStore(clock);

    @BeforeAll
    static void createTables() throws SQLException {
        db = CollectionDatabase.create("writes");
        db.create(ORDERS);
        db.create(USERS);
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
    void insertReturnsTheStoredDocumentAtVersionOneWithMetaFields() {
        Document inserted = store.insert(
                db.connection(), ORDERS, json("{\"status\":\"paid\",\"total\":12.50,\"lines\":[{\"sku\":\"a\"}]}"));

        assertThat(inserted.version()).isEqualTo(1);
        assertThat(inserted.id().version()).isEqualTo(7);
        assertThat(inserted.createdAt()).isEqualTo(Instant.parse("2024-05-01T10:00:00.123456Z"));
        assertThat(inserted.updatedAt()).isEqualTo(inserted.createdAt());
        assertThat(inserted.body())
                .isEqualTo(json("{\"status\":\"paid\",\"total\":12.50,\"lines\":[{\"sku\":\"a\"}]}"));
        ObjectNode rendered = inserted.toJson();
        assertThat(rendered.propertyNames())
                .containsExactly("_id", "_version", "_createdAt", "_updatedAt", "lines", "total", "status");
        assertThat(rendered.get("_createdAt").stringValue()).isEqualTo("2024-05-01T10:00:00.123456Z");
        assertThat(store.get(db.connection(), ORDERS, inserted.id())).isEqualTo(inserted);
    }

    @Test
    void insertKeepsAClientSuppliedUuid() {
        UUID id = UUID.fromString("0190a4c2-7d3e-7b1a-9c4e-2f1d3b5a6c7e");
        Document inserted = store.insert(db.connection(), ORDERS, json("{\"_id\":\"" + id + "\",\"n\":1}"));

        assertThat(inserted.id()).isEqualTo(id);
        assertThat(inserted.body()).isEqualTo(json("{\"n\":1}"));
    }

    @Test
    void insertRejectsAMalformedId() {
        for (String id : List.of(
                "\"1-1-1-1-1\"",
                "\"not-a-uuid\"",
                "42",
                "null",
                "\"0190a4c2-7d3e-7b1a-9c4e-2f1d3b5a6c7e'; DROP TABLE orders; --\"")) {
            assertProblem(() -> store.insert(db.connection(), ORDERS, json("{\"_id\":" + id + "}")), "invalid-id");
        }
    }

    @Test
    void insertWithATakenIdIsADuplicateKeyOnId() {
        Document first = store.insert(db.connection(), ORDERS, json("{\"n\":1}"));

        SiloException e = assertProblem(
                () -> store.insert(db.connection(), ORDERS, json("{\"_id\":\"" + first.id() + "\"}")), "duplicate-key");
        assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT);
        assertThat(e.extensions()).containsEntry("fields", List.of("_id"));
    }

    @Test
    void reservedFieldsAreRejectedOnEveryWrite() {
        Document doc = store.insert(db.connection(), ORDERS, json("{\"n\":1}"));
        for (String field : List.of("_version", "_createdAt", "_updatedAt", "_secret", "_")) {
            SiloException e = assertProblem(
                    () -> store.insert(db.connection(), ORDERS, json("{\"" + field + "\":1}")), "reserved-field");
            assertThat(e.extensions()).containsEntry("field", field);
        }
        for (String field : List.of("_id", "_createdAt", "_updatedAt", "_other")) {
            assertProblem(
                    () -> store.replace(
                            db.connection(), ORDERS, doc.id(), json("{\"" + field + "\":\"x\"}"), OptionalLong.empty()),
                    "reserved-field");
            assertProblem(
                    () -> store.patch(
                            db.connection(), ORDERS, doc.id(), json("{\"" + field + "\":\"x\"}"), OptionalLong.empty()),
                    "reserved-field");
        }
        assertThat(store.get(db.connection(), ORDERS, doc.id()).body()).isEqualTo(json("{\"n\":1}"));
    }

    @Test
    void operatorsAndPathsAreNeverStoredAsFieldNames() {
        Document doc = store.insert(db.connection(), ORDERS, json("{\"stock\":5}"));
        for (String body : List.of(
                "{\"$inc\":{\"stock\":-1}}",
                "{\"$set\":{\"stock\":4}}",
                "{\"a.b\":1}",
                "{\"meta\":{\"$where\":\"1\"}}",
                "{\"lines\":[{\"price.net\":2}]}")) {
            assertProblem(() -> store.insert(db.connection(), ORDERS, json(body)), "invalid-field-name");
            assertProblem(
                    () -> store.replace(db.connection(), ORDERS, doc.id(), json(body), OptionalLong.empty()),
                    "invalid-field-name");
            if (!body.startsWith("{\"$")) { // a patch of operators is an update by them (UpdateOperatorsTest)
                assertProblem(
                        () -> store.patch(db.connection(), ORDERS, doc.id(), json(body), OptionalLong.empty()),
                        "invalid-field-name");
            }
        }
        assertThat(store.get(db.connection(), ORDERS, doc.id()).body())
                .as("nothing was written")
                .isEqualTo(json("{\"stock\":5}"));
        assertThat(store.insert(db.connection(), ORDERS, json("{\"price\":\"4.50 $\",\"note\":\"a.b\"}"))
                        .body()
                        .get("note")
                        .stringValue())
                .as("values may hold $ and dots; only names may not")
                .isEqualTo("a.b");
    }

    @Test
    void nestedNamesStartingWithUnderscoreAreOrdinaryFields() {
        Document doc = store.insert(db.connection(), ORDERS, json("{\"meta\":{\"_source\":\"import\"}}"));

        assertThat(doc.body().get("meta").get("_source").stringValue()).isEqualTo("import");
    }

    @Test
    void aDocumentMustBeAnObject() {
        for (String body : List.of("[1,2]", "\"text\"", "42", "null")) {
            assertProblem(() -> store.insert(db.connection(), ORDERS, json(body)), "invalid-json");
        }
    }

    @Test
    void getOfAnUnknownIdIsDocumentNotFound() {
        UUID id = UUID.randomUUID();
        SiloException e = assertProblem(() -> store.get(db.connection(), ORDERS, id), "document-not-found");

        assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
        assertThat(e.getMessage()).contains("orders").contains(id.toString());
        assertThat(store.find(db.connection(), ORDERS, id)).isEmpty();
    }

    @Test
    void parseIdAcceptsOnlyCanonicalUuids() {
        assertThat(Ids.parse("0190A4C2-7D3E-7B1A-9C4E-2F1D3B5A6C7E", "id"))
                .isEqualTo(UUID.fromString("0190a4c2-7d3e-7b1a-9c4e-2f1d3b5a6c7e"));
        assertProblem(() -> Ids.parse("1-1-1-1-1", "id"), "invalid-id");
        assertProblem(() -> Ids.parse("", "id"), "invalid-id");
    }

    @Test
    void replaceSwapsTheWholeBodyAndBumpsTheVersion() {
        Document doc = store.insert(db.connection(), ORDERS, json("{\"status\":\"new\",\"total\":5}"));
        clock.advance(Duration.ofSeconds(3));

        Document replaced =
                store.replace(db.connection(), ORDERS, doc.id(), json("{\"status\":\"paid\"}"), OptionalLong.empty());

        assertThat(replaced.version()).isEqualTo(2);
        assertThat(replaced.body()).isEqualTo(json("{\"status\":\"paid\"}"));
        assertThat(replaced.createdAt()).isEqualTo(doc.createdAt());
        assertThat(replaced.updatedAt()).isEqualTo(doc.createdAt().plusSeconds(3));
        assertThat(store.get(db.connection(), ORDERS, doc.id())).isEqualTo(replaced);
    }

    @Test
    void replaceOfAnUnknownIdIsDocumentNotFound() {
        assertProblem(
                () -> store.replace(db.connection(), ORDERS, UUID.randomUUID(), json("{}"), OptionalLong.empty()),
                "document-not-found");
        assertProblem(
                () -> store.patch(db.connection(), ORDERS, UUID.randomUUID(), json("{}"), OptionalLong.empty()),
                "document-not-found");
        assertProblem(
                () -> store.delete(db.connection(), ORDERS, UUID.randomUUID(), OptionalLong.empty()),
                "document-not-found");
    }

    @Test
    void patchMergesNestedObjectsDeletesNullsAndReplacesArrays() {
        Document doc = store.insert(db.connection(), ORDERS, json("""
                {"status":"new","customer":{"name":"Ada","address":{"city":"Paris","zip":"75001"},"vip":true},
                 "tags":["a","b"],"note":"drop me"}"""));

        Document patched = store.patch(db.connection(), ORDERS, doc.id(), json("""
                {"customer":{"address":{"city":"Lyon","zip":null},"phone":"123"},"tags":["c"],"note":null,
                 "extra":{"nested":{"x":1,"gone":null}}}"""), OptionalLong.empty());

        assertThat(patched.version()).isEqualTo(2);
        assertThat(patched.body()).isEqualTo(json("""
                {"status":"new","customer":{"name":"Ada","address":{"city":"Lyon"},"vip":true,"phone":"123"},
                 "tags":["c"],"extra":{"nested":{"x":1}}}"""));
    }

    @Test
    void patchReplacesAScalarWithAnObjectAndBack() {
        Document doc = store.insert(db.connection(), ORDERS, json("{\"a\":1,\"b\":{\"c\":2}}"));

        Document patched = store.patch(
                db.connection(), ORDERS, doc.id(), json("{\"a\":{\"x\":null,\"y\":1},\"b\":3}"), OptionalLong.empty());

        assertThat(patched.body()).isEqualTo(json("{\"a\":{\"y\":1},\"b\":3}"));
    }

    @Test
    void deleteRemovesTheDocument() {
        Document doc = store.insert(db.connection(), ORDERS, json("{\"n\":1}"));

        store.delete(db.connection(), ORDERS, doc.id(), OptionalLong.of(1));

        assertThat(store.find(db.connection(), ORDERS, doc.id())).isEmpty();
    }

    @Test
    void everyChangeBumpsTheVersionByOne() {
        Document doc = store.insert(db.connection(), ORDERS, json("{\"n\":0}"));
        for (int i = 1; i <= 5; i++) {
            doc = store.patch(
                    db.connection(), ORDERS, doc.id(), json("{\"n\":" + i + "}"), OptionalLong.of(doc.version()));
        }
        assertThat(doc.version()).isEqualTo(6);
        assertThat(doc.body().get("n").intValue()).isEqualTo(5);
    }

    @Test
    void aStaleExpectedVersionIsAVersionConflictNamingTheCurrentVersion() {
        Document doc = store.insert(db.connection(), ORDERS, json("{\"n\":1}"));
        store.patch(db.connection(), ORDERS, doc.id(), json("{\"n\":2}"), OptionalLong.of(1));

        SiloException replace = assertProblem(
                () -> store.replace(db.connection(), ORDERS, doc.id(), json("{\"n\":3}"), OptionalLong.of(1)),
                "version-conflict");
        SiloException patch = assertProblem(
                () -> store.patch(
                        db.connection(), ORDERS, doc.id(), json("{\"n\":3,\"_version\":1}"), OptionalLong.empty()),
                "version-conflict");
        SiloException delete = assertProblem(
                () -> store.delete(db.connection(), ORDERS, doc.id(), OptionalLong.of(1)), "version-conflict");

        for (SiloException e : List.of(replace, patch, delete)) {
            assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT);
            assertThat(e.extensions()).containsEntry("currentVersion", 2L);
        }
        assertThat(store.get(db.connection(), ORDERS, doc.id()).body()).isEqualTo(json("{\"n\":2}"));
    }

    @Test
    void theExpectedVersionMayComeFromTheBody() {
        Document doc = store.insert(db.connection(), ORDERS, json("{\"n\":1}"));

        Document replaced = store.replace(
                db.connection(), ORDERS, doc.id(), json("{\"n\":2,\"_version\":1}"), OptionalLong.empty());

        assertThat(replaced.version()).isEqualTo(2);
        assertThat(replaced.body()).isEqualTo(json("{\"n\":2}"));
    }

    @Test
    void versionsInBodyAndParameterMustAgreeAndBeWholeNumbers() {
        Document doc = store.insert(db.connection(), ORDERS, json("{\"n\":1}"));

        assertProblem(
                () -> store.replace(db.connection(), ORDERS, doc.id(), json("{\"_version\":1}"), OptionalLong.of(2)),
                "invalid-version");
        assertProblem(
                () -> store.replace(
                        db.connection(), ORDERS, doc.id(), json("{\"_version\":\"1\"}"), OptionalLong.empty()),
                "invalid-version");
        assertProblem(
                () -> store.replace(
                        db.connection(), ORDERS, doc.id(), json("{\"_version\":1.5}"), OptionalLong.empty()),
                "invalid-version");
        assertProblem(
                () -> store.patch(db.connection(), ORDERS, doc.id(), json("{\"_version\":0}"), OptionalLong.empty()),
                "invalid-version");
        assertProblem(() -> store.delete(db.connection(), ORDERS, doc.id(), OptionalLong.of(-1)), "invalid-version");
    }

    @Test
    void privateFieldsAreStoredButNeverReturned() throws SQLException {
        Document user = store.insert(
                db.connection(), USERS, json("{\"email\":\"ada@example.com\",\"passwordHash\":\"$argon2id$x\"}"));

        assertThat(user.body()).isEqualTo(json("{\"email\":\"ada@example.com\"}"));
        assertThat(store.get(db.connection(), USERS, user.id()).body().has("passwordHash"))
                .isFalse();
        assertThat(store.get(db.connection(), USERS, user.id()).json()).doesNotContain("passwordHash");
        assertThat(storedDoc(USERS, user.id())).contains("$argon2id$x");
    }

    @Test
    void aDocumentReadByIdIsAnsweredFromItsStoredTextAsTheSameJson() throws SQLException {
        for (String body : List.of("{}", "{\"n\":1.50,\"s\":\"\\u00e9\\\"q\",\"a\":[{\"b\":null}]}")) {
            Document inserted = store.insert(db.connection(), ORDERS, json(body));

            Document read = store.get(db.connection(), ORDERS, inserted.id());

            assertThat(JsonInput.readStored(read.json()))
                    .isEqualTo(JsonInput.readStored(io.silo.json.Json.write(inserted.toJson())));
            assertThat(read.json()).startsWith("{\"_id\":\"" + inserted.id() + "\",\"_version\":1,");
        }
    }

    @Test
    void replaceKeepsPrivateFieldsTheClientCannotSendBack() throws SQLException {
        Document user =
                store.insert(db.connection(), USERS, json("{\"email\":\"ada@example.com\",\"passwordHash\":\"h1\"}"));

        Document replaced = store.replace(
                db.connection(), USERS, user.id(), json("{\"email\":\"ada@lovelace.org\"}"), OptionalLong.empty());

        assertThat(replaced.body()).isEqualTo(json("{\"email\":\"ada@lovelace.org\"}"));
        assertThat(storedDoc(USERS, user.id())).contains("\"passwordHash\": \"h1\"");
    }

    @Test
    void privateFieldsCanBeWrittenAndRemovedByPatch() throws SQLException {
        Document user = store.insert(db.connection(), USERS, json("{\"email\":\"a@b.c\",\"passwordHash\":\"h1\"}"));

        Document changed = store.patch(
                db.connection(),
                USERS,
                user.id(),
                json("{\"passwordHash\":\"h2\",\"secrets\":{\"otp\":\"s\"}}"),
                OptionalLong.empty());
        assertThat(changed.body()).isEqualTo(json("{\"email\":\"a@b.c\"}"));
        assertThat(storedDoc(USERS, user.id())).contains("h2").contains("otp");

        store.patch(db.connection(), USERS, user.id(), json("{\"passwordHash\":null}"), OptionalLong.empty());
        assertThat(storedDoc(USERS, user.id())).doesNotContain("passwordHash");
    }

    @Test
    void documentsOverOneMebibyteAreTooLarge() {
        String big = "x".repeat(1024 * 1024);
        SiloException e = assertProblem(
                () -> store.insert(db.connection(), ORDERS, json("{\"blob\":\"" + big + "\"}")), "document-too-large");
        assertThat(e.kind()).isEqualTo(ErrorKind.UNPROCESSABLE);

        Document small = store.insert(db.connection(), ORDERS, json("{\"blob\":\"" + "x".repeat(1000 * 1000) + "\"}"));
        String more = "y".repeat(100 * 1000);
        assertProblem(
                () -> store.patch(
                        db.connection(), ORDERS, small.id(), json("{\"more\":\"" + more + "\"}"), OptionalLong.empty()),
                "document-too-large");
    }

    @Test
    void documentsNestedDeeperThan32AreRefused() {
        ObjectNode ok = nested(32);
        store.insert(db.connection(), ORDERS, ok);

        SiloException e = assertProblem(() -> store.insert(db.connection(), ORDERS, nested(33)), "document-too-deep");
        assertThat(e.kind()).isEqualTo(ErrorKind.UNPROCESSABLE);
        Document doc = store.insert(db.connection(), ORDERS, json("{}"));
        assertProblem(
                () -> store.patch(db.connection(), ORDERS, doc.id(), nested(33), OptionalLong.empty()),
                "document-too-deep");
    }

    @Test
    void textPostgresCannotStoreIsRefusedAsInvalidJson() {
        assertProblem(() -> store.insert(db.connection(), ORDERS, json("{\"a\":\"nul\\u0000byte\"}")), "invalid-json");
        assertProblem(() -> store.insert(db.connection(), ORDERS, json("{\"k\\u0000\":1}")), "invalid-json");
        assertProblem(() -> store.insert(db.connection(), ORDERS, json("{\"a\":\"\\ud800 lonely\"}")), "invalid-json");

        Document emoji = store.insert(db.connection(), ORDERS, json("{\"a\":\"\\ud83d\\ude00 ok\"}"));
        assertThat(emoji.body().get("a").stringValue()).isEqualTo("\uD83D\uDE00 ok");
    }

    @Test
    void decimalsKeepTheirPrecision() {
        Document doc = store.insert(db.connection(), ORDERS, CollectionDatabase.json("{\"n\":1}"));
        ObjectNode body = JsonNodeFactory.instance
                .objectNode()
                .put("price", new java.math.BigDecimal("0.1000000000000000055511151231257827"));

        Document replaced = store.replace(db.connection(), ORDERS, doc.id(), body, OptionalLong.empty());

        assertThat(store.get(db.connection(), ORDERS, replaced.id())
                        .body()
                        .get("price")
                        .decimalValue())
                .isEqualByComparingTo("0.1000000000000000055511151231257827");
    }

    private static ObjectNode nested(int depth) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode node = root;
        for (int level = 2; level <= depth; level++) {
            node = node.putObject("a");
        }
        return root;
    }

    private static String storedDoc(CollectionSpec spec, UUID id) throws SQLException {
        try (var statement =
                db.connection().prepareStatement("SELECT doc::text FROM \"" + spec.name() + "\" WHERE id = ?")) {
            statement.setObject(1, id);
            try (var rows = statement.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
        }
    }

    static SiloException assertProblem(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String type) {
        var thrown = org.assertj.core.api.Assertions.catchThrowableOfType(SiloException.class, call);
        assertThat(thrown).as("expected a SiloException of type " + type).isNotNull();
        assertThat(thrown.type()).as(thrown.getMessage()).isEqualTo(type);
        return thrown;
    }

    /** A clock that moves only when told to. */
    static final class TickingClock extends Clock {
        private Instant now;

        TickingClock(Instant start) {
            this.now = start;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
