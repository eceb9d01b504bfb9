package io.silo.http.data;

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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Update operators over HTTP, as a till uses them: concurrent decrements of one product's stock all
 * count (none lost to a race), and an operator sent where a field was meant is a 400, not a field.
 */
@SiloTest
class AtomicUpdatesTest {
    private static final String PRODUCTS = "/api/data/pos/products";
    private static final int TILLS = 16;

    @Test
    void concurrentDecrementsAllCount(SiloClient anonymous) throws Exception {
        TestTenant shop = TestTenants.create(anonymous, "Corner Liquor", List.of("pos"));
        SiloClient manager = shop.client();
        SiloClient.Response created =
                manager.post(PRODUCTS, Map.of("name", "Rum", "sku", "RUM-1", "price", 12.5, "stock", 100));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String product = PRODUCTS + "/" + created.json().path("_id").asString();

        ConcurrentMap<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        List<Thread> tills = new ArrayList<>();
        for (int till = 0; till < TILLS; till++) {
            tills.add(Thread.ofVirtual().start(() -> {
                SiloClient.Response sold = manager.patch(product, Map.of("$inc", Map.of("stock", -2)));
                statuses.computeIfAbsent(sold.status(), status -> new AtomicInteger())
                        .incrementAndGet();
            }));
        }
        for (Thread till : tills) {
            till.join();
        }

        int sold = statuses.getOrDefault(200, new AtomicInteger()).get();
        System.out.println("AtomicUpdatesTest: " + TILLS + " concurrent $inc: " + statuses);
        assertThat(statuses.keySet())
                .as("applied, or a version conflict after losing ten races in a row")
                .isSubsetOf(200, 409);
        assertThat(sold).isPositive();
        SiloClient.Response after = manager.get(product);
        assertThat(after.json().path("stock").asInt())
                .as("every applied decrement counted, none lost")
                .isEqualTo(100 - 2 * sold);
        assertThat(after.json().path("_version").asInt()).isEqualTo(1 + sold);
    }

    @Test
    void aSaleHappensOnlyWhileStockLastsAndAFailedConditionUndoesTheWholeBatch(SiloClient anonymous) {
        TestTenant shop = TestTenants.create(anonymous, "Last Bottles", List.of("pos"));
        SiloClient manager = shop.client();
        String id = manager.post(PRODUCTS, Map.of("name", "Port", "sku", "PORT-1", "price", 30, "stock", 3))
                .json()
                .path("_id")
                .asString();
        String enough = "?if=" + URLEncoder.encode("{\"stock\":{\"$gte\":2}}", StandardCharsets.UTF_8);

        assertThat(manager.patch(PRODUCTS + "/" + id + enough, Map.of("$inc", Map.of("stock", -2)))
                        .status())
                .isEqualTo(200);
        SiloClient.Response refused = manager.patch(PRODUCTS + "/" + id + enough, Map.of("$inc", Map.of("stock", -2)));
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.problemType()).isEqualTo("condition-failed");

        SiloClient.Response batch = manager.post(
                "/api/data/pos/_batch",
                Map.of(
                        "operations",
                        List.of(
                                Map.of(
                                        "op",
                                        "insert",
                                        "collection",
                                        "sales",
                                        "body",
                                        Map.of(
                                                "items",
                                                List.of(Map.of("productId", id, "quantity", 2, "unitPrice", 30)),
                                                "total",
                                                60,
                                                "paymentMethod",
                                                "cash",
                                                "soldAt",
                                                "2026-12-06T10:00:00Z")),
                                Map.of(
                                        "op",
                                        "patch",
                                        "collection",
                                        "products",
                                        "id",
                                        id,
                                        "body",
                                        Map.of("$inc", Map.of("stock", -2)),
                                        "if",
                                        Map.of("stock", Map.of("$gte", 2))))));
        assertThat(batch.status()).as(batch.text()).isEqualTo(409);
        assertThat(batch.problemType()).isEqualTo("condition-failed");
        assertThat(batch.json().path("operation").asInt()).isEqualTo(1);
        assertThat(manager.get("/api/data/pos/sales").json().path("items").size())
                .as("the sale of the batch was undone with it")
                .isZero();
        assertThat(manager.get(PRODUCTS + "/" + id).json().path("stock").asInt())
                .isEqualTo(1);
    }

    @Test
    void anOperatorIsNeverStoredAsAField(SiloClient anonymous) {
        TestTenant shop = TestTenants.create(anonymous, "Gin Palace", List.of("pos"));
        SiloClient manager = shop.client();
        String product = PRODUCTS + "/"
                + manager.post(PRODUCTS, Map.of("name", "Gin", "sku", "GIN-1", "price", 20, "stock", 3))
                        .json()
                        .path("_id")
                        .asString();

        SiloClient.Response unknown = manager.patch(product, Map.of("$rename", Map.of("stock", "count")));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.problemType()).isEqualTo("invalid-update");
        SiloClient.Response mixed = manager.patch(product, Map.of("$inc", Map.of("stock", 1), "name", "Dry gin"));
        assertThat(mixed.status()).isEqualTo(400);
        assertThat(mixed.problemType()).isEqualTo("invalid-update");
        SiloClient.Response nested = manager.patch(product, Map.of("meta", Map.of("$inc", 1)));
        assertThat(nested.status()).isEqualTo(400);
        assertThat(nested.problemType()).isEqualTo("invalid-field-name");
        SiloClient.Response wrongType = manager.patch(product, Map.of("$set", Map.of("stock", "three")));
        assertThat(wrongType.status())
                .as("the result is checked against the schema")
                .isEqualTo(422);

        SiloClient.Response unchanged = manager.get(product);
        assertThat(unchanged.json().path("stock").asInt()).isEqualTo(3);
        assertThat(unchanged.json().path("_version").asInt()).isEqualTo(1);
    }
}
