package io.silo.http.security;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One request of the fuzzer: what is sent, and by whom.
 *
 * @param route the route it is for, {@code "METHOD path-template"}, as the server lists it
 * @param method the HTTP method
 * @param path the path and query, already encoded
 * @param headers more headers (not {@code Authorization}: the caller's goes with it)
 * @param body the body, if any
 * @param caller who sends it
 */
record FuzzRequest(
        String route, String method, String path, Map<String, String> headers, Optional<byte[]> body, Caller caller) {
    FuzzRequest {
        headers = Map.copyOf(headers);
    }

    /** This request with one more header. */
    FuzzRequest header(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new FuzzRequest(route, method, path, more, body, caller);
    }

    /** This request sent by {@code other}. */
    FuzzRequest as(Caller other) {
        return new FuzzRequest(route, method, path, headers, body, other);
    }

    /** Whether this request may change what the server keeps (anything but a read). */
    boolean writes() {
        return !method.equals("GET");
    }

    /** Everything this request carries, as text: what the server may echo without leaking it. */
    String text() {
        StringBuilder text = new StringBuilder(method).append(' ').append(path).append('\n');
        headers.forEach(
                (name, value) -> text.append(name).append(": ").append(value).append('\n'));
        caller.authorization()
                .ifPresent(value -> text.append("Authorization: ").append(value).append('\n'));
        body.ifPresent(bytes -> text.append(new String(bytes, StandardCharsets.UTF_8)));
        return text.toString();
    }

    /**
     * What of this request the server may keep: everything but the path before its query (a write to
     * another tenant's document id in the path stores nothing of that id; a query such as a file's
     * {@code ?name=} may be stored).
     */
    String storableText() {
        int query = path.indexOf('?');
        return text().replace(path, query < 0 ? "" : path.substring(query));
    }

    /** The request as a failure prints it, to reproduce it by hand. */
    String describe() {
        String shown = text();
        return "as " + caller.label() + " (" + route + ")\n"
                + (shown.length() > 4000 ? shown.substring(0, 4000) + "…" : shown);
    }
}
