package io.silo.http.data;

import static io.silo.http.data.DataPlaneTest.encode;
import static io.silo.http.data.Invoices.invoice;
import static org.assertj.core.api.Assertions.assertThat;

import io.silo.json.Json;
import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
import io.silo.testing.TestPostgres;
import io.silo.testing.TestTenants;
import io.silo.testing.TestTenants.TestTenant;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Writes sent with an {@code Idempotency-Key}, as a till whose request timed out sends them again:
 * whatever the route, a retry gets the first answer and nothing is written twice, even when the
 * retries race the first request; a key cannot be spent on another request; a failed write keeps
 * nothing.
 */
@SiloTest
class IdempotencyKeysTest {
    private static final String INVOICES = "/api/data/billing/invoices";
    private static final String PRODUCTS = "/api/data/pos/products";
    private static final String KEY = "Idempotency-Key";

    private final TestTenant shop;
    private final SiloClient client;

    IdempotencyKeysTest(SiloClient anonymous) {
        shop = TestTenants.create(anonymous, "Keyed Shop " + System.nanoTime(), List.of("billing", "pos"));
        client = shop.client();
    }

    @Test
    void aRetriedInsertGetsTheFirstAnswerAndInsertsOnce() {
        String key = key("insert");
        Map<String, Object> unnumbered = unnumbered("Ada", 120);

        SiloClient.Response first = keyed("POST", INVOICES, unnumbered, key);
        SiloClient.Response retry = keyed("POST", INVOICES, unnumbered, key);

        assertThat(first.status()).as(first.text()).isEqualTo(201);
        assertThat(first.header("Idempotent-Replayed")).isEmpty();
        assertThat(retry.status()).isEqualTo(201);
        assertThat(retry.header("Idempotent-Replayed")).contains("true");
        assertThat(retry.text()).as("the first answer, as it was").isEqualTo(first.text());
        assertThat(retry.header("Location")).isEqualTo(first.header("Location"));
        assertThat(retry.header("ETag")).isEqualTo(first.header("ETag"));
        String number = first.json().path("number").asString();
        assertThat(count(INVOICES, "{\"number\":\"" + number + "\"}")).isEqualTo(1);
        assertThat(count(INVOICES, "{\"customer.name\":\"Ada\"}")).isEqualTo(1);
    }

    @Test
    void aRetriedPatchDeleteOrBatchIsDoneOnce() {
        String product = PRODUCTS + "/"
                + client.post(PRODUCTS, Map.of("name", "Gin", "sku", key("GIN"), "price", 20, "stock", 10))
                        .json()
                        .path("_id")
                        .asString();
        String sell = key("sell");
        Map<String, Object> twoBottles = Map.of("$inc", Map.of("stock", -2));
        assertThat(keyed("PATCH", product, twoBottles, sell).status()).isEqualTo(200);
        SiloClient.Response again = keyed("PATCH", product, twoBottles, sell);
        assertThat(again.header("Idempotent-Replayed")).contains("true");
        assertThat(again.json().path("stock").asInt()).isEqualTo(8);
        assertThat(client.get(product).json().path("stock").asInt())
                .as("sold once")
                .isEqualTo(8);

        Map<String, Object> batch = Map.of(
                "operations",
                List.of(
                        Map.of("op", "insert", "collection", "invoices", "body", unnumbered("Bea", 5)),
                        Map.of("op", "patch", "collection", "invoices", "id", id(INVOICES, "Bea-0"), "body", paid())));
        String batchKey = key("batch");
        SiloClient.Response applied = keyed("POST", "/api/data/billing/_batch", batch, batchKey);
        SiloClient.Response replayed = keyed("POST", "/api/data/billing/_batch", batch, batchKey);
        assertThat(applied.status()).as(applied.text()).isEqualTo(200);
        assertThat(replayed.text()).isEqualTo(applied.text());
        assertThat(replayed.header("Idempotent-Replayed")).contains("true");
        assertThat(count(INVOICES, "{\"customer.name\":\"Bea\"}")).isEqualTo(1);

        String remove = key("delete");
        assertThat(keyed("DELETE", product, null, remove).status()).isEqualTo(204);
        SiloClient.Response deletedAgain = keyed("DELETE", product, null, remove);
        assertThat(deletedAgain.status()).as("not 404: the first answer").isEqualTo(204);
        assertThat(deletedAgain.header("Idempotent-Replayed")).contains("true");
    }

    @Test
    void aKeyAnswersOneRequestOnly() {
        String key = key("once");
        assertThat(keyed("POST", INVOICES, unnumbered("Cy", 1), key).status()).isEqualTo(201);

        for (SiloClient.Response other : List.of(
                keyed("POST", INVOICES, unnumbered("Cy", 2), key),
                keyed("POST", "/api/data/billing/payments", unnumbered("Cy", 1), key),
                keyed("PATCH", INVOICES + "/" + id(INVOICES, "Cy-0"), paid(), key))) {
            assertThat(other.status()).as(other.text()).isEqualTo(422);
            assertThat(other.problemType()).isEqualTo("idempotency-key-reused");
        }
        assertThat(count(INVOICES, "{\"customer.name\":\"Cy\"}")).isEqualTo(1);
    }

    @Test
    void aFailedWriteKeepsNothingSoTheCorrectedRequestMayUseTheKey() {
        String key = key("fix");
        Map<String, Object> wrong = new HashMap<>(unnumbered("Dee", 3));
        wrong.put("status", "lost");

        assertThat(keyed("POST", INVOICES, wrong, key).problemType()).isEqualTo("schema-violation");
        assertThat(keyed("POST", INVOICES, wrong, key).problemType())
                .as("not replayed: a failure is answered afresh")
                .isEqualTo("schema-violation");
        SiloClient.Response fixed = keyed("POST", INVOICES, unnumbered("Dee", 3), key);
        assertThat(fixed.status()).as(fixed.text()).isEqualTo(201);
        assertThat(fixed.header("Idempotent-Replayed")).isEmpty();
    }

    @Test
    void retriesRacingTheFirstRequestWriteOnce() throws InterruptedException {
        String key = key("race");
        Map<String, Object> body = unnumbered("Eve", 7);
        int tills = 16;
        CountDownLatch start = new CountDownLatch(1);
        List<SiloClient.Response> answers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int till = 0; till < tills; till++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                SiloClient.Response answer = keyed("POST", INVOICES, body, key);
                synchronized (answers) {
                    answers.add(answer);
                }
            }));
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }

        Set<String> ids = ConcurrentHashMap.newKeySet();
        for (SiloClient.Response answer : answers) {
            assertThat(answer.status()).as(answer.text()).isIn(201, 409);
            if (answer.status() == 201) {
                ids.add(answer.json().path("_id").asString());
            } else {
                assertThat(answer.problemType()).isEqualTo("idempotency-key-in-use");
                assertThat(answer.header("Retry-After")).contains("1");
            }
        }
        System.out.println("IdempotencyKeysTest: " + tills + " racing retries: "
                + answers.stream().filter(answer -> answer.status() == 201).count() + " answered, "
                + answers.stream().filter(answer -> answer.status() == 409).count() + " in use");
        assertThat(ids).as("every answer is the one document's").hasSize(1);
        assertThat(keyed("POST", INVOICES, body, key).json().path("_id").asString())
                .isEqualTo(ids.iterator().next());
        assertThat(count(INVOICES, "{\"customer.name\":\"Eve\"}")).isEqualTo(1);
    }

    @Test
    void aKeyIsOneToTwoHundredFiftyFivePrintableAsciiCharacters(SiloClient anonymous) throws IOException {
        for (String bad : List.of("", "k".repeat(256))) {
            SiloClient.Response refused = keyed("POST", INVOICES, unnumbered("Fay", 1), bad);
            assertThat(refused.status()).as(bad).isEqualTo(400);
            assertThat(refused.problemType()).isEqualTo("invalid-idempotency-key");
            assertThat(refused.json().path("field").asString()).isEqualTo(KEY);
        }
        // Java's client sends ? for what is not ASCII: the bytes of café in UTF-8 go over a socket of their own
        String token = anonymous.login(
                "/api/auth/login",
                Map.of("organization", shop.slug(), "email", shop.adminEmail(), "password", TestTenants.PASSWORD));
        String body = Json.write(unnumbered("Fay", 1));
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(("POST " + INVOICES + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n" + KEY
                        + ": ")
                .getBytes(StandardCharsets.US_ASCII));
        request.writeBytes("café".getBytes(StandardCharsets.UTF_8));
        request.writeBytes(("\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
        assertThat(raw(anonymous, request.toByteArray()))
                .startsWith("HTTP/1.1 400")
                .contains("urn:silo:problem:invalid-idempotency-key");
        assertThat(count(INVOICES, "{\"customer.name\":\"Fay\"}")).isZero();
        assertThat(keyed("POST", INVOICES, unnumbered("Fay", 1), "k".repeat(255))
                        .status())
                .isEqualTo(201);
    }

    @Test
    void aDatabaseMadeBeforeIdempotencyKeysSaysSoAndTakesWritesWithoutOne(SiloClient anonymous) {
        TestTenant old = TestTenants.create(anonymous, "Old Keys " + System.nanoTime(), List.of("billing"));
        TestPostgres.primary().jdbc(old.database("billing")).update("DROP TABLE silo_idempotency");

        SiloClient.Response outdated = old.client()
                .send("POST", INVOICES, Optional.of(invoice("OLD-1", "Gus", "draft", 1)), Map.of(KEY, key("old")));
        assertThat(outdated.status()).as(outdated.text()).isEqualTo(503);
        assertThat(outdated.problemType()).isEqualTo("database-outdated");
        assertThat(outdated.json().path("table").asString()).isEqualTo("silo_idempotency");
        assertThat(old.client()
                        .post(INVOICES, invoice("OLD-1", "Gus", "draft", 1))
                        .status())
                .isEqualTo(201);
    }

    /** The head and body of the answer to {@code request}, sent as is over a socket of its own. */
    private static String raw(SiloClient client, byte[] request) throws IOException {
        try (Socket socket = new Socket(client.base().getHost(), client.base().getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request);
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            String text = "";
            while (!text.contains("\r\n\r\n")) {
                answer.write(in.read());
                text = answer.toString(StandardCharsets.UTF_8);
            }
            Matcher length = Pattern.compile("(?i)content-length: (\\d+)").matcher(text);
            int bodyLength = length.find() ? Integer.parseInt(length.group(1)) : 0;
            return text + new String(in.readNBytes(bodyLength), StandardCharsets.UTF_8);
        }
    }

    private SiloClient.Response keyed(String method, String path, Object body, String key) {
        return client.send(method, path, Optional.ofNullable(body), Map.of(KEY, key));
    }

    private long count(String collection, String filter) {
        return client.get(collection + "/_count?filter=" + encode(filter))
                .json()
                .path("count")
                .asLong();
    }

    /** A new invoice of {@code customer}, with its id, for a batch to patch. */
    private String id(String collection, String customer) {
        return client.post(collection, invoice(key(customer), customer, "draft", 1))
                .json()
                .path("_id")
                .asString();
    }

    private static Map<String, Object> unnumbered(String customer, double total) {
        Map<String, Object> invoice = new HashMap<>(invoice("-", customer, "draft", total));
        invoice.remove("number");
        return invoice;
    }

    private static Map<String, Object> paid() {
        return Map.of("status", "paid");
    }

    private static String key(String what) {
        return what + "-" + System.nanoTime();
    }
}
