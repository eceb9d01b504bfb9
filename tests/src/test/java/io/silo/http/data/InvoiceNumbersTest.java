package io.silo.http.data;

import static io.silo.http.data.Invoices.invoice;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
import io.silo.testing.TestTenants;
import io.silo.testing.TestTenants.TestTenant;
import java.time.Year;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The billing template numbers invoices that come without a number ({@code INV-<year>-<5 digits>}):
 * concurrent inserts get every number once and none is skipped, a failed insert takes no number, and
 * numbers a client brings move the counter past them.
 */
@SiloTest
class InvoiceNumbersTest {
    private static final String INVOICES = "/api/data/billing/invoices";

    @Test
    void fiftyConcurrentInsertsGetTheNumbersOneToFifty(SiloClient anonymous) throws InterruptedException {
        SiloClient client = tenant(anonymous, "Fifty Invoices").client();
        List<SiloClient.Response> answers = new ArrayList<>();
        List<Thread> clerks = new ArrayList<>();
        for (int clerk = 0; clerk < 50; clerk++) {
            int total = clerk;
            clerks.add(Thread.ofVirtual().start(() -> {
                SiloClient.Response answer = client.post(INVOICES, unnumbered(total));
                synchronized (answers) {
                    answers.add(answer);
                }
            }));
        }
        for (Thread clerk : clerks) {
            clerk.join();
        }

        assertThat(answers)
                .allSatisfy(
                        answer -> assertThat(answer.status()).as(answer.text()).isEqualTo(201));
        assertThat(answers.stream()
                        .map(answer -> answer.json().path("number").asString())
                        .sorted())
                .as("each number once, none skipped")
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 50)
                        .mapToObj(InvoiceNumbersTest::number)
                        .toList());
    }

    @Test
    void aFailingInsertInABatchTakesNoNumber(SiloClient anonymous) {
        SiloClient client = tenant(anonymous, "Failed Batch").client();
        Map<String, Object> wrong = new HashMap<>(unnumbered(2));
        wrong.put("currency", "euros");

        SiloClient.Response refused = client.post(
                "/api/data/billing/_batch",
                Map.of(
                        "operations",
                        List.of(
                                Map.of("op", "insert", "collection", "invoices", "body", unnumbered(1)),
                                Map.of("op", "insert", "collection", "invoices", "body", wrong))));
        assertThat(refused.status()).as(refused.text()).isEqualTo(422);
        assertThat(refused.json().path("operation").asInt()).isEqualTo(1);
        assertThat(client.post(INVOICES, wrong).status()).isEqualTo(422);

        assertThat(client.post(INVOICES, unnumbered(3)).json().path("number").asString())
                .as("neither the undone batch nor the refused insert took a number")
                .isEqualTo(number(1));
    }

    @Test
    void numbersAClientBringsAreKeptAndTheCounterMovesPastThem(SiloClient anonymous) {
        SiloClient client = tenant(anonymous, "Imported Invoices").client();

        assertThat(client.post(INVOICES, invoice(number(500), "Imported", "paid", 1))
                        .json()
                        .path("number")
                        .asString())
                .isEqualTo(number(500));
        assertThat(client.post(INVOICES, invoice("LEGACY-9000", "Imported", "paid", 1))
                        .status())
                .isEqualTo(201);
        assertThat(client.post(INVOICES, unnumbered(1)).json().path("number").asString())
                .isEqualTo(number(501));
        SiloClient.Response taken = client.post(INVOICES, invoice(number(501), "Imported", "paid", 1));
        assertThat(taken.problemType()).as("numbers stay unique").isEqualTo("duplicate-key");
    }

    private static TestTenant tenant(SiloClient anonymous, String name) {
        return TestTenants.create(anonymous, name + " " + System.nanoTime(), List.of("billing"));
    }

    private static Map<String, Object> unnumbered(double total) {
        Map<String, Object> invoice = new HashMap<>(invoice("-", "Numbered", "draft", total));
        invoice.remove("number");
        return invoice;
    }

    /** The number of this year's invoice {@code n} (UTC, as the billing template counts). */
    private static String number(int n) {
        return "INV-%d-%05d".formatted(Year.now(ZoneOffset.UTC).getValue(), n);
    }
}
