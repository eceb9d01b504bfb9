package io.silo.postgres.collection;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.json.Json;
import io.silo.postgres.collection.query.DocumentQuery;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Regression: a page held up to {@code limit} documents whatever their size, so a thousand
 * documents of a megabyte each were held in memory for one request. A page now also ends at a
 * budget of document text, and the cursor goes on from there.
 */
class PageBudgetTest {
    private static final io.silo.template.CollectionSpec BLOBS =
            CollectionDatabase.spec("blobs", "", List.of(), List.of(), Set.of());
    private static final DocumentStore STORE = new DocumentStore();
    private static final int COUNT = 12;
    private static CollectionDatabase db;

    @BeforeAll
    static void fill() throws SQLException {
        db = CollectionDatabase.create("budget");
        db.create(BLOBS);
        String large = "x".repeat(1_000_000);
        for (int i = 0; i < COUNT; i++) {
            STORE.insert(db.connection(), BLOBS, Json.read("{\"n\":" + i + ",\"payload\":\"" + large + "\"}"));
        }
        db.connection().commit();
    }

    @AfterAll
    static void close() throws SQLException {
        db.close();
    }

    @Test
    void largeDocumentsEndAPageEarlyAndTheCursorContinues() {
        List<Long> seen = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        Optional<String> cursor = Optional.empty();
        do {
            DocumentQuery.Builder builder = DocumentQuery.builder().limit(1000).sort("n");
            cursor.ifPresent(builder::cursor);
            Page page = STORE.query(db.connection(), BLOBS, builder.build());
            pageSizes.add(page.items().size());
            page.items().forEach(document -> seen.add(document.body().path("n").asLong()));
            cursor = page.nextCursor();
        } while (cursor.isPresent() && pageSizes.size() < 20);

        assertThat(pageSizes.getFirst()).as("8 MiB of text per page").isBetween(1, 9);
        assertThat(seen).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
    }
}
