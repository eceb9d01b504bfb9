package io.silo.app.demo;

import io.silo.app.document.Write;
import io.silo.app.session.Principal;
import io.silo.json.Json;
import io.silo.postgres.collection.query.MetaField;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A shop's month of sales at the till, made up from its file's {@code sales} section: every day, a few
 * sales by its cashiers, each written as the POS seed's cashier writes one: the sale, then its stock
 * movements and the lower stock of each product sold ({@code $inc}), in one batch, so that a load
 * killed midway leaves whole sales only. The products' opening stock is in their documents; the choice
 * of products and quantities is the same on every load (a fixed seed), so two demos look alike, and a
 * rerun goes through the same sales with the same ids ({@link DemoWrites}), writing only those missing.
 *
 * <p>Not thread-safe: one per load.
 */
final class DemoSales {
    private static final String POS = "pos";

    private final DemoWrites writes;

    DemoSales(DemoWrites writes) {
        this.writes = writes;
    }

    /**
     * Writes the sales the organization lacks.
     *
     * @param spec {@code days}, {@code perDay}, {@code cashiers} (account keys) and {@code products} (document keys)
     */
    void write(JsonNode spec, DemoValues values, Map<String, Principal.Member> people) {
        Random random = new Random(spec.path("seed").asLong(17));
        List<String> cashiers = keys(spec.path("cashiers"));
        List<String> products = keys(spec.path("products"));
        int days = spec.path("days").asInt(30);
        int perDay = spec.path("perDay").asInt(4);
        for (int day = -days; day < 0; day++) {
            for (int n = 0; n < perDay; n++) {
                String cashier = cashiers.get(random.nextInt(cashiers.size()));
                LocalTime time = LocalTime.of(10 + random.nextInt(11), random.nextInt(60));
                sell(values, people.get(cashier), products, random, values.at(day, time));
            }
        }
    }

    private void sell(
            DemoValues values, Principal.Member cashier, List<String> products, Random random, String soldAt) {
        ArrayNode items = Json.mapper().createArrayNode();
        List<String> chosen = new ArrayList<>(products);
        java.util.Collections.shuffle(chosen, random);
        double subtotal = 0;
        for (String product : chosen.subList(0, 1 + random.nextInt(3))) {
            JsonNode document = values.document(product);
            int quantity = 1 + random.nextInt(2);
            double price = document.path("price").asDouble();
            items.add(Json.object()
                    .put("productId", values.id(product).toString())
                    .put("name", document.path("name").asString())
                    .put("quantity", quantity)
                    .put("unitPrice", price));
            subtotal += price * quantity;
        }
        double tax = Math.round(subtotal * 0.08 * 100) / 100.0;
        ObjectNode sale = Json.object()
                .put("subtotal", subtotal)
                .put("tax", tax)
                .put("total", Math.round((subtotal + tax) * 100) / 100.0)
                .put("paymentMethod", random.nextInt(3) == 0 ? "cash" : "card")
                .put("status", "completed")
                .put("cashierId", cashier.id().toString())
                .put("soldAt", soldAt);
        sale.set("items", items);
        UUID saleId = writes.nextId();
        sale.put(MetaField.ID.text(), saleId.toString());
        List<Write> stock = new ArrayList<>(List.of(new Write.Insert("sales", sale)));
        for (JsonNode item : items) {
            int quantity = item.path("quantity").asInt();
            stock.add(new Write.Insert(
                    "inventory_transactions",
                    writes.withNextId(Json.object())
                            .put("productId", item.path("productId").asString())
                            .put("type", "sale")
                            .put("quantity", -quantity)
                            .put("reason", "sale")
                            .put("saleId", saleId.toString())
                            .put("userId", cashier.id().toString())
                            .put("at", soldAt)));
            stock.add(new Write.Patch(
                    "products",
                    UUID.fromString(item.path("productId").asString()),
                    Json.object().set("$inc", Json.object().put("stock", -quantity)),
                    OptionalLong.empty(),
                    Optional.empty()));
        }
        writes.batch(cashier, POS, stock);
    }

    private static List<String> keys(JsonNode array) {
        List<String> keys = new ArrayList<>();
        array.forEach(key -> keys.add(key.asString()));
        return keys;
    }
}
