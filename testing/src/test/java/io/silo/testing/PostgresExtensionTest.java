package io.silo.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The extension hands each class its own empty database on the shared server. */
@PostgresTest
class PostgresExtensionTest {

    @Test
    void databaseIsFreshAndReachable(TestDatabase database) {
        assertThat(database.name()).startsWith("postgresextensiontest_");
        assertThat(database.jdbc()
                        .query("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", row -> row.getLong(1)))
                .containsExactly(0L);
        database.jdbc().update("CREATE TABLE scratch (id int)");
        assertThat(database.jdbc()
                        .query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", row -> row.getString(1)))
                .as("the class owns its database: it may create tables there")
                .containsExactly("scratch");
        assertThat(database.jdbc().query("SELECT current_database()", row -> row.getString(1)))
                .containsExactly(database.name());
    }
}
