package io.silo.http.server;

import io.silo.error.ProblemType;

/** Reads the {@code limit} query parameter of listings. */
public final class Paging {
    private Paging() {}

    public static int limit(Exchange exchange, int fallback, int max) {
        String raw = exchange.query("limit").orElse(null);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            int limit = Integer.parseInt(raw);
            if (limit >= 1 && limit <= max) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ProblemType.INVALID_LIMIT
                .exception("limit must be a whole number from 1 to " + max)
                .with("field", "limit");
    }
}
