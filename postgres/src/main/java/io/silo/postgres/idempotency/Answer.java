package io.silo.postgres.idempotency;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An answer as the client first got it, kept to be given again: its status, the headers that
 * describe the result ({@code Location}, {@code ETag}), and its body, exactly as sent. Nothing here
 * knows HTTP; the numbers and names are the client's.
 *
 * @param status the status code
 * @param headers header name → value, in the order they were set
 * @param body the body's text; empty for an answer without one (a 204)
 */
public record Answer(int status, Map<String, String> headers, Optional<String> body) {
    public Answer {
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        Objects.requireNonNull(body, "body");
    }
}
