package io.silo.http.apps;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
import io.silo.testing.TestTenants;
import io.silo.testing.TestTenants.TestTenant;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * The liquor store's till on the {@code pos} template, over HTTP: a sale is one batch (the sale,
 * its stock movement, and a conditional decrement of the stock), fifty tills selling the last ten
 * bottles sell exactly ten, and the cashier's role sees and changes only what it should.
 */
@SiloTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PosSaleTest {
    private static final String DATA = "/api/data/pos/";
    private static final int TILLS = 50;

    private SiloClient manager;
    private SiloClient cashier;
    private String cashierId;

    @BeforeAll
    void openTheShop(SiloClient anonymous) {
        TestTenant shop = TestTenants.create(anonymous, "Corner Spirits", List.of("pos"));
        manager = shop.client();
        cashierId = TestTenants.addMember(shop, "till@cornerspirits.example", Map.of("pos", "cashier"))
                .path("id")
                .asString();
        cashier = TestTenants.signIn(anonymous, shop.slug(), "till@cornerspirits.example", TestTenants.PASSWORD);
    }

    @Test
    void aSaleIsOneBatchThatLowersTheStock() {
        String product = product("Rum", "RUM-7", 10);
        long salesBefore = sales();

        SiloClient.Response sale = cashier.post("/api/data/pos/_batch", sale(product, 3));

        assertThat(sale.status()).as(sale.text()).isEqualTo(200);
        JsonNode recorded = sale.json().path("results").get(0).path("document");
        assertThat(recorded.path("cashierId").asString())
                .as("the cashier is the caller")
                .isEqualTo(cashierId);
        assertThat(stock(product)).isEqualTo(7);
        SiloClient.Response tooMany = cashier.post("/api/data/pos/_batch", sale(product, 8));
        assertThat(tooMany.status()).as(tooMany.text()).isEqualTo(409);
        assertThat(tooMany.problemType()).isEqualTo("condition-failed");
        assertThat(stock(product)).isEqualTo(7);
        assertThat(sales() - salesBefore)
                .as("the refused sale left no sale behind")
                .isEqualTo(1);
        assertThat(recorded.path("receiptNumber").asString()).matches("R2\\d{3}-\\d{6}");
    }

    @Test
    void aRetriedSaleWithItsIdempotencyKeySellsOnce() {
        String product = product("Cognac", "COG-1", 5);
        Map<String, String> key = Map.of("Idempotency-Key", "till-3-sale-" + System.nanoTime());
        Map<String, Object> sale = sale(product, 1);

        SiloClient.Response first = cashier.send("POST", "/api/data/pos/_batch", Optional.of(sale), key);
        // the till timed out before it heard the answer, and sends the same sale again
        SiloClient.Response retried = cashier.send("POST", "/api/data/pos/_batch", Optional.of(sale), key);

        assertThat(first.status()).as(first.text()).isEqualTo(200);
        assertThat(retried.status()).isEqualTo(200);
        assertThat(retried.header("Idempotent-Replayed")).contains("true");
        assertThat(retried.json()).isEqualTo(first.json());
        assertThat(stock(product)).as("sold once").isEqualTo(4);
        SiloClient.Response otherSale =
                cashier.send("POST", "/api/data/pos/_batch", Optional.of(sale(product, 2)), key);
        assertThat(otherSale.status()).isEqualTo(422);
        assertThat(otherSale.problemType()).isEqualTo("idempotency-key-reused");
    }

    @Test
    void fiftyTillsSellingTheLastTenBottlesSellExactlyTen() throws Exception {
        String product = product("Old Port", "PORT-10", 10);
        ConcurrentMap<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> tills = new ArrayList<>();
        for (int till = 0; till < TILLS; till++) {
            tills.add(Thread.ofVirtual().start(() -> {
                await(start);
                SiloClient.Response sold = cashier.post("/api/data/pos/_batch", sale(product, 1));
                String outcome = sold.status() == 200 ? "sold" : sold.status() + " " + sold.problemType();
                outcomes.computeIfAbsent(outcome, key -> new AtomicInteger()).incrementAndGet();
            }));
        }
        long began = System.nanoTime();
        start.countDown();
        for (Thread till : tills) {
            till.join();
        }
        System.out.printf(
                "PosSaleTest: %d concurrent sales of the last 10 units in %d ms: %s%n",
                TILLS, (System.nanoTime() - began) / 1_000_000, outcomes);

        assertThat(outcomes.get("sold").get()).isEqualTo(10);
        assertThat(outcomes.keySet()).containsExactlyInAnyOrder("sold", "409 condition-failed");
        assertThat(stock(product)).isZero();
        String movements = DATA + "inventory_transactions/_count?filter="
                + URLEncoder.encode("{\"productId\":\"" + product + "\"}", StandardCharsets.UTF_8);
        assertThat(manager.get(movements).json().path("count").asLong()).isEqualTo(10);
    }

    @Test
    void theCashierSeesNoCostAndChangesOnlyTheStock() {
        String product = product("Gin", "GIN-1", 5);
        String path = DATA + "products/" + product;

        assertThat(cashier.get(path).json().has("cost")).isFalse();
        assertThat(manager.get(path).json().path("cost").asInt()).isEqualTo(4);
        for (String query : List.of(
                "?filter=" + encode("{\"cost\":{\"$gt\":1}}"),
                "?sort=cost",
                "?fields=name,cost",
                "/_group?by=cost",
                "/_count?filter=" + encode("{\"cost\":4}"))) {
            SiloClient.Response refused = cashier.get(DATA + "products" + query);
            assertThat(refused.status()).as(query + ": " + refused.text()).isEqualTo(400);
            assertThat(refused.problemType()).isEqualTo("unknown-field");
        }
        assertThat(cashier.patch(path + "?if=" + encode("{\"cost\":4}"), Map.of("$inc", Map.of("stock", -1)))
                        .problemType())
                .isEqualTo("unknown-field");
        assertThat(cashier.patch(path, Map.of("price", 0.5)).problemType()).isEqualTo("field-read-only");
        // the cost cannot be guessed through a write either: naming it is refused whatever the value
        for (Object guess : List.of(4, 5, Map.of("a", 1))) {
            assertThat(cashier.patch(path, Map.of("cost", guess, "stock", -1)).problemType())
                    .as("cost %s", guess)
                    .isEqualTo("field-read-only");
            assertThat(cashier.patch(path, Map.of("$set", Map.of("cost", guess)))
                            .problemType())
                    .isEqualTo("field-read-only");
        }
        assertThat(cashier.patch(path, Map.of("$inc", Map.of("cost.x", 1))).problemType())
                .isEqualTo("field-read-only");
        SiloClient.Response image = cashier.upload(
                path + "/_files?name=mine.png",
                "image/png",
                java.net.http.HttpRequest.BodyPublishers.ofByteArray(new byte[] {1, 2, 3}),
                Map.of());
        assertThat(image.problemType())
                .as("a product's images are not the cashier's to change")
                .isEqualTo("collection-forbidden");
        assertThat(image.json().path("detail").asString())
                .isEqualTo("the role 'cashier' in pos may not store or delete the files of documents of the"
                        + " collection 'products'");
        assertThat(cashier.patch(path, Map.of("$set", Map.of("cost", 0))).problemType())
                .isEqualTo("field-read-only");
        assertThat(cashier.post(DATA + "products", Map.of("name", "Mine", "sku", "FREE", "price", 0))
                        .problemType())
                .isEqualTo("collection-forbidden");
        assertThat(cashier.delete(path).problemType()).isEqualTo("collection-forbidden");

        SiloClient.Response restocked =
                cashier.put(path, Map.of("name", "Gin", "sku", "GIN-1", "price", 20, "stock", 6));
        assertThat(restocked.status()).as(restocked.text()).isEqualTo(200);
        assertThat(manager.get(path).json().path("cost").asInt())
                .as("a replace keeps the field the cashier cannot see")
                .isEqualTo(4);
        assertThat(cashier.patch(path, Map.of("$inc", Map.of("stock", -7))).problemType())
                .as("stock never below zero")
                .isEqualTo("schema-violation");
    }

    @Test
    void aCashierSeesOnlyTheirOwnSales() {
        String product = product("Vodka", "VOD-1", 4);
        assertThat(cashier.post("/api/data/pos/_batch", sale(product, 1)).status())
                .isEqualTo(200);
        assertThat(manager.post(DATA + "sales", saleBody(product, 1)).status()).isEqualTo(201);

        long all = manager.get(DATA + "sales/_count").json().path("count").asLong();
        long own = cashier.get(DATA + "sales/_count").json().path("count").asLong();
        assertThat(own).isLessThan(all);
        assertThat(cashier.get(DATA + "sales").json().path("items").valueStream())
                .allSatisfy(
                        sale -> assertThat(sale.path("cashierId").asString()).isEqualTo(cashierId));
    }

    private String product(String name, String sku, int stock) {
        SiloClient.Response created = manager.post(
                DATA + "products", Map.of("name", name, "sku", sku, "price", 20, "cost", 4, "stock", stock));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.json().path("_id").asString();
    }

    private long sales() {
        return manager.get(DATA + "sales/_count").json().path("count").asLong();
    }

    private int stock(String product) {
        return manager.get(DATA + "products/" + product).json().path("stock").asInt();
    }

    private static Map<String, Object> sale(String product, int quantity) {
        return Map.of(
                "operations",
                List.of(
                        Map.of("op", "insert", "collection", "sales", "body", saleBody(product, quantity)),
                        Map.of(
                                "op",
                                "insert",
                                "collection",
                                "inventory_transactions",
                                "body",
                                Map.of(
                                        "productId",
                                        product,
                                        "type",
                                        "sale",
                                        "quantity",
                                        -quantity,
                                        "at",
                                        "2026-12-06T10:00:00Z")),
                        Map.of(
                                "op",
                                "patch",
                                "collection",
                                "products",
                                "id",
                                product,
                                "body",
                                Map.of("$inc", Map.of("stock", -quantity)),
                                "if",
                                Map.of("stock", Map.of("$gte", quantity)))));
    }

    private static Map<String, Object> saleBody(String product, int quantity) {
        return Map.of(
                "items",
                List.of(Map.of("productId", product, "quantity", quantity, "unitPrice", 20)),
                "total",
                20 * quantity,
                "paymentMethod",
                "cash",
                "soldAt",
                "2026-12-06T10:00:00Z");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
