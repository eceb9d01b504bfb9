package io.silo.postgres.collection;

import static io.silo.postgres.collection.CollectionDatabase.json;
import static io.silo.postgres.collection.DocumentWritesTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.error.ErrorKind;
import io.silo.error.SiloException;
import io.silo.template.CollectionSpec;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SchemaValidationTest {
    private static final String SCHEMA = """
            {"type":"object","required":["email","customer"],
             "properties":{
               "email":{"type":"string","format":"email"},
               "age":{"type":"integer","minimum":0},
               "customer":{"type":"object","required":["name"],
                           "properties":{"name":{"type":"string","minLength":1},
                                         "address":{"type":"object","properties":{"zip":{"type":"string","pattern":"^[0-9]{5}$"}}}}},
               "tags":{"type":"array","items":{"type":"string"}},
               "passwordHash":{"type":"string"}
             }}""";
    private static final CollectionSpec CUSTOMERS =
            CollectionDatabase.spec("customers", SCHEMA, List.of(), List.of(), Set.of("passwordHash"));
    private static final CollectionSpec REMOTE = CollectionDatabase.spec(
            "remote", "{\"$ref\":\"http://127.0.0.1:9/schema.json\"}", List.of(), List.of(), Set.of());
    private static CollectionDatabase db;

    private final DocumentStore store = new DocumentStore();

    @BeforeAll
    static void createTables() throws SQLException {
        db = CollectionDatabase.create("schema");
        db.create(CUSTOMERS);
        db.create(REMOTE);
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
    void aValidDocumentIsStored() {
        Document doc = store.insert(db.connection(), CUSTOMERS, json("""
                {"email":"ada@example.com","age":36,"customer":{"name":"Ada","address":{"zip":"75001"}},"tags":["vip"]}"""));

        assertThat(doc.version()).isEqualTo(1);
    }

    @Test
    void everyFailingLocationIsListedAsAJsonPointer() {
        SiloException e = assertProblem(() -> store.insert(db.connection(), CUSTOMERS, json("""
                {"email":"not-an-email","age":-1,"customer":{"address":{"zip":"ABC"}},"tags":["ok",7]}""")), "schema-violation");

        assertThat(e.kind()).isEqualTo(ErrorKind.UNPROCESSABLE);
        List<Map<String, String>> errors = errors(e);
        assertThat(errors)
                .extracting(error -> error.get("path"))
                .containsExactlyInAnyOrder("/email", "/age", "/customer/name", "/customer/address/zip", "/tags/1");
        assertThat(errors).allSatisfy(error -> assertThat(error.get("message")).isNotBlank());
        assertThat(e.getMessage()).contains("customers");
    }

    @Test
    void aMissingRequiredTopLevelFieldPointsAtIt() {
        SiloException e = assertProblem(
                () -> store.insert(db.connection(), CUSTOMERS, json("{\"customer\":{\"name\":\"Ada\"}}")),
                "schema-violation");

        assertThat(errors(e)).extracting(error -> error.get("path")).containsExactly("/email");
        assertThat(errors(e).getFirst().get("message")).contains("email");
    }

    @Test
    void replaceAndPatchAreValidatedOnTheResult() {
        Document doc = store.insert(
                db.connection(), CUSTOMERS, json("{\"email\":\"a@b.co\",\"customer\":{\"name\":\"Ada\"}}"));

        SiloException patch = assertProblem(
                () -> store.patch(
                        db.connection(),
                        CUSTOMERS,
                        doc.id(),
                        json("{\"customer\":{\"name\":null}}"),
                        OptionalLong.empty()),
                "schema-violation");
        assertThat(errors(patch)).extracting(error -> error.get("path")).containsExactly("/customer/name");

        SiloException replace = assertProblem(
                () -> store.replace(
                        db.connection(), CUSTOMERS, doc.id(), json("{\"email\":\"a@b.co\"}"), OptionalLong.empty()),
                "schema-violation");
        assertThat(errors(replace)).extracting(error -> error.get("path")).containsExactly("/customer");
        assertThat(store.get(db.connection(), CUSTOMERS, doc.id()).version()).isEqualTo(1);
    }

    @Test
    void privateFieldsAreValidatedToo() {
        assertProblem(
                () -> store.insert(
                        db.connection(),
                        CUSTOMERS,
                        json("{\"email\":\"a@b.co\",\"customer\":{\"name\":\"Ada\"},\"passwordHash\":42}")),
                "schema-violation");
    }

    @Test
    void aSchemaIsCompiledOnceAndSharedByEqualSpecs() {
        Schemas schemas = new Schemas();
        CollectionSpec copy = CollectionDatabase.spec("customers_copy", SCHEMA, List.of(), List.of(), Set.of());

        assertThat(schemas.of(CUSTOMERS)).isSameAs(schemas.of(copy));
    }

    @Test
    void aSchemaNeverFetchesRemoteReferences() {
        SiloException e = org.assertj.core.api.Assertions.catchThrowableOfType(
                SiloException.class, () -> store.insert(db.connection(), REMOTE, json("{}")));

        assertThat(e).isNotNull();
        assertThat(e.type()).isEqualTo("invalid-schema");
        assertThat(e.kind()).isEqualTo(ErrorKind.INTERNAL);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, String>> errors(SiloException e) {
        return (List<Map<String, String>>) e.extensions().get("errors");
    }
}
