package io.silo.http.server;

import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.MDC;

/**
 * Gives every request an id: the caller's {@code X-Request-Id} when it is sane, else a new one.
 * It is echoed in the response, put in every problem document, and carried by every log line
 * written while the request runs (MDC key {@code requestId}, with {@code client} for the client's address). An id names a request; it is no
 * secret, so it comes from the thread's own generator rather than the shared secure one.
 */
public final class RequestIds {
    public static final String HEADER = "X-Request-Id";
    private static final int MAX_LENGTH = 64;
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private RequestIds() {}

    /**
     * The id of a request that offered {@code offered} (may be {@code null}), also put in the MDC with the
     * client's address (key {@code client}).
     */
    static String of(String offered, String clientAddress) {
        String id = sane(offered) ? offered : fresh();
        MDC.put("requestId", id);
        MDC.put("client", clientAddress);
        return id;
    }

    static void clear() {
        MDC.remove("requestId");
        MDC.remove("tenant");
        MDC.remove("client");
    }

    /** A new id: 96 random bits, 16 URL-safe characters. */
    static String fresh() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = random.nextLong();
        int low = random.nextInt();
        byte[] raw = new byte[12];
        for (int i = 0; i < 8; i++) {
            raw[i] = (byte) (high >>> (8 * i));
        }
        for (int i = 0; i < 4; i++) {
            raw[8 + i] = (byte) (low >>> (8 * i));
        }
        return URL.encodeToString(raw);
    }

    /** Letters, digits and {@code . _ : -}, 1 to 64 of them: safe in a header, a log line and JSON. */
    private static boolean sane(String offered) {
        if (offered == null || offered.isEmpty() || offered.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < offered.length(); i++) {
            char c = offered.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '.'
                    || c == '_'
                    || c == ':'
                    || c == '-';
            if (!allowed) {
                return false;
            }
        }
        return true;
    }
}
