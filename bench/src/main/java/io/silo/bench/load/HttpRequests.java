package io.silo.bench.load;

import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 requests as bytes for {@link HttpConnection}: a bearer token, and a JSON body when
 * there is one.
 *
 * <p>Thread-safe: stateless.
 */
public final class HttpRequests {
    private HttpRequests() {}

    /** {@code GET path}. */
    public static byte[] get(String hostHeader, String path, String token) {
        return request("GET", hostHeader, path, token, null);
    }

    /** A request with a JSON body; {@code body} may be null for none. */
    public static byte[] request(String method, String hostHeader, String path, String token, String body) {
        byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(256 + token.length())
                .append(method)
                .append(' ')
                .append(path)
                .append(" HTTP/1.1\r\n")
                .append("Host: ")
                .append(hostHeader)
                .append("\r\n")
                .append("User-Agent: silo-bench\r\n")
                .append("Authorization: Bearer ")
                .append(token)
                .append("\r\n");
        if (body != null) {
            head.append("Content-Type: application/json\r\nContent-Length: ")
                    .append(payload.length)
                    .append("\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] request = new byte[headBytes.length + payload.length];
        System.arraycopy(headBytes, 0, request, 0, headBytes.length);
        System.arraycopy(payload, 0, request, headBytes.length, payload.length);
        return request;
    }
}
