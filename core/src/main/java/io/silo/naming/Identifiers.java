package io.silo.naming;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Shapes text into PostgreSQL identifiers.
 *
 * <p>Thread-safe: stateless.
 */
public final class Identifiers {
    /** PostgreSQL's identifier limit in bytes ({@code NAMEDATALEN - 1}); longer names are silently truncated by the server. */
    public static final int MAX_BYTES = 63;

    private static final int HASH_CHARS = 8;

    private Identifiers() {}

    /**
     * Lower case, then every character other than {@code a-z} and {@code 0-9} becomes one
     * {@code _}. No transliteration: {@code "Café Zürich"} becomes {@code "caf__z_rich"}.
     *
     * <p>This is exactly what the systems Silo replaces did
     * ({@code name.toLowerCase().replace(/[^a-z0-9]/g, '_')} in JavaScript, per UTF-16 unit), so a
     * database they created keeps its name when it is imported.
     */
    public static String sanitize(String text) {
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        StringBuilder out = new StringBuilder(lower.length());
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            out.append((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c : '_');
        }
        return out.toString();
    }

    /**
     * {@code name} itself when it fits in {@link #MAX_BYTES} bytes; otherwise its start and
     * {@code _} and eight hex digits of its SHA-256, 63 bytes in all. The same input always gives
     * the same output, and two long names differing only past the cut still differ.
     */
    public static String fit(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_BYTES) {
            return name;
        }
        String suffix = "_" + hash(bytes);
        return cut(name, MAX_BYTES - suffix.length()) + suffix;
    }

    /** Whether {@code text} is plain ASCII lower-case letters, digits and {@code _}. */
    static boolean isPlain(String text) {
        return text.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
    }

    private static String cut(String name, int maxBytes) {
        int end = 0;
        int bytes = 0;
        while (end < name.length()) {
            int codePoint = name.codePointAt(end);
            int size = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + size > maxBytes) {
                break;
            }
            bytes += size;
            end += Character.charCount(codePoint);
        }
        return name.substring(0, end);
    }

    private static String hash(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return HexFormat.of().formatHex(digest).substring(0, HASH_CHARS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
