package io.silo.http.organization;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
import io.silo.testing.TestTenants;
import io.silo.testing.TestTenants.TestTenant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * An organization's quotas on a collection's document count and its {@code off:} features, over
 * HTTP: the ERP's {@code maxBranches} and any {@code service.collection} limit inserts exactly, however
 * many race for the last places and whether they come alone or in a batch; a switched-off service or
 * collection is neither read nor written, and comes back as it was.
 */
@SiloTest
class QuotasAndFeaturesTest {
    private static final String BRANCHES = "/api/data/erp/branches";

    @Test
    void twentyConcurrentInsertsAtTheEdgeLandExactlyAsManyAsTheQuotaLeaves(SiloClient anonymous) throws Exception {
        TestTenant shop = shop(anonymous, "Edge Shop", Map.of("maxBranches", 5));
        SiloClient admin = shop.client();
        for (int i = 0; i < 2; i++) {
            assertThat(admin.post(BRANCHES, Map.of("name", "before " + i)).status())
                    .isEqualTo(201);
        }

        CountDownLatch start = new CountDownLatch(1);
        List<Future<SiloClient.Response>> answers = new ArrayList<>();
        try (ExecutorService racers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 20; i++) {
                String name = "racer " + i;
                answers.add(racers.submit(() -> {
                    start.await();
                    return admin.post(BRANCHES, Map.of("name", name));
                }));
            }
            start.countDown();
        }
        int created = 0;
        for (Future<SiloClient.Response> answer : answers) {
            SiloClient.Response response = answer.get();
            if (response.status() == 201) {
                created++;
            } else {
                assertThat(response.problemType()).as(response.text()).isEqualTo("quota-exceeded");
                assertThat(response.status()).isEqualTo(422);
                assertThat(response.json().path("quota").asString()).isEqualTo("maxBranches");
                assertThat(response.json().path("limit").asLong()).isEqualTo(5);
                assertThat(response.json().path("collection").asString()).isEqualTo("branches");
            }
        }

        assertThat(created).as("three places were left").isEqualTo(3);
        assertThat(admin.get(BRANCHES + "/_count").json().path("count").asLong())
                .isEqualTo(5);
    }

    @Test
    void aBatchCountsItsOwnInsertsAndLandsNothingWhenOneIsOverTheQuota(SiloClient anonymous) {
        TestTenant shop = shop(anonymous, "Batch Shop", Map.of("erp.branches", 2));
        SiloClient admin = shop.client();

        SiloClient.Response three = admin.post("/api/data/erp/_batch", branches("a", "b", "c"));

        assertThat(three.status()).as(three.text()).isEqualTo(422);
        assertThat(three.problemType()).isEqualTo("quota-exceeded");
        assertThat(three.json().path("operation").asInt())
                .as("the third insert")
                .isEqualTo(2);
        assertThat(three.json().path("quota").asString()).isEqualTo("erp.branches");
        assertThat(admin.get(BRANCHES + "/_count").json().path("count").asLong())
                .as("all or nothing")
                .isZero();

        assertThat(admin.post("/api/data/erp/_batch", branches("a", "b")).status())
                .isEqualTo(200);
        assertThat(admin.post(BRANCHES, Map.of("name", "c")).problemType()).isEqualTo("quota-exceeded");
        assertThat(admin.post("/api/data/erp/products", Map.of("name", "Cable", "sku", "C-1", "price", 3))
                        .status())
                .as("other collections are not limited")
                .isEqualTo(201);
    }

    @Test
    void aQuotaChangedByPatchHoldsFromTheNextInsertAndDeletesMakeRoom(SiloClient anonymous) {
        TestTenant shop = shop(anonymous, "Patch Shop", Map.of());
        SiloClient admin = shop.client();
        String first =
                admin.post(BRANCHES, Map.of("name", "main")).json().path("_id").asString();
        assertThat(admin.post(BRANCHES, Map.of("name", "second")).status()).isEqualTo(201);

        SiloClient.Response patched = anonymous
                .asAdmin()
                .patch("/api/organizations/" + shop.slug(), Map.of("quotas", Map.of("erp.branches", 2)));
        assertThat(patched.status()).as(patched.text()).isEqualTo(200);

        assertThat(admin.post(BRANCHES, Map.of("name", "third")).problemType()).isEqualTo("quota-exceeded");
        assertThat(admin.delete(BRANCHES + "/" + first).status()).isEqualTo(204);
        assertThat(admin.post(BRANCHES, Map.of("name", "third")).status()).isEqualTo(201);
    }

    @Test
    void quotaNamesAreIdentifiersOrServiceDotCollection(SiloClient anonymous) {
        SiloClient platformAdmin = anonymous.asAdmin();
        TestTenant shop = shop(anonymous, "Names Shop", Map.of());
        for (String wrong : List.of("erp.", "ERP.branches", "erp.branches.x", "erp-branches", "erp.bran ches")) {
            SiloClient.Response refused =
                    platformAdmin.patch("/api/organizations/" + shop.slug(), Map.of("quotas", Map.of(wrong, 1)));
            assertThat(refused.problemType()).as(wrong).isEqualTo("invalid-quota");
        }
        for (String wrong : List.of("off:", "off:ERP", "off:erp.branches.x", "on:erp", "off:erp.")) {
            SiloClient.Response refused =
                    platformAdmin.patch("/api/organizations/" + shop.slug(), Map.of("features", List.of(wrong)));
            assertThat(refused.problemType()).as(wrong).isEqualTo("invalid-feature");
        }
    }

    @Test
    void aSwitchedOffCollectionOrServiceIsNeitherReadNorWrittenAndComesBackAsItWas(SiloClient anonymous) {
        TestTenant shop = shop(anonymous, "Feature Shop", Map.of());
        SiloClient admin = shop.client();
        SiloClient platformAdmin = anonymous.asAdmin();
        String branch =
                admin.post(BRANCHES, Map.of("name", "main")).json().path("_id").asString();

        features(platformAdmin, shop, List.of("pos", "inventory", "off:erp.branches"));

        for (SiloClient.Response refused : List.of(
                admin.get(BRANCHES),
                admin.get(BRANCHES + "/" + branch),
                admin.get(BRANCHES + "/_count"),
                admin.post(BRANCHES, Map.of("name", "second")),
                admin.delete(BRANCHES + "/" + branch),
                admin.post("/api/data/erp/_batch", branches("x")))) {
            assertThat(refused.status()).as(refused.text()).isEqualTo(403);
            assertThat(refused.problemType()).isEqualTo("feature-disabled");
            assertThat(refused.json().path("feature").asString()).isEqualTo("off:erp.branches");
        }
        assertThat(admin.get("/api/data/erp/products").status())
                .as("the rest of the service is on")
                .isEqualTo(200);

        features(platformAdmin, shop, List.of("off:erp"));
        SiloClient.Response products = admin.get("/api/data/erp/products");
        assertThat(products.problemType()).isEqualTo("feature-disabled");
        assertThat(products.json().path("feature").asString()).isEqualTo("off:erp");
        assertThat(admin.get("/api/auth/me").status())
                .as("members still sign in")
                .isEqualTo(200);

        features(platformAdmin, shop, List.of());
        SiloClient.Response back = admin.get(BRANCHES + "/" + branch);
        assertThat(back.status()).as(back.text()).isEqualTo(200);
        assertThat(back.json().path("name").asString()).isEqualTo("main");
    }

    private static void features(SiloClient platformAdmin, TestTenant shop, List<String> features) {
        SiloClient.Response patched =
                platformAdmin.patch("/api/organizations/" + shop.slug(), Map.of("features", features));
        assertThat(patched.status()).as(patched.text()).isEqualTo(200);
    }

    private static TestTenant shop(SiloClient anonymous, String name, Map<String, Object> quotas) {
        return TestTenants.create(
                anonymous, name, List.of("erp"), Map.of("businessType", "computer", "quotas", quotas));
    }

    private static Map<String, Object> branches(String... names) {
        List<Map<String, Object>> operations = new ArrayList<>();
        for (String name : names) {
            operations.add(Map.of("op", "insert", "collection", "branches", "body", Map.of("name", name)));
        }
        return Map.of("operations", operations);
    }
}
