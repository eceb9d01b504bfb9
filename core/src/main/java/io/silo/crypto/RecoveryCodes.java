package io.silo.crypto;

import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Single-use recovery codes of a second factor: 100 random bits each, written as four groups of five
 * base32 letters and digits ({@code k3v9q-...}), stored only as their SHA-256. A plain hash suffices
 * because the code is random, unlike a password; typing is forgiving (case, dashes and spaces are
 * ignored).
 *
 * <p>Thread-safe: stateless.
 */
public final class RecoveryCodes {
    /** How many codes an enrollment hands out. */
    public static final int COUNT = 10;

    private static final int BYTES = 13; // 104 bits, written as 20 base32 characters (100 bits of them)
    private static final int LENGTH = 20;

    private RecoveryCodes() {}

    /** {@link #COUNT} fresh codes, as shown to their owner once. */
    public static List<String> generate() {
        return IntStream.range(0, COUNT).mapToObj(ignored -> generateOne()).toList();
    }

    /** The digest under which a code is stored and looked up: the same for every way of typing it. */
    public static String hash(String code) {
        return Secrets.sha256(normalize(code));
    }

    /** Whether {@code text} can be a recovery code once dashes, spaces and case are set aside. */
    public static boolean looksLikeOne(String text) {
        return normalize(text).matches("[a-z2-7]{" + LENGTH + "}");
    }

    private static String generateOne() {
        String raw =
                Totp.base32Encode(Secrets.bytes(BYTES)).substring(0, LENGTH).toLowerCase(Locale.ROOT);
        return String.join("-", raw.substring(0, 5), raw.substring(5, 10), raw.substring(10, 15), raw.substring(15));
    }

    private static String normalize(String code) {
        return code.replace("-", "").replace(" ", "").toLowerCase(Locale.ROOT);
    }
}
