package io.silo.http.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.silo.client.Batch;
import io.silo.client.BatchResult;
import io.silo.client.ClientFixtures;
import io.silo.client.Collection;
import io.silo.client.Filter;
import io.silo.client.Query;
import io.silo.client.SiloApi;
import io.silo.client.SiloProblemException;
import io.silo.client.Update;
import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
import io.silo.testing.TestTenants;
import io.silo.testing.TestTenants.TestTenant;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * bottles sell exactly ten, and the cashier's role sees and changes only what it should. The tills
 * use the Java client; the cashier's forbidden requests go by hand, as a till never sends them.
 */
@SiloTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PosSaleTest {
    private static final String DATA = "/api/data/pos/";
    private static final int TILLS = 50;

    private SiloClient manager;
    private SiloClient cashier;
    private SiloApi managerApi;
    private SiloApi cashierApi;
    private String cashierId;

    @BeforeAll
    void openTheShop(SiloClient anonymous) {
        TestTenant shop = TestTenants.create(anonymous, "Corner Spirits", List.of("pos"));
        manager = shop.client();
        cashierId = TestTenants.addMember(shop, "till@cornerspirits.example", Map.of("pos", "cashier"))
                .path("id")
                .asString();
        cashier = TestTenants.signIn(anonymous, shop.slug(), "till@cornerspirits.example", TestTenants.PASSWORD);
        managerApi = ClientFixtures.administrator(anonymous, shop);
        cashierApi = ClientFixtures.member(anonymous, shop.slug(), "till@cornerspirits.example");
    }

    @Test
    void aSaleIsOneBatchThatLowersTheStock() {
        String product = product("Rum", "RUM-7", 10);
        long salesBefore = sales();

        List<BatchResult> sale = sale(cashierApi, product, 3).commit();

        JsonNode recorded = sale.get(0).document().orElseThrow();
        assertThat(recorded.path("cashierId").asString())
                .as("the cashier is the caller")
                .isEqualTo(cashierId);
        assertThat(stock(product)).isEqualTo(7);
        assertThatThrownBy(() -> sale(cashierApi, product, 8).commit())
                .isInstanceOfSatisfying(SiloProblemException.class, tooMany -> {
                    assertThat(tooMany.status()).isEqualTo(409);
                    assertThat(tooMany.slug()).isEqualTo("condition-failed");
                });
        assertThat(stock(product)).isEqualTo(7);
        assertThat(sales() - salesBefore)
                .as("the refused sale left no sale behind")
                .isEqualTo(1);
        assertThat(recorded.path("receiptNumber").asString()).matches("R2\\d{3}-\\d{6}");
    }

    @Test
    void aRetriedSaleWithItsIdempotencyKeySellsOnce() {
        String product = product("Cognac", "COG-1", 5);
        String key = "till-3-sale-" + System.nanoTime();

        List<BatchResult> first = sale(cashierApi, product, 1).commit(key);
        // the till timed out before it heard the answer, and sends the same sale again
        List<BatchResult> retried = sale(cashierApi, product, 1).commit(key);

        assertThat(retried).as("the first answer, replayed").isEqualTo(first);
        assertThat(stock(product)).as("sold once").isEqualTo(4);
        assertThatThrownBy(() -> sale(cashierApi, product, 2).commit(key))
                .isInstanceOfSatisfying(SiloProblemException.class, otherSale -> {
                    assertThat(otherSale.status()).isEqualTo(422);
                    assertThat(otherSale.slug()).isEqualTo("idempotency-key-reused");
                });
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
                String outcome;
                try {
                    sale(cashierApi, product, 1).commit();
                    outcome = "sold";
                } catch (SiloProblemException e) {
                    outcome = e.status() + " " + e.slug();
                }
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
        assertThat(managerApi.collection("pos", "inventory_transactions").count(Filter.eq("productId", product)))
                .isEqualTo(10);
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
        sale(cashierApi, product, 1).commit();
        managerApi.collection("pos", "sales").insert(saleBody(product, 1));

        long all = managerApi.collection("pos", "sales").count(Filter.all());
        Collection<JsonNode> ownSales = cashierApi.collection("pos", "sales");
        assertThat(ownSales.count(Filter.all())).isLessThan(all);
        assertThat(ownSales.stream(Query.all()))
                .allSatisfy(
                        sale -> assertThat(sale.path("cashierId").asString()).isEqualTo(cashierId));
    }

    private String product(String name, String sku, int stock) {
        return managerApi
                .collection("pos", "products")
                .insert(Map.of("name", name, "sku", sku, "price", 20, "cost", 4, "stock", stock))
                .path("_id")
                .asString();
    }

    private long sales() {
        return managerApi.collection("pos", "sales").count(Filter.all());
    }

    private int stock(String product) {
        return managerApi
                .collection("pos", "products")
                .get(product)
                .path("stock")
                .asInt();
    }

    /** A sale at the till: the sale, its stock movement, and the lower stock while enough is there. */
    private static Batch sale(SiloApi till, String product, int quantity) {
        return till.batch("pos")
                .insert("sales", saleBody(product, quantity))
                .insert(
                        "inventory_transactions",
                        Map.of(
                                "productId",
                                product,
                                "type",
                                "sale",
                                "quantity",
                                -quantity,
                                "at",
                                "2026-12-06T10:00:00Z"))
                .patch("products", product, Update.inc("stock", -quantity))
                .condition(Filter.gte("stock", quantity));
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
