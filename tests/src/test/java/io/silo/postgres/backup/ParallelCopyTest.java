package io.silo.postgres.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.silo.postgres.jdbc.DataAccessException;
import io.silo.testing.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ParallelCopy} on a real server: a small table is one {@code COPY} on the load's own
 * connection, a large one goes over a second connection too and arrives whole, and a row the server
 * refuses, in whichever stream, ends the load with that error instead of a hang.
 */
class ParallelCopyTest {
    private static final String COPY = "COPY documents (id, doc) FROM STDIN";

    private final TestPostgres server = TestPostgres.primary();
    private final List<Connection> opened = new ArrayList<>();
    private String database;
    private Connection first;

    @BeforeEach
    void createTable() throws SQLException {
        database = server.createDatabase("parallel_copy");
        server.jdbc(database).update("CREATE TABLE documents (id uuid PRIMARY KEY, doc jsonb NOT NULL)");
        first = server.connect(database);
    }

    @AfterEach
    void close() throws SQLException {
        first.close();
        for (Connection connection : opened) {
            connection.close();
        }
    }

    @Test
    void aSmallTableIsOneCopyOnTheLoadsOwnConnection() {
        long rows;
        try (ParallelCopy copy = new ParallelCopy(first, this::open, ParallelCopy.STREAMS, COPY, "documents")) {
            send(copy, 1_000, -1);
            rows = copy.finish();
        }

        assertThat(rows).isEqualTo(1_000);
        assertThat(opened).isEmpty();
        assertThat(count()).isEqualTo(1_000);
    }

    @Test
    void aLargeTableGoesOverASecondConnectionAndArrivesWhole() {
        int documents = 30_000; // about 12 MB of lines, past the first stream's 8 MB
        long rows;
        try (ParallelCopy copy = new ParallelCopy(first, this::open, ParallelCopy.STREAMS, COPY, "documents")) {
            send(copy, documents, -1);
            rows = copy.finish();
        }

        assertThat(opened).hasSize(ParallelCopy.STREAMS - 1);
        assertThat(rows).isEqualTo(documents);
        assertThat(count()).isEqualTo(documents);
        assertThat(server.jdbc(database)
                        .queryOne("SELECT count(DISTINCT doc->>'n') FROM documents", row -> row.getLong(1))
                        .orElseThrow())
                .isEqualTo(documents);
    }

    @Test
    void aRowTheServerRefusesInAnyStreamEndsTheLoadWithItsError() {
        // two chunks one after the other, past the second stream's start: they go to different streams
        for (int refused : List.of(45, 46)) {
            assertThatThrownBy(() -> {
                        try (ParallelCopy copy =
                                new ParallelCopy(first, this::open, ParallelCopy.STREAMS, COPY, "documents")) {
                            send(copy, 30_000, refused);
                            copy.finish();
                        }
                    })
                    .as("chunk %d refused", refused)
                    .isInstanceOf(DataAccessException.class)
                    .hasMessageContaining("documents");
        }
    }

    /**
     * {@code documents} lines of about 440 bytes in chunks of 256 KiB (about 600 lines each); the
     * lines of chunk {@code refused} (counted from 0) are not JSON.
     */
    private static void send(ParallelCopy copy, int documents, int refused) {
        byte[] chunk = new byte[1 << 18];
        int filled = 0;
        int chunks = 0;
        for (int n = 0; n < documents; n++) {
            String doc = "{\"n\": " + n + ", \"text\": \"" + "x".repeat(380) + "\"}";
            byte[] line = (UUID.randomUUID() + "\t" + doc + "\n").getBytes(StandardCharsets.UTF_8);
            if (filled + line.length > chunk.length) {
                copy.send(chunk, filled);
                chunk = new byte[chunk.length];
                filled = 0;
                chunks++;
            }
            if (chunks == refused) {
                line[37] = '['; // the document's opening brace: no longer JSON
            }
            System.arraycopy(line, 0, chunk, filled, line.length);
            filled += line.length;
        }
        copy.send(chunk, filled);
    }

    private Connection open(int stream) throws SQLException {
        Connection connection = server.connect(database);
        opened.add(connection);
        return connection;
    }

    private long count() {
        return server.jdbc(database)
                .queryOne("SELECT count(*) FROM documents", row -> row.getLong(1))
                .orElseThrow();
    }
}
