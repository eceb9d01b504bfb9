package io.silo.testing;

import java.util.Map;

/** A valid billing invoice for tests that need rows in a tenant's database, not particular values. */
public final class TestInvoices {
    private TestInvoices() {}

    /** Invoice {@code number}, a draft of 3 EUR. */
    public static Map<String, Object> invoice(String number) {
        return Map.of(
                "number",
                number,
                "customer",
                Map.of("name", "Customer"),
                "status",
                "draft",
                "currency",
                "EUR",
                "total",
                3,
                "issueDate",
                "2026-12-07");
    }
}
