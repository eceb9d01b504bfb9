package io.silo.bench.setup;

import io.silo.testing.SiloClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Writes each tenant's documents through {@code POST /api/data/{service}/_batch}, 100 inserts per
 * batch: invoices of a few hundred bytes with ids chosen here, so the load knows what to read.
 *
 * <p>Thread-safe.
 */
public final class Documents {
    private static final int BATCH = 100;
    private static final String[] STATUSES = {"draft", "sent", "paid", "overdue"};
    private static final String[] CURRENCIES = {"EUR", "USD", "CHF"};

    private final SiloClient anonymous;
    private final String service;
    private final String collection;
    private final long seed;

    public Documents(SiloClient anonymous, String service, String collection, long seed) {
        this.anonymous = anonymous;
        this.service = service;
        this.collection = collection;
        this.seed = seed;
    }

    /** Writes {@code count} documents into each tenant, signed in with its token; returns their ids per tenant. */
    public List<List<UUID>> seed(
            List<ProvisionedTenant> tenants,
            List<String> tokens,
            int count,
            int concurrency,
            Consumer<String> progress) {
        AtomicInteger done = new AtomicInteger();
        return Parallel.map(tenants.size(), concurrency, i -> {
            List<UUID> ids = seed(tenants.get(i), tokens.get(i), count);
            if (done.incrementAndGet() % 200 == 0) {
                progress.accept("wrote the documents of " + done.get() + " of " + tenants.size() + " tenants");
            }
            return ids;
        });
    }

    private List<UUID> seed(ProvisionedTenant tenant, String token, int count) {
        SplittableRandom random = new SplittableRandom(seed + tenant.index());
        SiloClient client = anonymous.as(token);
        List<UUID> ids = new ArrayList<>();
        for (int start = 0; start < count; start += BATCH) {
            List<Map<String, Object>> operations = new ArrayList<>();
            for (int n = start; n < Math.min(count, start + BATCH); n++) {
                UUID id = uuid(random);
                ids.add(id);
                operations.add(Map.of("op", "insert", "collection", collection, "body", invoice(id, n, random)));
            }
            SiloClient.Response response =
                    client.post("/api/data/" + service + "/_batch", Map.of("operations", operations));
            if (response.status() != 200) {
                throw new IllegalStateException("writing documents of " + tenant.slug() + " failed: " + response);
            }
        }
        return ids;
    }

    private static Map<String, Object> invoice(UUID id, int number, SplittableRandom random) {
        double price = 10 + random.nextInt(990);
        int quantity = 1 + random.nextInt(5);
        return Map.of(
                "_id",
                id.toString(),
                "number",
                String.format(Locale.ROOT, "INV-%06d", number),
                "customer",
                Map.of(
                        "id",
                        "C" + random.nextInt(500),
                        "name",
                        "Customer " + random.nextInt(500),
                        "email",
                        "billing" + random.nextInt(500) + "@example.com"),
                "status",
                STATUSES[random.nextInt(STATUSES.length)],
                "currency",
                CURRENCIES[random.nextInt(CURRENCIES.length)],
                "items",
                List.of(
                        Map.of("description", "Consulting", "quantity", quantity, "unitPrice", price, "taxRate", 0.2),
                        Map.of("description", "Licence", "quantity", 1, "unitPrice", 99.0, "taxRate", 0.2)),
                "total",
                Math.round((quantity * price + 99) * 1.2 * 100) / 100.0,
                "issueDate",
                String.format(Locale.ROOT, "2026-%02d-%02d", 1 + random.nextInt(12), 1 + random.nextInt(28)),
                "dueDate",
                "2026-12-31");
    }

    /** A random (version 4) UUID from the seeded sequence, so that runs read the same ids. */
    private static UUID uuid(SplittableRandom random) {
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low);
    }
}
