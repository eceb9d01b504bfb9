package io.silo.crypto;

import io.silo.error.ProblemType;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The key an operator supplies to encrypt and decrypt backup archives: 32 random bytes, given as
 * base64 ({@code openssl rand -base64 32}) or as 64 hex digits. It is independent of the
 * deployment's master key, so that an archive can be restored on another deployment.
 *
 * <p>Immutable; {@link #toString()} reveals nothing.
 */
public final class BackupKey {
    private static final int LENGTH = 32;
    private final byte[] bytes;

    private BackupKey(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * The key written as text: 64 hex digits or base64 of 32 bytes, surrounding white space ignored.
     *
     * @throws io.silo.error.SiloException {@code invalid-backup-key} when it is neither
     */
    public static BackupKey parse(String text) {
        String trimmed = text.strip();
        byte[] decoded = decode(trimmed);
        if (decoded.length != LENGTH) {
            throw ProblemType.INVALID_BACKUP_KEY.exception(
                    "a backup key is 32 bytes as base64 or 64 hex digits; this one is "
                            + (decoded.length == 0 ? "neither" : decoded.length + " bytes"));
        }
        return new BackupKey(decoded);
    }

    /** A new random key, for tests and for {@code silo backup --new-key}. */
    public static BackupKey random() {
        return new BackupKey(Secrets.bytes(LENGTH));
    }

    /** The key as base64, the form {@link #parse} reads. */
    public String encoded() {
        return Base64.getEncoder().encodeToString(bytes);
    }

    byte[] bytes() {
        return Arrays.copyOf(bytes, bytes.length);
    }

    private static byte[] decode(String text) {
        if (text.length() == 2 * LENGTH && text.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            return HexFormat.of().parseHex(text);
        }
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    @Override
    public String toString() {
        return "BackupKey[hidden]";
    }
}
