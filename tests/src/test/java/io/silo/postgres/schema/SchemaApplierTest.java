package io.silo.postgres.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.silo.error.SiloException;
import io.silo.postgres.cluster.TemplateNames;
import io.silo.postgres.jdbc.Jdbc;
import io.silo.template.ServiceTemplate;
import io.silo.template.TemplateCatalog;
import io.silo.template.TemplateLoader;
import io.silo.testing.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class SchemaApplierTest {
    private static final TestPostgres POSTGRES = TestPostgres.primary();

    private static final String LEDGER_V1 = """
            service: ledger
            version: 1
            roles:
              clerk: {read: ["*"], write: ["*"]}
            collections:
              entries:
                schema: {type: object}
                indexes:
                  - status
                  - legacy
            migrations:
              - version: 1
            """;

    private static final String LEDGER_V2 = """
            service: ledger
            version: 2
            roles:
              clerk: {read: ["*"], write: ["*"]}
            collections:
              entries:
                schema: {type: object}
                indexes:
                  - status
                  - {fields: [dueDate], descending: true}
                unique:
                  - number
            migrations:
              - version: 1
              - version: 2
                description: due becomes dueDate, entries get a currency, legacy goes
                operations:
                  - renameField: {collection: entries, from: due, to: dueDate}
                  - setDefault: {collection: entries, field: currency, value: EUR}
                  - dropIndex: {collection: entries, fields: [legacy]}
                  - dropIndex: {collection: entries, fields: [status]}
            """;

    @Test
    void everyShippedTemplateAppliesToAnEmptyDatabase() throws SQLException {
        for (ServiceTemplate template : TemplateCatalog.builtIn().all()) {
            String database = POSTGRES.createDatabase("shipped_" + template.service());
            try (Connection connection = POSTGRES.connect(database)) {
                SchemaChange change = SchemaApplier.apply(connection, template);

                assertThat(change).isEqualTo(new SchemaChange(database, template.service(), 0, template.version()));
                assertThat(SchemaApplier.currentVersion(connection)).isEqualTo(template.version());
                assertThat(connection.getAutoCommit()).isTrue();
            }
            assertThat(tables(database))
                    .as(template.service())
                    .contains(
                            "silo_schema",
                            "silo_activity",
                            "silo_files",
                            "silo_file_chunks",
                            "silo_idempotency",
                            "silo_sequences")
                    .containsAll(template.collections().keySet());
        }
    }

    @Test
    void coreGetsItsRelationalTables() throws SQLException {
        String database = apply("core", TemplateCatalog.builtIn().core());
        Jdbc jdbc = POSTGRES.jdbc(database);
        UUID id = UUID.randomUUID();

        jdbc.update("INSERT INTO users (id, email, password_hash) VALUES (?, 'ada@example.com', 'x')", id);
        jdbc.update("INSERT INTO memberships (user_id, service, role) VALUES (?, 'billing', 'manager')", id);
        jdbc.update("INSERT INTO outbox (kind, payload) VALUES ('user-created', '{}'::jsonb)");

        assertThat(tables(database)).contains("users", "memberships", "outbox", "settings");
        assertThatThrownBy(() -> jdbc.update(
                        "INSERT INTO users (id, email, password_hash) VALUES (?, 'ada@example.com', 'y')",
                        UUID.randomUUID()))
                .hasMessageContaining("users_email_key");
        assertThatThrownBy(
                        () -> jdbc.update("INSERT INTO users (id, password_hash) VALUES (?, 'y')", UUID.randomUUID()))
                .as("a user needs an email or a user name")
                .hasMessageContaining("check constraint");
        jdbc.update("DELETE FROM users WHERE id = ?", id);
        assertThat(jdbc.queryOne("SELECT count(*) FROM memberships", row -> row.getInt(1)))
                .contains(0);
    }

    @Test
    void collectionTablesHaveTheLayoutTheCollectionsEngineUses() throws SQLException {
        String database = apply("layout", ledger(LEDGER_V1));

        List<String> columns = POSTGRES.jdbc(database).query("""
                SELECT column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '-')
                FROM information_schema.columns WHERE table_name = 'entries' ORDER BY ordinal_position""", row -> row.getString(1));

        assertThat(columns)
                .containsExactly(
                        "id uuid NO -",
                        "doc jsonb NO -",
                        "version bigint NO 1",
                        "created_at timestamp with time zone NO now()",
                        "updated_at timestamp with time zone NO now()");
    }

    @Test
    void applyingTwiceChangesNothing() throws SQLException {
        ServiceTemplate billing = TemplateCatalog.builtIn().require("billing");
        String database = apply("twice", billing);

        try (Connection connection = POSTGRES.connect(database)) {
            SchemaChange second = SchemaApplier.apply(connection, billing);

            assertThat(second.changed()).isFalse();
            assertThat(second.toVersion()).isEqualTo(billing.version());
        }
        assertThat(POSTGRES.jdbc(database)
                        .query(
                                "SELECT service, version, checksum FROM silo_schema",
                                row -> row.getString(1) + " " + row.getInt(2) + " " + row.getString(3)))
                .containsExactly("billing " + billing.version() + " " + billing.checksum());
    }

    @Test
    void secondVersionUpgradesADatabaseWithData() throws SQLException {
        String database = apply("upgrade", ledger(LEDGER_V1));
        Jdbc jdbc = POSTGRES.jdbc(database);
        insert(jdbc, "{\"number\": \"A-1\", \"status\": \"paid\", \"due\": \"2025-01-31\"}");
        insert(jdbc, "{\"number\": \"A-2\", \"status\": \"sent\", \"currency\": \"CHF\"}");

        try (Connection connection = POSTGRES.connect(database)) {
            assertThat(SchemaApplier.apply(connection, ledger(LEDGER_V2)))
                    .isEqualTo(new SchemaChange(database, "ledger", 1, 2));
        }

        assertThat(jdbc.query(
                        "SELECT doc::text || ' v' || version FROM entries ORDER BY doc->>'number'",
                        row -> row.getString(1)))
                .containsExactly(
                        "{\"number\": \"A-1\", \"status\": \"paid\", \"dueDate\": \"2025-01-31\", \"currency\": \"EUR\"} v3",
                        "{\"number\": \"A-2\", \"status\": \"sent\", \"currency\": \"CHF\"} v1");
        assertThat(indexes(database, "entries"))
                .containsOnlyKeys("entries_pkey", "entries_status_idx", "entries_duedate_idx", "entries_number_key");
        assertThat(indexes(database, "entries").get("entries_status_idx"))
                .as("dropped by migration 2, declared again, so there after the upgrade")
                .isNotNull();
    }

    /**
     * A database made before file storage (issue 14) gets the file tables with its next migration,
     * the baseline being applied with every one; and a template database made before the baseline grew
     * is never asked for again, since its name carries the baseline's checksum.
     */
    @Test
    void aDatabaseMadeBeforeFileStorageGetsItsTablesWithTheNextMigration() throws SQLException {
        String database = apply("files_later", ledger(LEDGER_V1));
        Jdbc jdbc = POSTGRES.jdbc(database);
        jdbc.update("DROP TABLE silo_file_chunks, silo_files"); // as a database of the version before
        assertThat(tables(database)).doesNotContain("silo_files");

        try (Connection connection = POSTGRES.connect(database)) {
            SchemaApplier.apply(connection, ledger(LEDGER_V2));
        }

        assertThat(tables(database)).contains("silo_files", "silo_file_chunks");
        assertThat(TemplateNames.of(ledger(LEDGER_V1)))
                .startsWith("silo_tpl_ledger_v1_")
                .isNotEqualTo(TemplateNames.PREFIX + "ledger_v1_"
                        + ledger(LEDGER_V1).checksum().substring(0, 8));
    }

    @Test
    void failingStepRollsBackEverything() throws SQLException {
        String database = apply("rollback", ledger(LEDGER_V1));
        Jdbc jdbc = POSTGRES.jdbc(database);
        insert(jdbc, "{\"number\": \"A-1\", \"due\": \"2025-01-31\"}");
        insert(jdbc, "{\"number\": \"A-1\", \"due\": \"2025-02-28\"}");

        try (Connection connection = POSTGRES.connect(database)) {
            assertThatThrownBy(() -> SchemaApplier.apply(connection, ledger(LEDGER_V2)))
                    .isInstanceOfSatisfying(
                            SiloException.class, e -> assertThat(e.type()).isEqualTo("schema-apply-failed"))
                    .hasMessageStartingWith("database " + database
                            + ": applying ledger version 2 failed at unique key entries_number_key")
                    .hasMessageEndingWith("; nothing was changed");
            assertThat(SchemaApplier.currentVersion(connection)).isEqualTo(1);
            assertThat(connection.getAutoCommit()).isTrue();
        }
        assertThat(jdbc.query("SELECT doc->>'due' FROM entries ORDER BY 1", row -> row.getString(1)))
                .as("the rename of migration 2 is undone")
                .containsExactly("2025-01-31", "2025-02-28");
        assertThat(indexes(database, "entries"))
                .containsOnlyKeys("entries_pkey", "entries_status_idx", "entries_legacy_idx");
    }

    @Test
    void failureOnAnEmptyDatabaseLeavesItEmpty() throws SQLException {
        String database = POSTGRES.createDatabase("empty_failure");
        ServiceTemplate broken =
                ledger(LEDGER_V1.replace("  - version: 1", "  - version: 1\n    operations:\n      - sql: SELECT 1/0"));

        try (Connection connection = POSTGRES.connect(database)) {
            assertThatThrownBy(() -> SchemaApplier.apply(connection, broken))
                    .hasMessageContaining("failed at migration 1 operation 1 (sql): ERROR: division by zero");
            assertThat(SchemaApplier.currentVersion(connection)).isZero();
        }
        assertThat(tables(database)).isEmpty();
    }

    @Test
    void indexesAreExpressionsOnTheDocument() throws SQLException {
        String database = apply("expressions", TemplateCatalog.builtIn().require("billing"));
        Map<String, String> indexes = indexes(database);

        assertThat(indexes.get("invoices_status_idx")).endsWith("USING btree (((doc -> 'status'::text)))");
        assertThat(indexes.get("invoices_customer_id_idx"))
                .endsWith("USING btree ((((doc -> 'customer'::text) -> 'id'::text)))");
        assertThat(indexes.get("payments_paidat_idx")).endsWith("USING btree (((doc -> 'paidAt'::text)) DESC)");
        assertThat(indexes.get("invoices_number_key"))
                .startsWith("CREATE UNIQUE INDEX")
                .endsWith("(((doc -> 'number'::text)))");
        assertThat(indexes.get("silo_activity_at_idx")).endsWith("USING btree (at DESC)");
    }

    @Test
    void filterOnAnIndexedFieldUsesTheIndex() throws SQLException {
        String database = apply("explain", TemplateCatalog.builtIn().require("billing"));
        POSTGRES.jdbc(database).update("""
                INSERT INTO invoices (id, doc)
                SELECT gen_random_uuid(), jsonb_build_object('number', 'INV-' || n, 'status', CASE WHEN n % 100 = 0 THEN 'paid' ELSE 'sent' END)
                FROM generate_series(1, 20000) AS n""");

        try (Connection connection = POSTGRES.connect(database);
                var statement = connection.createStatement()) {
            statement.execute("ANALYZE invoices");
            StringBuilder plan = new StringBuilder();
            try (var rows = statement.executeQuery(
                    "EXPLAIN SELECT id, doc FROM invoices WHERE doc->'status' = '\"paid\"'::jsonb")) {
                while (rows.next()) {
                    plan.append(rows.getString(1)).append('\n');
                }
            }

            assertThat(plan.toString()).contains("invoices_status_idx").doesNotContain("Seq Scan");
        }
    }

    @Test
    void databaseOfAnotherServiceIsRefused() throws SQLException {
        String database = apply("other_service", TemplateCatalog.builtIn().require("billing"));

        try (Connection connection = POSTGRES.connect(database)) {
            assertThatThrownBy(() -> SchemaApplier.apply(
                            connection, TemplateCatalog.builtIn().require("crm")))
                    .isInstanceOfSatisfying(
                            SiloException.class, e -> assertThat(e.type()).isEqualTo("schema-service-mismatch"))
                    .hasMessage("database " + database + " holds service billing, not crm");
        }
    }

    @Test
    void databaseNewerThanTheTemplateIsRefused() throws SQLException {
        String database = apply("ahead", ledger(LEDGER_V2));

        try (Connection connection = POSTGRES.connect(database)) {
            assertThatThrownBy(() -> SchemaApplier.apply(connection, ledger(LEDGER_V1)))
                    .isInstanceOfSatisfying(
                            SiloException.class, e -> assertThat(e.type()).isEqualTo("schema-version-ahead"));
        }
    }

    @Test
    void templateEditedWithoutANewVersionIsRefused() throws SQLException {
        String database = apply("edited", ledger(LEDGER_V1));
        ServiceTemplate edited = ledger(LEDGER_V1.replace("      - legacy\n", "      - legacy\n      - total\n"));

        try (Connection connection = POSTGRES.connect(database)) {
            assertThatThrownBy(() -> SchemaApplier.apply(connection, edited))
                    .isInstanceOfSatisfying(
                            SiloException.class,
                            e -> assertThat(e.type()).isEqualTo("template-changed-without-version"))
                    .hasMessageContaining("add the change as migration 2");
        }
        assertThat(indexes(database)).doesNotContainKey("entries_total_idx");
    }

    @Test
    void concurrentAppliesToOneDatabaseApplyOnce() throws Exception {
        String database = POSTGRES.createDatabase("concurrent");
        ServiceTemplate school = TemplateCatalog.builtIn().require("school");

        List<CompletableFuture<SchemaChange>> applies = List.of(1, 2, 3).stream()
                .map(i -> CompletableFuture.supplyAsync(() -> {
                    try (Connection connection = POSTGRES.connect(database)) {
                        return SchemaApplier.apply(connection, school);
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                }))
                .toList();

        assertThat(applies.stream().map(CompletableFuture::join).filter(SchemaChange::changed))
                .hasSize(1);
        assertThat(POSTGRES.jdbc(database).queryOne("SELECT count(*) FROM silo_schema", row -> row.getInt(1)))
                .contains(1);
    }

    /**
     * School's migration 2 moves the submissions the seed embedded in assignments into a collection
     * of their own, one per student and assignment (the latest when the old data held several), and
     * leaves the assignments without them.
     */
    @Test
    void schoolMigrationTwoMovesEmbeddedSubmissionsOut() throws Exception {
        String yaml = new String(
                TemplateCatalog.class
                        .getResourceAsStream("/services/school.yaml")
                        .readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        String v1 = yaml.replace("version: 2\n", "version: 1\n").substring(0, yaml.indexOf("  - version: 2"));
        String database = apply("school_v1", TemplateLoader.load("services/school.yaml", v1));
        Jdbc jdbc = POSTGRES.jdbc(database);
        UUID fractions = UUID.randomUUID();
        jdbc.update("INSERT INTO assignments (id, doc) VALUES (?, ?::jsonb)", fractions, """
                {"title": "Fractions", "teacherId": "t1", "classIds": ["c1"], "dueDate": "2026-09-15T08:00:00Z",
                 "submissions": [
                   {"studentId": "ada", "status": "graded", "grade": 9, "submittedAt": "2026-09-14T10:00:00Z"},
                   {"studentId": "ben", "status": "submitted", "submittedAt": "2026-09-13T10:00:00Z"},
                   {"studentId": "ben", "status": "submitted", "submittedAt": "2026-09-14T11:00:00Z"},
                   "not an object"]}""");
        jdbc.update(
                "INSERT INTO assignments (id, doc) VALUES (?, ?::jsonb)", UUID.randomUUID(), "{\"title\": \"Empty\"}");

        try (Connection connection = POSTGRES.connect(database)) {
            assertThat(SchemaApplier.apply(connection, TemplateCatalog.builtIn().require("school"))
                            .toVersion())
                    .isEqualTo(2);
        }

        assertThat(jdbc.query(
                        "SELECT doc->>'studentId', doc->>'submittedAt', doc->>'assignmentId' FROM submissions ORDER BY 1",
                        row -> row.getString(1) + " " + row.getString(2) + " " + row.getString(3)))
                .containsExactly("ada 2026-09-14T10:00:00Z " + fractions, "ben 2026-09-14T11:00:00Z " + fractions);
        assertThat(jdbc.query(
                        "SELECT count(*) FROM assignments WHERE doc->'submissions' IS NOT NULL", row -> row.getLong(1)))
                .containsExactly(0L);
    }

    @Test
    void emptyDatabaseIsAtVersionZero() throws SQLException {
        try (Connection connection = POSTGRES.connect(POSTGRES.createDatabase("version_zero"))) {
            assertThat(SchemaApplier.currentVersion(connection)).isZero();
        }
    }

    private static ServiceTemplate ledger(String yaml) {
        return TemplateLoader.load("test/ledger.yaml", yaml);
    }

    private static String apply(String prefix, ServiceTemplate template) throws SQLException {
        String database = POSTGRES.createDatabase(prefix);
        try (Connection connection = POSTGRES.connect(database)) {
            SchemaApplier.apply(connection, template);
        }
        return database;
    }

    private static void insert(Jdbc jdbc, String json) {
        jdbc.update("INSERT INTO entries (id, doc) VALUES (?, ?::jsonb)", UUID.randomUUID(), json);
    }

    private static List<String> tables(String database) {
        return POSTGRES.jdbc(database)
                .query(
                        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
                        row -> row.getString(1));
    }

    /** Every index of the database, name to definition. */
    private static Map<String, String> indexes(String database) {
        return indexes(database, "%");
    }

    private static Map<String, String> indexes(String database, String table) {
        Map<String, String> out = new java.util.TreeMap<>();
        POSTGRES.jdbc(database)
                .query(
                        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename LIKE ?",
                        row -> out.put(row.getString(1), row.getString(2)),
                        table);
        return out;
    }
}
