package io.silo.postgres.idempotency;

import io.silo.error.ProblemType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * A request sent with an idempotency key: the key as the client chose it, and a digest of what the
 * request asks (method, path, conditions, body), so that the key's second use for another request
 * is told apart from a retry.
 *
 * @param key 1 to 255 printable ASCII characters
 * @param digest the SHA-256 of the request's parts, in hex
 */
public record IdempotentRequest(String key, String digest) {
    /** The longest key; Stripe's limit, which clients already respect. */
    public static final int MAX_KEY_LENGTH = 255;

    /** The header that carries the key. */
    public static final String HEADER = "Idempotency-Key";

    public IdempotentRequest {
        checkKey(key);
        if (!digest.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("a request digest is a SHA-256 in lower-case hex, not " + digest);
        }
    }

    /**
     * A keyed request whose digest covers {@code parts}, each counted with its length so that no two
     * different lists give the same bytes.
     */
    public static IdempotentRequest of(String key, List<String> parts) {
        MessageDigest sha = sha256();
        for (String part : parts) {
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            sha.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
            sha.update(bytes);
        }
        return new IdempotentRequest(key, HexFormat.of().formatHex(sha.digest()));
    }

    /** The digest as bytes, as stored. */
    byte[] digestBytes() {
        return HexFormat.of().parseHex(digest);
    }

    /**
     * The advisory lock that keeps two requests of one caller with one key from running at once: 64
     * bits of a hash of both. Two keys that share it would only make one of them wait (a 409), one
     * time in 2^64.
     */
    long lockId(UUID user) {
        byte[] hash = sha256().digest((user + "\n" + key).getBytes(StandardCharsets.UTF_8));
        return ByteBuffer.wrap(hash).getLong();
    }

    private static void checkKey(String key) {
        boolean printable = key.length() >= 1
                && key.length() <= MAX_KEY_LENGTH
                && key.chars().allMatch(c -> c >= 0x20 && c <= 0x7E);
        if (!printable) {
            // the key is not echoed: it may be anything, of any length
            throw ProblemType.INVALID_IDEMPOTENCY_KEY
                    .exception(
                            HEADER + " must be 1 to " + MAX_KEY_LENGTH + " printable ASCII characters, such as a UUID")
                    .with("field", HEADER);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
