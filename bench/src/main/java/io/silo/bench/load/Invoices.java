package io.silo.bench.load;

import java.util.Locale;

/** The invoices the load inserts: valid for the billing template, numbered uniquely per client. */
final class Invoices {
    private Invoices() {}

    /** Invoice {@code number} of the client whose numbers start with {@code prefix}. */
    static String json(String prefix, long number) {
        return String.format(
                Locale.ROOT,
                "{\"number\":\"%s-%d\",\"customer\":{\"name\":\"Load Client %d\"},\"status\":\"draft\","
                        + "\"currency\":\"EUR\",\"total\":%d.50,\"issueDate\":\"2026-01-15\","
                        + "\"items\":[{\"description\":\"Service\",\"quantity\":1,\"unitPrice\":%d.50}]}",
                prefix,
                number,
                number % 97,
                number % 1000,
                number % 1000);
    }
}
