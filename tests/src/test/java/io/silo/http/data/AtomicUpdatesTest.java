package io.silo.http.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.silo.client.Batch;
import io.silo.client.ClientFixtures;
import io.silo.client.Collection;
import io.silo.client.Filter;
import io.silo.client.SiloApi;
import io.silo.client.SiloProblemException;
import io.silo.client.Update;
import io.silo.client.WriteOptions;
import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
import io.silo.testing.TestTenants;
import io.silo.testing.TestTenants.TestTenant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Update operators over HTTP, as a till uses them: concurrent decrements of one product's stock all
 * count (none lost to a race), and an operator sent where a field was meant is a 400, not a field.
 * The tills use the Java client; the malformed updates go by hand, since the client cannot write them.
 */
@SiloTest
class AtomicUpdatesTest {
    private static final String PRODUCTS = "/api/data/pos/products";
    private static final int TILLS = 16;

    @Test
    void concurrentDecrementsAllCount(SiloClient anonymous) throws Exception {
        TestTenant shop = TestTenants.create(anonymous, "Corner Liquor", List.of("pos"));
        Collection<JsonNode> products =
                ClientFixtures.administrator(anonymous, shop).collection("pos", "products");
        String product = products.insert(Map.of("name", "Rum", "sku", "RUM-1", "price", 12.5, "stock", 100))
                .path("_id")
                .asString();

        ConcurrentMap<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        List<Thread> tills = new ArrayList<>();
        for (int till = 0; till < TILLS; till++) {
            tills.add(Thread.ofVirtual().start(() -> {
                int status;
                try {
                    products.update(product, Update.inc("stock", -2), WriteOptions.none());
                    status = 200;
                } catch (SiloProblemException e) {
                    status = e.status();
                }
                statuses.computeIfAbsent(status, key -> new AtomicInteger()).incrementAndGet();
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
        JsonNode after = products.get(product);
        assertThat(after.path("stock").asInt())
                .as("every applied decrement counted, none lost")
                .isEqualTo(100 - 2 * sold);
        assertThat(after.path("_version").asInt()).isEqualTo(1 + sold);
    }

    @Test
    void aSaleHappensOnlyWhileStockLastsAndAFailedConditionUndoesTheWholeBatch(SiloClient anonymous) {
        TestTenant shop = TestTenants.create(anonymous, "Last Bottles", List.of("pos"));
        SiloApi manager = ClientFixtures.administrator(anonymous, shop);
        Collection<JsonNode> products = manager.collection("pos", "products");
        String id = products.insert(Map.of("name", "Port", "sku", "PORT-1", "price", 30, "stock", 3))
                .path("_id")
                .asString();
        WriteOptions enough = WriteOptions.none().condition(Filter.gte("stock", 2));

        assertThat(products.update(id, Update.inc("stock", -2), enough)
                        .path("stock")
                        .asInt())
                .isEqualTo(1);
        assertThatThrownBy(() -> products.update(id, Update.inc("stock", -2), enough))
                .isInstanceOfSatisfying(SiloProblemException.class, refused -> {
                    assertThat(refused.status()).isEqualTo(409);
                    assertThat(refused.slug()).isEqualTo("condition-failed");
                });

        Batch sale = manager.batch("pos")
                .insert(
                        "sales",
                        Map.of(
                                "items",
                                List.of(Map.of("productId", id, "quantity", 2, "unitPrice", 30)),
                                "total",
                                60,
                                "paymentMethod",
                                "cash",
                                "soldAt",
                                "2026-12-06T10:00:00Z"))
                .patch("products", id, Update.inc("stock", -2))
                .condition(Filter.gte("stock", 2));
        assertThatThrownBy(sale::commit).isInstanceOfSatisfying(SiloProblemException.class, refused -> {
            assertThat(refused.status()).isEqualTo(409);
            assertThat(refused.slug()).isEqualTo("condition-failed");
            assertThat(refused.extension("operation").orElseThrow().asInt()).isEqualTo(1);
        });
        assertThat(manager.collection("pos", "sales").count(Filter.all()))
                .as("the sale of the batch was undone with it")
                .isZero();
        assertThat(products.get(id).path("stock").asInt()).isEqualTo(1);
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
