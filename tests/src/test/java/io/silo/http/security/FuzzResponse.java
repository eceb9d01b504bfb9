package io.silo.http.security;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the server answered one of the fuzzer's requests.
 *
 * @param status the HTTP status
 * @param headers the response headers
 * @param body the body as sent (a file's bytes, or JSON)
 */
record FuzzResponse(int status, Map<String, List<String>> headers, byte[] body) {
    Optional<String> header(String name) {
        return headers.entrySet().stream()
                .filter(entry -> entry.getKey().equalsIgnoreCase(name))
                .flatMap(entry -> entry.getValue().stream())
                .findFirst();
    }

    /** The body as text; a binary body is read byte by byte, so ASCII canaries in it still show. */
    String bodyText() {
        return new String(body, StandardCharsets.ISO_8859_1);
    }

    /** Headers and body as one text, for the checks. */
    String text() {
        StringBuilder text = new StringBuilder();
        headers.forEach((name, values) -> values.forEach(
                value -> text.append(name).append(": ").append(value).append('\n')));
        return text.append('\n').append(bodyText()).toString();
    }

    String describe() {
        String shown = status + "\n" + text();
        return shown.length() > 4000 ? shown.substring(0, 4000) + "…" : shown;
    }
}
