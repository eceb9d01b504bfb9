package io.silo.http.data;

import static io.silo.http.data.Invoices.invoice;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.testing.SiloClient;
import io.silo.testing.TestPostgres;
import io.silo.testing.TestSilo;
import io.silo.testing.TestTenants;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Single-row reads run their one statement in auto-commit, pages in a read-only transaction,
 * writes in a transaction, all on the same pooled connections: with one connection per database,
 * every request here takes the very connection the previous one used, so none may leave its mode
 * behind (a write on a connection left read-only would fail; a write left in auto-commit would not
 * be atomic with its activity entry; a read left in a transaction would hold it open).
 */
class ReadsAndWritesShareConnectionsTest {
    private static TestSilo silo;

    @BeforeAll
    static void start() {
        silo = TestSilo.start(1, Map.of("SILO_POOLS_MAX_PER_DATABASE", "1"));
    }

    @AfterAll
    static void stop() {
        silo.close();
    }

    @Test
    void readsAndWritesAlternateOnOneConnection() {
        TestTenants.TestTenant tenant =
                TestTenants.create(silo.client(), "Shared Conn " + System.nanoTime(), List.of("billing"));
        SiloClient client = tenant.client();
        String path = "/api/data/billing/invoices/"
                + client.post("/api/data/billing/invoices", invoice("INV-1", "Ada", "draft", 10))
                        .json()
                        .path("_id")
                        .asString();

        for (int round = 0; round < 3; round++) {
            assertThat(client.get("/api/data/billing/invoices/_count")
                            .json()
                            .path("count")
                            .asLong())
                    .isEqualTo(1 + round);
            assertThat(client.get(path).status()).isEqualTo(200);
            assertThat(client.get("/api/data/billing/invoices?limit=5").status())
                    .isEqualTo(200);
            SiloClient.Response patched = client.patch(path, Map.of("notes", "round " + round));
            assertThat(patched.status()).as(patched.text()).isEqualTo(200);
            SiloClient.Response inserted =
                    client.post("/api/data/billing/invoices", invoice("INV-R" + round, "Bo", "draft", 5));
            assertThat(inserted.status()).as(inserted.text()).isEqualTo(201);
        }
        assertThat(client.get(path).status()).isEqualTo(200);

        String role = silo.control()
                .queryOne("SELECT db_role FROM tenants WHERE id = ?::uuid", row -> row.getString(1), tenant.id())
                .orElseThrow();
        assertThat(TestPostgres.primary()
                        .admin()
                        .query("SELECT state FROM pg_stat_activity WHERE usename = ?", row -> row.getString(1), role))
                .as("the tenant's pooled connections, left idle by the last read")
                .isNotEmpty()
                .containsOnly("idle");
    }
}
