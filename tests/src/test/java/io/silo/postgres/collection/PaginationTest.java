package io.silo.postgres.collection;

import static io.silo.postgres.collection.CollectionDatabase.json;
import static io.silo.postgres.collection.DocumentWritesTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.postgres.collection.query.DocumentQuery;
import io.silo.template.CollectionSpec;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Keyset pagination: every document exactly once, in order, whatever the ties and missing values. */
class PaginationTest {
    private static final CollectionSpec EVENTS =
            CollectionDatabase.spec("events", "", List.of("group"), List.of(), Set.of());
    private static final DocumentStore STORE = new DocumentStore();
    private static final int COUNT = 57;
    private static CollectionDatabase db;
    private static List<Document> all;

    @BeforeAll
    static void fill() throws SQLException {
        db = CollectionDatabase.create("paging");
        db.create(EVENTS);
        List<Document> documents = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            // few distinct groups (many ties), some documents without a group or score, one with a string score
            String group = i % 7 == 0 ? "" : ",\"group\":\"g" + (i % 4) + "\"";
            String score = i % 5 == 0 ? "" : i == 13 ? ",\"score\":\"high\"" : ",\"score\":" + (i % 3);
            documents.add(STORE.insert(
                    db.connection(),
                    EVENTS,
                    json("{\"n\":" + i + group + score + ",\"nested\":{\"k\":" + (i % 2) + "}}")));
        }
        db.connection().commit();
        all = List.copyOf(documents);
    }

    @AfterAll
    static void close() throws SQLException {
        db.close();
    }

    @Test
    void pagesByIdCoverEveryDocumentOnceInIdOrder() {
        List<Document> seen = pageThrough(DocumentQuery.builder().limit(10), "{}");

        assertThat(seen)
                .extracting(Document::id)
                .containsExactlyElementsOf(
                        all.stream().map(Document::id).sorted().toList());
    }

    @Test
    void pagesWithTiesAndMissingValuesHaveNoDuplicatesOrGaps() {
        for (String sort : List.of(
                "group",
                "-group",
                "group,-score",
                "-score,group",
                "nested.k,-n",
                "-_createdAt",
                "_version,-_id",
                "score")) {
            for (int limit : List.of(1, 4, 10, 56, 57, 1000)) {
                List<Document> seen =
                        pageThrough(DocumentQuery.builder().sort(sort).limit(limit), "{}");
                List<Document> expected = STORE.query(
                                db.connection(),
                                EVENTS,
                                DocumentQuery.builder().sort(sort).limit(1000).build())
                        .items();

                assertThat(seen)
                        .as("sort %s, limit %d", sort, limit)
                        .extracting(Document::id)
                        .doesNotHaveDuplicates()
                        .containsExactlyElementsOf(
                                expected.stream().map(Document::id).toList());
            }
        }
    }

    @Test
    void theOrderFollowsJsonbOrderingWithMissingValuesLastAscending() {
        List<Document> byGroup = STORE.query(
                        db.connection(),
                        EVENTS,
                        DocumentQuery.builder().sort("group").limit(1000).build())
                .items();

        assertThat(byGroup)
                .extracting(document -> Optional.ofNullable(document.body().get("group"))
                        .map(JsonNode::stringValue)
                        .orElse("~missing"))
                .isSortedAccordingTo(Comparator.naturalOrder());
        List<Document> byScore = STORE.query(
                        db.connection(),
                        EVENTS,
                        DocumentQuery.builder().sort("-score").limit(1000).build())
                .items();
        assertThat(byScore.getFirst().body().has("score")).isFalse();
        Document firstWithScore = byScore.stream()
                .filter(document -> document.body().has("score"))
                .findFirst()
                .orElseThrow();
        assertThat(firstWithScore.body().get("score").isNumber())
                .as("numbers order after strings in jsonb")
                .isTrue();
    }

    @Test
    void tiesbreakOnIdAscending() {
        List<Document> page = STORE.query(
                        db.connection(),
                        EVENTS,
                        DocumentQuery.builder().sort("nested.k").limit(1000).build())
                .items();

        List<UUID> zeros = page.stream()
                .filter(document -> document.body().get("nested").get("k").intValue() == 0)
                .map(Document::id)
                .toList();
        assertThat(zeros).isSorted();
    }

    @Test
    void pagingWorksWithAFilter() {
        List<Document> seen = pageThrough(DocumentQuery.builder().sort("-n").limit(3), "{\"group\":\"g1\"}");

        assertThat(seen)
                .extracting(document -> document.body().get("n").intValue())
                .containsExactlyElementsOf(all.stream()
                        .map(document -> document.body())
                        .filter(body -> body.has("group")
                                && body.get("group").stringValue().equals("g1"))
                        .map(body -> body.get("n").intValue())
                        .sorted(Comparator.reverseOrder())
                        .toList());
    }

    @Test
    void theLastPageHasNoCursor() {
        Page page = STORE.query(
                db.connection(), EVENTS, DocumentQuery.builder().limit(COUNT).build());

        assertThat(page.items()).hasSize(COUNT);
        assertThat(page.nextCursor()).isEmpty();
    }

    @Test
    void aCursorOfAnotherSortIsRefused() {
        String cursor = STORE.query(
                        db.connection(),
                        EVENTS,
                        DocumentQuery.builder().sort("group").limit(2).build())
                .nextCursor()
                .orElseThrow();

        assertProblem(
                () -> STORE.query(
                        db.connection(),
                        EVENTS,
                        DocumentQuery.builder().sort("-group").cursor(cursor).build()),
                "invalid-cursor");
        assertProblem(
                () -> STORE.query(
                        db.connection(),
                        EVENTS,
                        DocumentQuery.builder().cursor(cursor).build()),
                "invalid-cursor");
    }

    @Test
    void malformedAndForgedCursorsAreInvalidCursors() {
        List<String> forged = List.of(
                "",
                "!!!",
                "bm90IGpzb24",
                encode("[]"),
                encode("{\"v\":1,\"s\":\"_id\",\"k\":[]}"),
                encode("{\"v\":2,\"s\":\"_id\",\"k\":[[\"" + UUID.randomUUID() + "\"]]}"),
                encode("{\"v\":1,\"s\":\"_id\",\"k\":[[\"x' OR 1=1; --\"]]}"),
                encode("{\"v\":1,\"s\":\"_id\",\"k\":[[]]}"),
                encode("{\"v\":1,\"s\":\"_id\",\"k\":[[1,2]]}"),
                encode("{\"v\":1,\"s\":\"_id\",\"k\":[\"" + UUID.randomUUID() + "\"]}"),
                encode("{\"v\":1,\"s\":\"_id\",\"k\":[[\"" + UUID.randomUUID() + "\"]],\"x\":1}"),
                encode("{\"v\":1,\"s\":\"_id\",\"s\":\"_id\",\"k\":[[\"" + UUID.randomUUID() + "\"]]}"),
                encode("{\"v\":1,\"s\":\"_version,_id\",\"k\":[[\"1\"],[\"" + UUID.randomUUID() + "\"]]}"),
                encode("{\"v\":1,\"s\":\"_createdAt,_id\",\"k\":[[\"2024-13-45\"],[\"" + UUID.randomUUID() + "\"]]}"));
        for (String cursor : forged) {
            if (cursor.isEmpty()) {
                continue;
            }
            String sort =
                    cursor.equals(forged.get(12)) ? "_version" : cursor.equals(forged.get(13)) ? "_createdAt" : "";
            assertProblem(
                    () -> STORE.query(
                            db.connection(),
                            EVENTS,
                            DocumentQuery.builder().sort(sort).cursor(cursor).build()),
                    "invalid-cursor");
        }
        assertProblem(() -> DocumentQuery.builder().cursor("a".repeat(DocumentQuery.MAX_CURSOR + 1)), "invalid-cursor");
    }

    @Test
    void aWellFormedForgedCursorOnlyMovesTheStartingPoint() {
        String value = "\"'; DROP TABLE events; --\"";
        String cursor = encode("{\"v\":1,\"s\":\"group,_id\",\"k\":[[" + value + "],[\"" + new UUID(0, 0) + "\"]]}");

        Page page = STORE.query(
                db.connection(),
                EVENTS,
                DocumentQuery.builder().sort("group").cursor(cursor).limit(1000).build());

        assertThat(page.items()).isNotEmpty();
        assertThat(STORE.count(db.connection(), EVENTS, io.silo.postgres.collection.query.Filter.all()))
                .isEqualTo(COUNT);
    }

    private static List<Document> pageThrough(DocumentQuery.Builder builder, String filter) {
        List<Document> seen = new ArrayList<>();
        Optional<String> cursor = Optional.empty();
        int pages = 0;
        do {
            DocumentQuery.Builder next = builder.filter(filter);
            cursor.ifPresent(next::cursor);
            Page page = STORE.query(db.connection(), EVENTS, next.build());
            seen.addAll(page.items());
            cursor = page.nextCursor();
            assertThat(++pages).as("pages").isLessThanOrEqualTo(COUNT + 1);
        } while (cursor.isPresent());
        return seen;
    }

    private static String encode(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
