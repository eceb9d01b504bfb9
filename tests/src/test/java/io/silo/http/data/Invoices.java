package io.silo.http.data;

import java.util.List;
import java.util.Map;

/** Valid billing documents for tests. */
final class Invoices {
    private Invoices() {}

    static Map<String, Object> invoice(String number, String customer, String status, double total) {
        return Map.of(
                "number",
                number,
                "customer",
                Map.of("name", customer),
                "status",
                status,
                "currency",
                "EUR",
                "total",
                total,
                "issueDate",
                "2026-11-01",
                "items",
                List.of(Map.of("description", "consulting", "quantity", 1, "unitPrice", total)));
    }
}
