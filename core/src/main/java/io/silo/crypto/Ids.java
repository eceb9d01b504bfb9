package io.silo.crypto;

import java.security.SecureRandom;
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
