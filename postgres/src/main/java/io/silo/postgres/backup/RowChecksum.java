package io.silo.postgres.backup;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The checksum of a table's rows, whatever their order: the sum, modulo 2^256, of the SHA-256 of
 * each row's canonical text (its line of PostgreSQL's {@code COPY} text output under {@link
 * DatabaseDump#CANONICAL_SETTINGS}, in which a {@code jsonb} document's keys are in a fixed order and
 * its values have one spelling; {@code to_jsonb(row)::text} in format 1 archives). A sum rather than an exclusive or, so that two equal
 * rows do not cancel out; no order, so that a restored table, read back in whatever order its
 * pages hold, compares with the archive's.
 *
 * <p>Not thread-safe: one per table being read.
 */
final class RowChecksum {
    private final MessageDigest sha256;
    // the 256-bit sum as four 64-bit words, most significant first
    private final long[] sum = new long[4];
    private long rows;

    RowChecksum() {
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    void add(byte[] canonicalRow, int length) {
        sha256.update(canonicalRow, 0, length);
        byte[] digest = sha256.digest();
        long carry = 0;
        for (int word = 3; word >= 0; word--) {
            long value = 0;
            for (int i = 0; i < 8; i++) {
                value = (value << 8) | (digest[word * 8 + i] & 0xFF);
            }
            long before = sum[word];
            long added = before + value;
            long total = added + carry;
            carry = (Long.compareUnsigned(added, before) < 0 || Long.compareUnsigned(total, added) < 0) ? 1 : 0;
            sum[word] = total;
        }
        rows++;
    }

    long rows() {
        return rows;
    }

    /** The sum as 64 hex digits. */
    String hex() {
        StringBuilder out = new StringBuilder(64);
        for (long word : sum) {
            out.append(HexFormat.of().toHexDigits(word));
        }
        return out.toString();
    }
}
