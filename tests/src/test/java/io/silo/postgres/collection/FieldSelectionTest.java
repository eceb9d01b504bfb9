package io.silo.postgres.collection;

import static io.silo.postgres.collection.CollectionDatabase.json;
import static io.silo.postgres.collection.DocumentWritesTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.postgres.collection.query.DocumentQuery;
import io.silo.postgres.collection.query.Fields;
import io.silo.template.CollectionSpec;
import java.sql.SQLException;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class FieldSelectionTest {
    private static final String CLOSED = """
            {"type":"object","additionalProperties":false,
             "properties":{"email":{"type":"string"},"profile":{"type":"object"},"age":{"type":"integer"},"passwordHash":{"type":"string"}}}""";
    private static final CollectionSpec USERS =
            CollectionDatabase.spec("users", CLOSED, List.of(), List.of(), Set.of("passwordHash"));
    private static final CollectionSpec NOTES =
            CollectionDatabase.spec("notes", "", List.of(), List.of(), Set.of("secret"));
    private static CollectionDatabase db;

    private final DocumentStore store = new DocumentStore();

    @BeforeAll
    static void createTables() throws SQLException {
        db = CollectionDatabase.create("fields");
        db.create(USERS);
        db.create(NOTES);
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
    void aSelectionReturnsOnlyThosePathsPlusMetaFields() {
        store.insert(
                db.connection(),
                USERS,
                json(
                        "{\"email\":\"a@b.c\",\"age\":3,\"profile\":{\"name\":\"Ada\",\"city\":\"Paris\",\"bio\":{\"x\":1}}}"));

        Page page = store.query(
                db.connection(),
                USERS,
                DocumentQuery.builder()
                        .fields("email,profile.city,profile.bio.x")
                        .build());

        Document only = page.items().getFirst();
        assertThat(only.body())
                .isEqualTo(json("{\"email\":\"a@b.c\",\"profile\":{\"city\":\"Paris\",\"bio\":{\"x\":1}}}"));
        assertThat(only.toJson().propertyNames())
                .containsExactly("_id", "_version", "_createdAt", "_updatedAt", "email", "profile");
    }

    @Test
    void aPathAndOneInsideItSelectTheWholeSubtree() {
        Document doc = store.insert(
                db.connection(),
                USERS,
                json("{\"email\":\"a@b.c\",\"profile\":{\"name\":\"Ada\",\"city\":\"Paris\"}}"));

        ObjectNode rendered = doc.toJson(Fields.parse("profile.city,profile"));

        assertThat(rendered.get("profile")).isEqualTo(json("{\"name\":\"Ada\",\"city\":\"Paris\"}"));
        assertThat(rendered.has("email")).isFalse();
    }

    @Test
    void onlyMetaFieldsSelectAnEmptyBody() {
        Document doc = store.insert(db.connection(), USERS, json("{\"email\":\"a@b.c\"}"));

        ObjectNode rendered = doc.toJson(Fields.parse("_id,_version"));

        assertThat(rendered.propertyNames()).containsExactly("_id", "_version", "_createdAt", "_updatedAt");
    }

    @Test
    void privateFieldsNeverLeakThroughAnyRead() {
        Document inserted =
                store.insert(db.connection(), USERS, json("{\"email\":\"a@b.c\",\"passwordHash\":\"HASH\"}"));
        Document replaced = store.replace(
                db.connection(), USERS, inserted.id(), json("{\"email\":\"x@b.c\"}"), OptionalLong.empty());
        Document patched =
                store.patch(db.connection(), USERS, inserted.id(), json("{\"age\":4}"), OptionalLong.empty());
        Document read = store.get(db.connection(), USERS, inserted.id());
        List<Document> queried = store.query(
                        db.connection(), USERS, DocumentQuery.builder().build())
                .items();

        for (Document document : List.of(inserted, replaced, patched, read, queried.getFirst())) {
            assertThat(document.toJson().toString()).doesNotContain("HASH").doesNotContain("passwordHash");
        }
    }

    @Test
    void privateFieldsCannotBeSelectedSortedOrFilteredOn() {
        for (DocumentQuery.Builder query : List.of(
                DocumentQuery.builder().fields("email,passwordHash"),
                DocumentQuery.builder().sort("passwordHash"),
                DocumentQuery.builder().filter("{\"passwordHash\":{\"$exists\":true}}"),
                DocumentQuery.builder().filter("{\"$not\":{\"passwordHash.x\":1}}"))) {
            assertProblem(() -> store.query(db.connection(), USERS, query.build()), "unknown-field");
        }
        assertProblem(
                () -> store.query(
                        db.connection(),
                        NOTES,
                        DocumentQuery.builder().fields("secret").build()),
                "unknown-field");
    }

    @Test
    void aClosedSchemaRefusesUndeclaredFieldsInQueries() {
        var e = assertProblem(
                () -> store.query(
                        db.connection(),
                        USERS,
                        DocumentQuery.builder().filter("{\"emial\":\"a@b.c\"}").build()),
                "unknown-field");
        assertThat(e.getMessage()).contains("emial").contains("email");
        assertThat(e.extensions()).containsEntry("field", "emial");
        assertProblem(
                () -> store.query(
                        db.connection(),
                        USERS,
                        DocumentQuery.builder().sort("-nope").build()),
                "unknown-field");
        assertProblem(
                () -> store.query(
                        db.connection(),
                        USERS,
                        DocumentQuery.builder().fields("email,nope.x").build()),
                "unknown-field");

        store.query(
                db.connection(),
                USERS,
                DocumentQuery.builder()
                        .filter("{\"profile.anything\":1,\"_version\":1}")
                        .sort("-_createdAt,email")
                        .build());
    }

    @Test
    void anOpenSchemaAcceptsAnyField() {
        store.query(
                db.connection(),
                NOTES,
                DocumentQuery.builder()
                        .filter("{\"whatever.deep\":1}")
                        .sort("other")
                        .fields("x")
                        .build());
    }
}
