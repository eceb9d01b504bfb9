package io.silo.http.apps;

import static org.assertj.core.api.Assertions.assertThat;

import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
import io.silo.testing.TestTenants;
import io.silo.testing.TestTenants.TestTenant;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Two days at a computer shop on the {@code erp} template, over HTTP: staff record sales, each
 * lowering the stock of what it sold in the same batch, and the shop's administrator reads the sales
 * per day and per payment method in the shop's time zone, in one request.
 */
@SiloTest
class ErpDayTest {
    private static final String DATA = "/api/data/erp/";

    @Test
    void staffSellAndTheAdministratorReadsTheDayReport(SiloClient anonymous) {
        TestTenant shop = TestTenants.create(
                anonymous, "TechLand Day", List.of("erp"), Map.of("slug", "techland-day", "businessType", "computer"));
        SiloClient admin = shop.client();
        TestTenants.addMember(shop, "staff@techland.example", Map.of("erp", "staff"));
        SiloClient staff = TestTenants.signIn(anonymous, shop.slug(), "staff@techland.example", TestTenants.PASSWORD);
        SiloClient.Response laptop = admin.post(
                DATA + "products", Map.of("name", "Laptop", "sku", "LT-1", "price", 899.99, "cost", 700, "stock", 5));
        assertThat(laptop.status()).as(laptop.text()).isEqualTo(201);
        String laptopId = laptop.json().path("_id").asString();

        // Kolkata is UTC+05:30: 20:00 UTC on the 1st is already the 2nd there
        for (Object[] sale : List.of(
                new Object[] {"2026-12-01T04:00:00Z", 1, "cash"},
                new Object[] {"2026-12-01T09:30:00Z", 2, "card"},
                new Object[] {"2026-12-01T20:00:00Z", 1, "card"})) {
            SiloClient.Response sold = staff.post(
                    "/api/data/erp/_batch", sale(laptopId, (String) sale[0], (int) sale[1], (String) sale[2]));
            assertThat(sold.status()).as(sold.text()).isEqualTo(200);
        }
        SiloClient.Response sixth =
                staff.post("/api/data/erp/_batch", sale(laptopId, "2026-12-02T10:00:00Z", 2, "cash"));
        assertThat(sixth.problemType()).as("one laptop left").isEqualTo("condition-failed");
        assertThat(staff.get(DATA + "products/" + laptopId).json().has("cost")).isFalse();
        assertThat(staff.patch(DATA + "products/" + laptopId, Map.of("price", 1))
                        .problemType())
                .isEqualTo("field-read-only");

        String filter =
                URLEncoder.encode("{\"created_at\":{\"$gte\":\"2026-11-06T00:00:00Z\"}}", StandardCharsets.UTF_8);
        SiloClient.Response report = admin.get(DATA + "sales/_group?by=created_at:day,payment_method&metric=total"
                + "&tz=Asia/Kolkata&order=keys&filter=" + filter);

        assertThat(report.status()).as(report.text()).isEqualTo(200);
        List<String> rows =
                report.json().path("groups").valueStream().map(ErpDayTest::row).toList();
        assertThat(rows)
                .containsExactly("2026-12-01 card 1 1799.98", "2026-12-01 cash 1 899.99", "2026-12-02 card 1 899.99");
        assertThat(admin.get(DATA + "products/" + laptopId).json().path("stock").asInt())
                .isEqualTo(1);
        assertThat(staff.get(DATA + "sales/_group?by=created_at:day").status())
                .as("staff record sales; the template lets them read their own writes")
                .isEqualTo(200);
    }

    private static String row(JsonNode group) {
        return group.path("key").get(0).asString() + " "
                + group.path("key").get(1).asString() + " "
                + group.path("count").asLong() + " "
                + group.path("sum").decimalValue().toPlainString();
    }

    private static Map<String, Object> sale(String product, String at, int quantity, String payment) {
        double total = Math.round(899.99 * quantity * 100) / 100.0;
        return Map.of(
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
                                                List.of(Map.of(
                                                        "product_id", product, "quantity", quantity, "price", 899.99)),
                                        "total", total,
                                        "payment_method", payment,
                                        "created_at", at)),
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
}
