package io.silo.crypto;

import io.silo.error.ProblemType;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.UUID;

/**
 * Time-ordered UUIDs (version 7, RFC 9562): unique without coordination and roughly sorted by
 * creation, which keeps B-tree inserts local. Generated here because PostgreSQL 15 has no
 * {@code uuidv7()}.
 *
 * <p>Thread-safe.
 */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {}

    /**
     * An id sent by a client (a path, a body field, a query parameter), in the canonical 8-4-4-4-12
     * form only: {@link UUID#fromString} also accepts forms like {@code 1-1-1-1-1}, which would give
     * one thing two spellings of its id. Anything else is a 400 {@code invalid-id} naming {@code field}.
     */
    public static UUID parse(String text, String field) {
        if (text == null) {
            throw ProblemType.INVALID_ID
                    .exception("field '" + field + "' must be an id (a UUID)")
                    .with("field", field);
        }
        return parseCanonical(text)
                .orElseThrow(() -> ProblemType.INVALID_ID
                        .exception("'" + (text.length() > 40 ? text.substring(0, 40) + "..." : text)
                                + "' is not an id: " + "expected a UUID such as 0190a4c2-7d3e-7b1a-9c4e-2f1d3b5a6c7e")
                        .with("field", field));
    }

    /** The UUID {@code text} spells in canonical form, if it does. */
    public static Optional<UUID> parseCanonical(String text) {
        return canonical(text) ? Optional.of(UUID.fromString(text)) : Optional.empty();
    }

    /** 8-4-4-4-12 hexadecimal digits, either case; checked by hand: every data route parses one. */
    private static boolean canonical(String text) {
        if (text == null || text.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = text.charAt(i);
            boolean ok = i == 8 || i == 13 || i == 18 || i == 23
                    ? c == '-'
                    : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** A new version-7 UUID for the current time. */
    public static UUID next() {
        return at(System.currentTimeMillis());
    }

    /** A new version-7 UUID for the given Unix time in milliseconds. */
    public static UUID at(long epochMillis) {
        long randA = RANDOM.nextLong();
        long randB = RANDOM.nextLong();
        long msb = (epochMillis << 16) | 0x7000L | (randA & 0x0FFFL);
        long lsb = (randB & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }
}
