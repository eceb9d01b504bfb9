package io.silo.postgres.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.silo.error.SiloException;
import io.silo.postgres.jdbc.Jdbc;
import io.silo.template.FieldPath;
import io.silo.template.IndexNames;
import io.silo.template.ServiceTemplate;
import io.silo.template.TemplateLoader;
import io.silo.testing.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each declarative migration operation on an existing database, through the rollout's engine
 * ({@link TenantMigrator}): what it changes, what it refuses (leaving the version), and that a
 * step in the ledger never runs again.
 */
class TenantMigratorTest {
    private static final TestPostgres POSTGRES = TestPostgres.primary();

    private static final String V1 = """
            service: shelf
            version: 1
            roles:
              keeper: {read: ["*"], write: ["*"]}
            collections:
              books: {}
              notes: {}
            migrations:
              - version: 1
            """;

    /** Version 2 of shelf with {@code collections} and {@code operations} given. */
    private static ServiceTemplate v2(String collections, String operations) {
        return TemplateLoader.load("shelf.yaml", """
                service: shelf
                version: 2
                roles:
                  keeper: {read: ["*"], write: ["*"]}
                collections:
                %s
                migrations:
                  - version: 1
                  - version: 2
                    operations:
                %s
                """.formatted(indent(collections, 2), indent(operations, 6)));
    }

    private static String indent(String text, int spaces) {
        return text.lines()
                .map(line -> " ".repeat(spaces) + line)
                .reduce((a, b) -> a + "\n" + b)
                .orElse("");
    }

    private static final String BOOKS_AND_NOTES = "books: {}\nnotes: {}";

    private final TenantMigrator migrator = new TenantMigrator(TenantMigrator.CONCURRENT_INDEX_THRESHOLD);

    private String databaseAtV1(int books) throws SQLException {
        String database = POSTGRES.createDatabase("migrator");
        try (Connection connection = POSTGRES.connect(database)) {
            SchemaApplier.apply(connection, TemplateLoader.load("shelf.yaml", V1));
        }
        if (books > 0) {
            POSTGRES.jdbc(database)
                    .update(
                            "INSERT INTO books (id, doc) SELECT gen_random_uuid(), jsonb_build_object('name', 'book ' || n,"
                                    + " 'isbn', 'isbn-' || n, 'shelfNo', n % 7) FROM generate_series(1, ?) n",
                            books);
        }
        return database;
    }

    private SchemaChange migrate(String database, ServiceTemplate template) throws SQLException {
        return migrate(database, template, new Recorded(() -> {}));
    }

    private SchemaChange migrate(String database, ServiceTemplate template, Recorded control) throws SQLException {
        try (Connection connection = POSTGRES.connect(database)) {
            SchemaChange change = migrator.migrate(connection, template, control);
            assertThat(control.events).endsWith("reached " + change.toVersion());
            return change;
        }
    }

    /** What the control plane was told, in order; {@code whenFenced} runs as the fence goes up. */
    private static final class Recorded implements TenantMigrator.Control {
        final List<String> events = new ArrayList<>();
        private final Runnable whenFenced;

        Recorded(Runnable whenFenced) {
            this.whenFenced = whenFenced;
        }

        @Override
        public void fenceWrites() {
            events.add("fence");
            whenFenced.run();
        }

        @Override
        public void reached(int version) {
            events.add("reached " + version);
        }
    }

    private static int version(String database) throws SQLException {
        try (Connection connection = POSTGRES.connect(database)) {
            return SchemaApplier.currentVersion(connection);
        }
    }

    private static long count(String database, String sql) {
        return POSTGRES.jdbc(database).queryOne(sql, row -> row.getLong(1)).orElseThrow();
    }

    @Test
    void renameFieldMovesEveryDocumentInBatchesAndBumpsItsVersion() throws SQLException {
        String database = databaseAtV1(2_500); // three batches of 1,000
        SchemaChange change =
                migrate(database, v2(BOOKS_AND_NOTES, "- renameField: {collection: books, from: name, to: title}"));

        assertThat(change.fromVersion()).isEqualTo(1);
        assertThat(change.toVersion()).isEqualTo(2);
        assertThat(count(
                        database,
                        "SELECT count(*) FROM books WHERE doc -> 'title' IS NOT NULL AND doc -> 'name' IS NULL"))
                .isEqualTo(2_500);
        assertThat(count(database, "SELECT count(*) FROM books WHERE version = 2"))
                .isEqualTo(2_500);
        assertThat(POSTGRES.jdbc(database)
                        .query(
                                "SELECT version, step, kind, finished_at IS NOT NULL FROM silo_migrations",
                                row -> row.getInt(1) + "." + row.getInt(2) + " " + row.getString(3) + " "
                                        + row.getBoolean(4)))
                .containsExactly("2.1 renameField true");
    }

    @Test
    void documentsWrittenWhileTheBatchesRanAreCaughtUpWithUnderTheFenceWhichWaitsForWritesUnderWay() throws Exception {
        String database = databaseAtV1(2_500);
        Jdbc jdbc = POSTGRES.jdbc(database);
        try (Connection writer = POSTGRES.connect(database);
                java.util.concurrent.ExecutorService committer =
                        java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            Recorded control = new Recorded(() -> {
                // a write admitted before the fence: in its transaction still, in the old shape
                try {
                    writer.setAutoCommit(false);
                    try (var insert = writer.createStatement()) {
                        insert.execute(
                                "INSERT INTO books (id, doc) VALUES (gen_random_uuid(), '{\"name\": \"late\"}')");
                    }
                    committer.submit(() -> {
                        Thread.sleep(300);
                        writer.commit();
                        return null;
                    });
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
                // and one that committed between the last batch and the fence
                jdbc.update("INSERT INTO books (id, doc) VALUES (gen_random_uuid(), '{\"name\": \"later\"}')");
            });

            migrate(
                    database,
                    v2(BOOKS_AND_NOTES, "- renameField: {collection: books, from: name, to: title}"),
                    control);

            assertThat(control.events).containsExactly("fence", "reached 2");
        }
        assertThat(count(database, "SELECT count(*) FROM books WHERE doc -> 'name' IS NOT NULL"))
                .as("the lock waited for the open write, and the catch-up renamed both late documents")
                .isZero();
        assertThat(count(database, "SELECT count(*) FROM books WHERE doc ->> 'title' IN ('late', 'later')"))
                .isEqualTo(2);
    }

    @Test
    void aRolloutThatDiesAsItFencesFinishesOnTheRerunWithoutRunningTheStepAgain() throws SQLException {
        String database = databaseAtV1(1_500);
        ServiceTemplate v2 = v2(BOOKS_AND_NOTES, "- renameField: {collection: books, from: name, to: title}");
        Recorded dying = new Recorded(() -> {
            // documents written after the batches, then the instance dies before the catch-up
            POSTGRES.jdbc(database)
                    .update("INSERT INTO books (id, doc) VALUES (gen_random_uuid(), '{\"name\": \"orphan\"}')");
            throw new IllegalStateException("killed");
        });

        assertThatThrownBy(() -> migrate(database, v2, dying)).hasMessage("killed");
        assertThat(version(database)).isEqualTo(1);
        assertThat(count(database, "SELECT count(*) FROM silo_migrations WHERE finished_at IS NOT NULL"))
                .as("the batches finished and were recorded")
                .isEqualTo(1);

        Recorded rerun = new Recorded(() -> {});
        migrate(database, v2, rerun);

        assertThat(rerun.events).containsExactly("fence", "reached 2");
        assertThat(count(database, "SELECT count(*) FROM books WHERE doc -> 'name' IS NOT NULL"))
                .as("the catch-up of the rerun renamed what the dead one left")
                .isZero();
        assertThat(count(database, "SELECT count(*) FROM books WHERE version = 2"))
                .as("the step did not run twice: every document changed once")
                .isEqualTo(1_501);
    }

    @Test
    void onlyStepsThatChangeDocumentsOrWhatTheyMustBeFenceWrites() throws SQLException {
        Recorded indexOnly = new Recorded(() -> {});
        migrate(
                databaseAtV1(10),
                v2("books:\n  indexes: [shelfNo]\nnotes: {}", "- addIndex: {collection: books, fields: [shelfNo]}"),
                indexOnly);
        assertThat(indexOnly.events).containsExactly("reached 2");

        Recorded schema = new Recorded(() -> {});
        migrate(
                databaseAtV1(10),
                v2(
                        "books:\n  schema: {type: object, required: [name]}\nnotes: {}",
                        "- changeSchema: {collection: books}"),
                schema);
        assertThat(schema.events).containsExactly("fence", "reached 2");
    }

    @Test
    void smallStepsCommitInOneTransactionWithTheVersionTheyReach() throws SQLException {
        String database = databaseAtV1(10);
        Recorded control = new Recorded(() -> {});
        migrate(database, v2("books:\n  indexes: [shelfNo]\nnotes: {}\nloans: {}", """
                        - addIndex: {collection: books, fields: [shelfNo]}
                        - addCollection: {collection: loans}
                        """), control);

        assertThat(control.events).containsExactly("reached 2");
        assertThat(count(
                        database,
                        "SELECT count(DISTINCT xmin::text) FROM (SELECT xmin FROM silo_schema WHERE version = 2"
                                + " UNION ALL SELECT xmin FROM silo_migrations WHERE version = 2) rows"))
                .as("both ledger rows and the version written by one transaction")
                .isEqualTo(1);
        assertThat(count(
                        database, "SELECT count(*) FROM silo_migrations WHERE version = 2 AND finished_at IS NOT NULL"))
                .isEqualTo(2);
        assertThat(validIndexes(database)).contains(indexOfBooks("shelfNo"));
    }

    @Test
    void aStepTheLedgerShowsFinishedDoesNotRunAgainWhenTheRestRunsInOneTransaction() throws SQLException {
        String database = databaseAtV1(5);
        String legacy = indexOfBooks("legacy");
        ServiceTemplate template = v2("books:\n  indexes: [shelfNo]\nnotes: {}", """
                - dropIndex: {collection: books, fields: [legacy]}
                - addIndex: {collection: books, fields: [shelfNo]}
                """);
        // the index dropped by a run whose ledger row committed, then made again by hand: a rerun must leave it
        POSTGRES.jdbc(database).useHandle(handle -> {
            SchemaApplier.recordStep(
                    handle, 2, 1, template.migrations().get(1).operations().getFirst());
            handle.execute("CREATE INDEX \"" + legacy + "\" ON books ((doc->'legacy'))");
        });

        assertThat(migrate(database, template).toVersion()).isEqualTo(2);

        assertThat(validIndexes(database)).contains(legacy).contains(indexOfBooks("shelfNo"));
    }

    @Test
    void anEditedStepStopsTheDatabaseBeforeAnyStepOfTheOneTransactionStays() throws SQLException {
        String database = databaseAtV1(1);
        ServiceTemplate template = v2("books: {}\nnotes: {}\nloans: {}", """
                - addCollection: {collection: loans}
                - addIndex: {collection: books, fields: [shelfNo]}
                """);
        POSTGRES.jdbc(database)
                .update("INSERT INTO silo_migrations (version, step, kind, checksum, finished_at)"
                        + " VALUES (2, 2, 'addIndex', 'an-earlier-text', now())");

        assertThatThrownBy(() -> migrate(database, template))
                .isInstanceOfSatisfying(
                        SiloException.class, e -> assertThat(e.type()).isEqualTo("migration-step-edited"));
        assertThat(version(database)).isEqualTo(1);
        assertThat(count(database, "SELECT count(*) FROM pg_tables WHERE tablename = 'loans'"))
                .isZero();
    }

    @Test
    void theLedgerIsTheAdministratorsEvenWhereEveryTableWasGrantedToATenantRole() throws SQLException {
        String database = databaseAtV1(1);
        String role = "ledger_" + database.replaceAll("[^a-z0-9]", "");
        Jdbc admin = POSTGRES.jdbc(database);
        admin.update("CREATE ROLE " + role);
        try {
            // as a tenant role's default privileges give it every table the administrator creates
            admin.update("GRANT ALL ON ALL TABLES IN SCHEMA public TO " + role);
            migrate(database, v2(BOOKS_AND_NOTES, "- renameField: {collection: books, from: name, to: title}"));

            assertThat(admin.queryOne(
                                    "SELECT has_table_privilege(?, 'silo_migrations', 'INSERT'),"
                                            + " has_table_privilege(?, 'silo_migrations', 'SELECT')",
                                    row -> row.getBoolean(1) + " " + row.getBoolean(2),
                                    role,
                                    role)
                            .orElseThrow())
                    .as("may read the ledger, not write it")
                    .isEqualTo("false true");
        } finally {
            admin.update("DROP OWNED BY " + role);
            admin.update("DROP ROLE " + role);
        }
    }

    @Test
    void copyFieldKeepsTheSourceAndSetDefaultFillsOnlyWhatIsMissing() throws SQLException {
        String database = databaseAtV1(10);
        POSTGRES.jdbc(database)
                .update("UPDATE books SET doc = doc || '{\"status\": \"lent\"}' WHERE doc->>'name' = 'book 1'");
        migrate(database, v2(BOOKS_AND_NOTES, """
                        - copyField: {collection: books, from: name, to: label}
                        - setDefault: {collection: books, field: status, value: on shelf}
                        """));

        assertThat(count(database, "SELECT count(*) FROM books WHERE doc->'label' = doc->'name'"))
                .isEqualTo(10);
        assertThat(count(database, "SELECT count(*) FROM books WHERE doc->>'status' = 'on shelf'"))
                .isEqualTo(9);
        assertThat(count(database, "SELECT count(*) FROM books WHERE doc->>'status' = 'lent'"))
                .isEqualTo(1);
    }

    @Test
    void addCollectionCreatesItsTableAndDropCollectionRemovesOne() throws SQLException {
        String database = databaseAtV1(1);
        migrate(database, v2("books: {}\nloans: {}", """
                        - addCollection: {collection: loans}
                        - dropCollection: {collection: notes}
                        """));

        assertThat(count(database, "SELECT count(*) FROM pg_tables WHERE tablename = 'loans'"))
                .isEqualTo(1);
        assertThat(count(database, "SELECT count(*) FROM pg_tables WHERE tablename = 'notes'"))
                .isZero();
    }

    @Test
    void dropIndexRemovesTheIndexOnThoseFields() throws SQLException {
        String database = databaseAtV1(5);
        String index = indexOfBooks("legacy");
        POSTGRES.jdbc(database)
                .useHandle(handle -> handle.execute("CREATE INDEX \"" + index + "\" ON books ((doc->'legacy'))"));

        migrate(database, v2(BOOKS_AND_NOTES, "- dropIndex: {collection: books, fields: [legacy]}"));

        assertThat(validIndexes(database)).doesNotContain(index);
    }

    @Test
    void addIndexOnALargeCollectionIsBuiltConcurrently() throws SQLException {
        String database = databaseAtV1(50);
        TenantMigrator concurrent = new TenantMigrator(10); // 50 documents count as large here
        try (Connection connection = POSTGRES.connect(database)) {
            concurrent.migrate(
                    connection,
                    v2("books:\n  indexes: [shelfNo]\nnotes: {}", "- addIndex: {collection: books, fields: [shelfNo]}"),
                    TenantMigrator.Control.none());
        }
        assertThat(validIndexes(database)).contains(indexOfBooks("shelfNo"));
    }

    @Test
    void anIndexLeftInvalidByACrashIsFoundAndRebuilt() throws SQLException {
        String database = databaseAtV1(20);
        ServiceTemplate template =
                v2("books:\n  unique: [isbn]\nnotes: {}", "- addUniqueKey: {collection: books, fields: [isbn]}");
        String index = IndexNames.uniqueKey("books", List.of(FieldPath.parse("isbn")));
        // a concurrent build that met a duplicate leaves its index behind, INVALID: as a crash would
        Jdbc jdbc = POSTGRES.jdbc(database);
        jdbc.update("INSERT INTO books (id, doc) VALUES (gen_random_uuid(), '{\"isbn\": \"isbn-1\"}')");
        assertThatThrownBy(() -> jdbc.useHandle(handle ->
                        handle.execute("CREATE UNIQUE INDEX CONCURRENTLY \"" + index + "\" ON books ((doc->'isbn'))")))
                .isInstanceOf(SiloException.class);
        jdbc.update("DELETE FROM books WHERE doc = '{\"isbn\": \"isbn-1\"}'");
        assertThat(count(
                        database,
                        "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                                + " WHERE NOT i.indisvalid"))
                .isEqualTo(1);

        migrate(database, template);

        assertThat(validIndexes(database)).contains(index);
        assertThat(count(database, "SELECT count(*) FROM pg_index WHERE NOT indisvalid"))
                .isZero();
    }

    @Test
    void addUniqueKeyReportsDuplicatesAndLeavesTheDatabaseAtItsVersion() throws SQLException {
        String database = databaseAtV1(5);
        POSTGRES.jdbc(database)
                .update("INSERT INTO books (id, doc) VALUES (gen_random_uuid(), '{\"isbn\": \"isbn-3\"}')");
        ServiceTemplate template =
                v2("books:\n  unique: [isbn]\nnotes: {}", "- addUniqueKey: {collection: books, fields: [isbn]}");

        assertThatThrownBy(() -> migrate(database, template))
                .isInstanceOfSatisfying(
                        SiloException.class, e -> assertThat(e.type()).isEqualTo("migration-duplicates"))
                .hasMessageContaining("\"isbn-3\"")
                .hasMessageContaining("2 documents");
        assertThat(version(database)).isEqualTo(1);

        POSTGRES.jdbc(database).update("DELETE FROM books WHERE doc = '{\"isbn\": \"isbn-3\"}'");
        assertThat(migrate(database, template).toVersion()).isEqualTo(2);
    }

    @Test
    void changeSchemaReportsDocumentsTheNewSchemaRefusesAndLeavesTheVersion() throws SQLException {
        String database = databaseAtV1(3);
        POSTGRES.jdbc(database).update("INSERT INTO books (id, doc) VALUES (gen_random_uuid(), '{\"isbn\": 7}')");
        ServiceTemplate template = v2(
                "books:\n  schema: {type: object, required: [isbn], properties: {isbn: {type: string}}}\nnotes: {}",
                "- changeSchema: {collection: books}");

        assertThatThrownBy(() -> migrate(database, template))
                .isInstanceOfSatisfying(
                        SiloException.class, e -> assertThat(e.type()).isEqualTo("migration-schema-rejected"))
                .hasMessageContaining("1 documents do not match")
                .hasMessageContaining("/isbn");
        assertThat(version(database)).isEqualTo(1);

        POSTGRES.jdbc(database).update("UPDATE books SET doc = '{\"isbn\": \"7\"}' WHERE doc = '{\"isbn\": 7}'");
        assertThat(migrate(database, template).toVersion()).isEqualTo(2);
    }

    @Test
    void sqlRunsOnceEvenWhenALaterStepFailsAndTheRolloutIsRunAgain() throws SQLException {
        String database = databaseAtV1(2);
        POSTGRES.jdbc(database)
                .update("INSERT INTO books (id, doc) VALUES (gen_random_uuid(), '{\"isbn\": \"isbn-1\"}')");
        ServiceTemplate template = v2("books:\n  unique: [isbn]\nnotes: {}", """
                - sql: "CREATE TABLE runs (at timestamptz DEFAULT now()); INSERT INTO runs DEFAULT VALUES"
                - addUniqueKey: {collection: books, fields: [isbn]}
                """);

        assertThatThrownBy(() -> migrate(database, template)).isInstanceOf(SiloException.class);
        POSTGRES.jdbc(database).update("DELETE FROM books WHERE doc = '{\"isbn\": \"isbn-1\"}'");
        migrate(database, template);
        migrate(database, template); // current: nothing runs

        assertThat(count(database, "SELECT count(*) FROM runs")).isEqualTo(1);
        assertThat(count(database, "SELECT count(*) FROM silo_migrations")).isEqualTo(2);
    }

    @Test
    void aFinishedStepWhoseChecksumChangedStopsTheDatabase() throws SQLException {
        String database = databaseAtV1(1);
        ServiceTemplate first = TemplateLoader.load("shelf.yaml", """
                service: shelf
                version: 3
                roles:
                  keeper: {read: ["*"], write: ["*"]}
                collections: {books: {}, notes: {}}
                migrations:
                  - version: 1
                  - version: 2
                    operations:
                      - setDefault: {collection: books, field: status, value: a}
                  - version: 3
                    operations:
                      - sql: "SELECT 1/0"
                """);
        assertThatThrownBy(() -> migrate(database, first)).isInstanceOf(SiloException.class);
        assertThat(version(database)).isEqualTo(2);

        ServiceTemplate edited = TemplateLoader.load("shelf.yaml", """
                service: shelf
                version: 3
                roles:
                  keeper: {read: ["*"], write: ["*"]}
                collections: {books: {}, notes: {}}
                migrations:
                  - version: 1
                  - version: 2
                    operations:
                      - setDefault: {collection: books, field: status, value: b}
                  - version: 3
                """);
        // version 2 is recorded, so its edited step is not run again; an edit of a step of a version not reached is
        assertThat(migrate(database, edited).toVersion()).isEqualTo(3);
        assertThat(count(database, "SELECT count(*) FROM books WHERE doc->>'status' = 'a'"))
                .isEqualTo(1);
    }

    @Test
    void aDryRunListsThePendingStepsAndChangesNothing() throws SQLException {
        String database = databaseAtV1(3);
        ServiceTemplate template = v2(BOOKS_AND_NOTES, "- renameField: {collection: books, from: name, to: title}");
        try (Connection connection = POSTGRES.connect(database)) {
            TenantMigrator.Plan plan = migrator.plan(connection, template);
            assertThat(plan.fromVersion()).isEqualTo(1);
            assertThat(plan.toVersion()).isEqualTo(2);
            assertThat(plan.steps()).first().asString().startsWith("2.1 renameField books name title");
        }
        assertThat(version(database)).isEqualTo(1);
        assertThat(count(database, "SELECT count(*) FROM books WHERE doc -> 'name' IS NOT NULL"))
                .isEqualTo(3);
    }

    private static List<String> validIndexes(String database) {
        return POSTGRES.jdbc(database)
                .query(
                        "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indisvalid",
                        row -> row.getString(1));
    }

    /** The name of the index on {@code field} of the tests' {@code books} collection. */
    private static String indexOfBooks(String field) {
        return IndexNames.index("books", List.of(FieldPath.parse(field)));
    }
}
