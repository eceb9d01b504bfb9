package io.silo.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Random secrets and their one-way digests: opaque tokens handed to clients, generated
 * passwords for database roles, and the SHA-256 under which tokens are stored.
 *
 * <p>Thread-safe.
 */
public final class Secrets {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private Secrets() {}

    /** A URL-safe random token carrying {@code bytes} bytes of entropy. */
    public static String token(int bytes) {
        byte[] raw = new byte[bytes];
        RANDOM.nextBytes(raw);
        return URL.encodeToString(raw);
    }

    /** A password for a generated account: 32 bytes of entropy, URL-safe characters only. */
    public static String password() {
        return token(32);
    }

    /** Fresh random key material, e.g. a master key. */
    public static byte[] bytes(int length) {
        byte[] raw = new byte[length];
        RANDOM.nextBytes(raw);
        return raw;
    }

    /**
     * The hex SHA-256 of a high-entropy token. Tokens are stored only as this digest; a plain
     * hash suffices because the token is random, unlike a password.
     */
    public static String sha256(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
