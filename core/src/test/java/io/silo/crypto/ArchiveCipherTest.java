package io.silo.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.silo.error.SiloException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The archive's encryption: what goes in comes out, for lengths around the segment size; a wrong
 * key is told apart; a flipped bit, a segment dropped or swapped and an archive cut anywhere (at a
 * segment's boundary too) fail authentication.
 */
class ArchiveCipherTest {
    private static final int SEGMENT = 64;
    private static final int SEALED = SEGMENT + 16;
    private final BackupKey key = BackupKey.random();

    @Test
    void whatGoesInComesOutForEveryLengthAroundTheSegmentSize() throws IOException {
        for (int length : new int[] {0, 1, SEGMENT - 1, SEGMENT, SEGMENT + 1, 3 * SEGMENT, 3 * SEGMENT + 5}) {
            byte[] plain = bytes(length);
            assertThat(decrypt(encrypt(plain), key)).as("length %d", length).isEqualTo(plain);
        }
    }

    @Test
    void aWrongKeyIsToldApartFromAnAlteredArchive() throws IOException {
        byte[] sealed = encrypt(bytes(200));

        assertThatThrownBy(() -> decrypt(sealed, BackupKey.random()))
                .isInstanceOfSatisfying(
                        SiloException.class, e -> assertThat(e.type()).isEqualTo("backup-key-mismatch"));
    }

    @Test
    void everyFlippedBitAfterTheMagicIsRefused() throws IOException {
        byte[] sealed = encrypt(bytes(3 * SEGMENT + 5));
        for (int position = ArchiveCipher.MAGIC.length; position < sealed.length; position++) {
            byte[] altered = sealed.clone();
            altered[position] ^= 0x10;
            assertThatThrownBy(() -> decrypt(altered, key))
                    .as("byte %d", position)
                    .isInstanceOfAny(ArchiveCipher.ArchiveIntegrityException.class, SiloException.class);
        }
    }

    @Test
    void anArchiveCutAnywhereIsRefusedEvenAtASegmentsBoundary() throws IOException {
        byte[] sealed = encrypt(bytes(3 * SEGMENT));
        for (int kept = ArchiveCipher.HEADER_LENGTH; kept < sealed.length; kept++) {
            byte[] cut = Arrays.copyOf(sealed, kept);
            assertThatThrownBy(() -> decrypt(cut, key))
                    .as("cut at %d", kept)
                    .isInstanceOf(ArchiveCipher.ArchiveIntegrityException.class);
        }
    }

    @Test
    void swappedOrDroppedSegmentsAreRefused() throws IOException {
        byte[] sealed = encrypt(bytes(3 * SEGMENT + 5));
        int first = ArchiveCipher.HEADER_LENGTH;
        byte[] swapped = sealed.clone();
        System.arraycopy(sealed, first, swapped, first + SEALED, SEALED);
        System.arraycopy(sealed, first + SEALED, swapped, first, SEALED);
        byte[] dropped = new byte[sealed.length - SEALED];
        System.arraycopy(sealed, 0, dropped, 0, first);
        System.arraycopy(sealed, first + SEALED, dropped, first, sealed.length - first - SEALED);

        assertThatThrownBy(() -> decrypt(swapped, key)).isInstanceOf(ArchiveCipher.ArchiveIntegrityException.class);
        assertThatThrownBy(() -> decrypt(dropped, key)).isInstanceOf(ArchiveCipher.ArchiveIntegrityException.class);
    }

    @Test
    void aKeyIsBase64OrHexOf32BytesAndNothingElse() {
        BackupKey random = BackupKey.random();
        assertThat(BackupKey.parse(" " + random.encoded() + "\n").encoded()).isEqualTo(random.encoded());
        assertThat(BackupKey.parse("00".repeat(32)).encoded())
                .isEqualTo(java.util.Base64.getEncoder().encodeToString(new byte[32]));
        for (String wrong : new String[] {"", "short", "00".repeat(31), "not base64 at all!"}) {
            assertThatThrownBy(() -> BackupKey.parse(wrong))
                    .isInstanceOfSatisfying(
                            SiloException.class, e -> assertThat(e.type()).isEqualTo("invalid-backup-key"));
        }
        assertThat(random.toString()).doesNotContain(random.encoded());
    }

    private byte[] encrypt(byte[] plain) throws IOException {
        ByteArrayOutputStream sealed = new ByteArrayOutputStream();
        try (OutputStream out = ArchiveCipher.encrypting(sealed, key, SEGMENT)) {
            // in odd pieces, so that segment boundaries fall inside writes
            for (int at = 0; at < plain.length; at += 7) {
                out.write(plain, at, Math.min(7, plain.length - at));
            }
        }
        return sealed.toByteArray();
    }

    private static byte[] decrypt(byte[] sealed, BackupKey key) throws IOException {
        try (InputStream in = ArchiveCipher.decrypting(new ByteArrayInputStream(sealed), key)) {
            return in.readAllBytes();
        }
    }

    private static byte[] bytes(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }
}
