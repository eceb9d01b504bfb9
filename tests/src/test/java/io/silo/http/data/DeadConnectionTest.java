package io.silo.http.data;

import static io.silo.http.data.Invoices.invoice;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
import io.silo.testing.TestPostgres;
import io.silo.testing.TestTenants;
import io.silo.testing.TestTenants.TestTenant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A pooled connection whose backend died (a PostgreSQL restart, an operator's pg_terminate_backend)
 * is never a 500: a read is retried once on a fresh connection; a write is not retried, and is
 * either done on a fresh connection or reported as of unknown outcome.
 */
@SiloTest
class DeadConnectionTest {
    @Test
    void aReadOnADeadPooledConnectionIsRetriedOnAFreshOne(SiloClient anonymous) {
        TestTenant acme = TestTenants.create(anonymous, "Dead Conn Co", List.of("billing"));
        SiloClient member = acme.client();
        String path = "/api/data/billing/invoices/"
                + member.post("/api/data/billing/invoices", invoice("D-1", "Ada", "draft", 10))
                        .json()
                        .path("_id")
                        .asString();
        assertThat(member.get(path).status()).isEqualTo(200);

        for (int round = 0; round < 5; round++) {
            killBackends(acme.database("billing"));
            SiloClient.Response read = member.get(path);
            assertThat(read.status()).as("round %d: %s", round, read.text()).isEqualTo(200);
            killBackends(acme.database("billing"));
            SiloClient.Response page = member.get("/api/data/billing/invoices");
            assertThat(page.status()).as("round %d: %s", round, page.text()).isEqualTo(200);
        }
    }

    @Test
    void aWriteOnADeadPooledConnectionIsNeverASuccessItDidNotHaveNorA500(SiloClient anonymous) {
        TestTenant acme = TestTenants.create(anonymous, "Dead Write Co", List.of("billing"));
        SiloClient member = acme.client();
        assertThat(member.post("/api/data/billing/invoices", invoice("W-0", "Ada", "draft", 10))
                        .status())
                .isEqualTo(201);

        for (int round = 1; round <= 5; round++) {
            assertThat(member.get("/api/data/billing/invoices").status()).isEqualTo(200); // a pooled connection
            killBackends(acme.database("billing"));
            SiloClient.Response written =
                    member.post("/api/data/billing/invoices", invoice("W-" + round, "Ada", "draft", 10));
            assertThat(written.status())
                    .as("round %d: %s", round, written.text())
                    .isIn(201, 503);
            if (written.status() == 503) {
                assertThat(written.problemType()).isEqualTo("write-outcome-unknown");
                assertThat(written.header("Retry-After"))
                        .as("safe to retry only knowingly")
                        .isEmpty();
            }
        }
    }

    private static void killBackends(String database) {
        List<Boolean> killed = TestPostgres.primary()
                .admin()
                .query(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()",
                        row -> row.getBoolean(1),
                        database);
        assertThat(killed).as("the pool held a connection to %s", database).isNotEmpty();
    }
}
