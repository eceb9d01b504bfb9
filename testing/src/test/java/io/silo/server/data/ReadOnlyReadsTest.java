package io.silo.server.data;

import static io.silo.server.data.Invoices.invoice;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.testing.SiloClient;
import io.silo.testing.TestSilo;
import io.silo.testing.TestTenants;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reads mark their connection read-only so that the driver opens the transaction with
 * {@code BEGIN READ ONLY} (one round trip fewer per read). The pool must clear that mark when the
 * connection comes back: with one connection per database, every write here takes the very
 * connection a read just used, and would fail as read-only if it did not.
 */
class ReadOnlyReadsTest {
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
    void writesAfterReadsOnTheSameConnectionAreNotReadOnly() {
        SiloClient client = TestTenants.create(silo.client(), "Read Only " + System.nanoTime(), List.of("billing")).client();
        String path = "/api/data/billing/invoices/" + client.post("/api/data/billing/invoices", invoice("INV-1", "Ada", "draft", 10))
                .json().path("_id").asString();

        for (int round = 0; round < 3; round++) {
            assertThat(client.get(path).status()).isEqualTo(200);
            assertThat(client.get("/api/data/billing/invoices?limit=5").status()).isEqualTo(200);
            SiloClient.Response patched = client.patch(path, Map.of("notes", "round " + round));
            assertThat(patched.status()).as(patched.text()).isEqualTo(200);
            SiloClient.Response inserted = client.post("/api/data/billing/invoices", invoice("INV-R" + round, "Bo", "draft", 5));
            assertThat(inserted.status()).as(inserted.text()).isEqualTo(201);
        }
    }
}
