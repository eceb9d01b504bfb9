package io.silo.app.demo;

import io.silo.app.document.Documents;
import io.silo.app.document.Write;
import io.silo.app.session.Principal;
import io.silo.audit.AuditEntry;
import io.silo.json.Json;
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
 * movements together with the lower stock of each product sold ({@code $inc}), in one batch. The
 * products' opening stock is in their documents; the choice of products and quantities is the same
 * on every load (a fixed seed), so two demos look alike.
 *
 * <p>Not thread-safe: one per load.
 */
final class DemoSales {
    private static final String POS = "pos";

    private final Documents documents;
    private final AuditEntry.Actor actor;

    DemoSales(Documents documents, AuditEntry.Actor actor) {
        this.documents = documents;
        this.actor = actor;
    }

    /**
     * @param spec {@code days}, {@code perDay}, {@code cashiers} (account keys) and {@code products} (document keys)
     * @return how many sales were written
     */
    int write(JsonNode spec, DemoValues values, Map<String, Principal.Member> people) {
        Random random = new Random(spec.path("seed").asLong(17));
        List<String> cashiers = keys(spec.path("cashiers"));
        List<String> products = keys(spec.path("products"));
        int days = spec.path("days").asInt(30);
        int perDay = spec.path("perDay").asInt(4);
        int written = 0;
        for (int day = -days; day < 0; day++) {
            for (int n = 0; n < perDay; n++) {
                String cashier = cashiers.get(random.nextInt(cashiers.size()));
                LocalTime time = LocalTime.of(10 + random.nextInt(11), random.nextInt(60));
                sell(values, people.get(cashier), products, random, values.at(day, time));
                written++;
            }
        }
        return written;
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
        UUID saleId = documents
                .write(documents.scope(cashier, POS), new Write.Insert("sales", sale), actor)
                .id();
        List<Write> stock = new ArrayList<>();
        for (JsonNode item : items) {
            int quantity = item.path("quantity").asInt();
            stock.add(new Write.Insert(
                    "inventory_transactions",
                    Json.object()
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
        documents.batch(documents.scope(cashier, POS), stock, actor);
    }

    private static List<String> keys(JsonNode array) {
        List<String> keys = new ArrayList<>();
        array.forEach(key -> keys.add(key.asString()));
        return keys;
    }
}
