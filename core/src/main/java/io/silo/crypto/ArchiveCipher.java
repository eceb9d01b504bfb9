package io.silo.crypto;

import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Streaming authenticated encryption of backup archives: AES-256-GCM over fixed-size segments, as
 * in the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár 2015) that Tink's streaming AEAD
 * also follows. Neither side ever holds more than one segment, whatever the archive's size.
 *
 * <p>Layout: a header of {@value #HEADER_LENGTH} bytes ({@code SILOARC1}, the segment size as a
 * 32-bit big-endian integer, a random 32-byte salt, a random 7-byte nonce prefix, and a 16-byte key
 * check), then segments, each the ciphertext of {@code segmentSize} plaintext bytes (the last one of
 * fewer, possibly none) followed by its 16-byte tag. A segment's key is derived from the operator's
 * key and the salt (HKDF-SHA256), its nonce is the prefix, the segment's number (32 bits) and a
 * byte saying whether it is the last; the header is every segment's associated data. So a wrong key
 * is told apart from an altered archive (the key check), and a segment altered, dropped, reordered
 * or cut off, or an archive cut at a segment's boundary, fails authentication.
 *
 * <p>Thread-safety: the streams are not thread-safe; the class itself is stateless.
 */
public final class ArchiveCipher {
    /** The archive's first bytes. */
    public static final byte[] MAGIC = "SILOARC1".getBytes(StandardCharsets.US_ASCII);

    static final int HEADER_LENGTH = 8 + 4 + 32 + 7 + 16;
    private static final int TAG_LENGTH = 16;
    private static final int DEFAULT_SEGMENT = 64 * 1024;
    private static final int MAX_SEGMENT = 16 * 1024 * 1024;
    private static final int SLICE = 1024;
    /** Segments (of 64 KiB: 4 MiB) after which an archive is large enough to pay for {@link JitWarmUp}. */
    private static final long WARM_UP_AFTER = 64;

    private static final byte[] KEY_INFO = "silo backup archive v1 key".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHECK_INFO = "silo backup archive v1 check".getBytes(StandardCharsets.US_ASCII);

    private ArchiveCipher() {}

    /** A stream that encrypts what is written to {@code out}; closing it writes the last segment and closes {@code out}. */
    public static OutputStream encrypting(OutputStream out, BackupKey key) throws IOException {
        return encrypting(out, key, DEFAULT_SEGMENT);
    }

    static OutputStream encrypting(OutputStream out, BackupKey key, int segmentSize) throws IOException {
        byte[] salt = Secrets.bytes(32);
        byte[] prefix = Secrets.bytes(7);
        Keys keys = Keys.derive(key, salt);
        ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH);
        header.put(MAGIC).putInt(segmentSize).put(salt).put(prefix).put(keys.check());
        out.write(header.array());
        return new Encrypting(out, new Segments(keys.cipherKey(), prefix, header.array()), segmentSize);
    }

    /**
     * A stream of the plaintext of the archive read from {@code in}.
     *
     * @throws SiloException {@code invalid-archive} when the header is not a Silo archive's;
     *     {@code backup-key-mismatch} when the archive was encrypted with another key. Reading the stream
     *     throws {@link ArchiveIntegrityException} when a segment is altered, missing or cut off.
     */
    public static InputStream decrypting(InputStream in, BackupKey key) throws IOException {
        byte[] header = in.readNBytes(HEADER_LENGTH);
        if (header.length < HEADER_LENGTH || !Arrays.equals(Arrays.copyOf(header, MAGIC.length), MAGIC)) {
            throw ProblemType.INVALID_ARCHIVE.exception(
                    "the file is not a Silo backup archive (its header is not one)");
        }
        ByteBuffer fields = ByteBuffer.wrap(header, MAGIC.length, HEADER_LENGTH - MAGIC.length);
        int segmentSize = fields.getInt();
        byte[] salt = new byte[32];
        byte[] prefix = new byte[7];
        byte[] check = new byte[16];
        fields.get(salt).get(prefix).get(check);
        Keys keys = Keys.derive(key, salt);
        if (!MessageDigest.isEqual(check, keys.check())) {
            throw ProblemType.BACKUP_KEY_MISMATCH.exception(
                    "the archive was encrypted with another backup key (or its header was altered)");
        }
        if (segmentSize < 1 || segmentSize > MAX_SEGMENT) {
            throw ProblemType.INVALID_ARCHIVE.exception("the archive's header names a segment size of " + segmentSize);
        }
        return new Decrypting(in, new Segments(keys.cipherKey(), prefix, header), segmentSize);
    }

    /** A segment failed authentication: the archive was altered, reordered or cut off. */
    public static final class ArchiveIntegrityException extends IOException {
        private static final long serialVersionUID = 1L;

        ArchiveIntegrityException(String message) {
            super(message);
        }
    }

    private record Keys(SecretKeySpec cipherKey, byte[] check) {
        static Keys derive(BackupKey key, byte[] salt) {
            try {
                Mac extract = Mac.getInstance("HmacSHA256");
                extract.init(new SecretKeySpec(salt, "HmacSHA256"));
                byte[] pseudoRandom = extract.doFinal(key.bytes());
                byte[] cipherKey = expand(pseudoRandom, KEY_INFO);
                byte[] check = Arrays.copyOf(expand(pseudoRandom, CHECK_INFO), 16);
                return new Keys(new SecretKeySpec(cipherKey, "AES"), check);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
            }
        }

        // HKDF-Expand (RFC 5869) of one block: 32 bytes are all either key needs
        private static byte[] expand(byte[] pseudoRandom, byte[] info) throws GeneralSecurityException {
            Mac expand = Mac.getInstance("HmacSHA256");
            expand.init(new SecretKeySpec(pseudoRandom, "HmacSHA256"));
            expand.update(info);
            expand.update((byte) 1);
            return expand.doFinal();
        }
    }

    /** The cipher of one archive's segments, numbered from 0. */
    private static final class Segments {
        private final SecretKeySpec key;
        private final byte[] prefix;
        private final byte[] header;
        private long next;

        Segments(SecretKeySpec key, byte[] prefix, byte[] header) {
            this.key = key;
            this.prefix = prefix;
            this.header = header;
        }

        /**
         * Encrypts a segment a kilobyte per call: HotSpot replaces GCM's hashing with its CPU
         * intrinsic only in code it compiled after thousands of calls, which one call per 64 KiB
         * segment never reaches in a command's run (the interpreted GHASH took a quarter of a
         * backup's samples); the ciphertext is the same.
         */
        byte[] seal(byte[] plain, int length, boolean last) throws IOException {
            try {
                Cipher cipher = cipher(Cipher.ENCRYPT_MODE, last);
                byte[] sealed = new byte[length + TAG_LENGTH];
                int offset = 0;
                int written = 0;
                for (; length - offset > SLICE; offset += SLICE) {
                    written += cipher.update(plain, offset, SLICE, sealed, written);
                }
                written += cipher.doFinal(plain, offset, length - offset, sealed, written);
                return written == sealed.length ? sealed : Arrays.copyOf(sealed, written);
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot encrypt segment " + (next - 1) + " of the archive", e);
            }
        }

        byte[] open(byte[] sealed, boolean last) throws IOException {
            long number = next;
            try {
                return cipher(Cipher.DECRYPT_MODE, last).doFinal(sealed);
            } catch (AEADBadTagException e) {
                throw new ArchiveIntegrityException("segment " + number + " of the archive fails authentication: "
                        + (last ? "the archive is cut off or altered" : "the archive is altered"));
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot decrypt segment " + number + " of the archive", e);
            }
        }

        private Cipher cipher(int mode, boolean last) throws GeneralSecurityException, IOException {
            if (next == WARM_UP_AFTER) {
                JitWarmUp.once();
            }
            if (next > 0xFFFF_FFFFL) {
                throw new IOException("an archive has at most 2^32 segments");
            }
            byte[] nonce = ByteBuffer.allocate(12)
                    .put(prefix)
                    .putInt((int) next++)
                    .put((byte) (last ? 1 : 0))
                    .array();
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, key, new GCMParameterSpec(TAG_LENGTH * 8, nonce));
            cipher.updateAAD(header);
            return cipher;
        }
    }

    /**
     * Makes HotSpot compile AES-GCM's Java code, with its CPU intrinsics (GHASH, AES-CTR), early in
     * a command's run. It does so only for code called thousands of times, and an archive calls it
     * once per 64 KiB segment: a restore, which decrypts with one call per segment (GCM decryption
     * takes the whole segment before its tag is checked), stayed on the interpreted GHASH for its
     * whole run, at tens of MB/s, where the intrinsic does a GB/s. Fifty thousand encryptions of one
     * block under a throwaway key cost a few tens of milliseconds, once per JVM.
     */
    private static final class JitWarmUp {
        private static final int CALLS = 50_000;
        private static boolean done;

        static synchronized void once() {
            if (done) {
                return;
            }
            done = true;
            try {
                Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
                cipher.init(
                        Cipher.ENCRYPT_MODE,
                        new SecretKeySpec(new byte[32], "AES"),
                        new GCMParameterSpec(TAG_LENGTH * 8, new byte[12]));
                byte[] block = new byte[16];
                byte[] out = new byte[16];
                for (int i = 0; i < CALLS; i++) {
                    cipher.update(block, 0, block.length, out, 0);
                }
            } catch (GeneralSecurityException e) {
                // only slower without it; the archive's own cipher reports real failures
            }
        }
    }

    private static final class Encrypting extends FilterOutputStream {
        private final Segments segments;
        private final byte[] buffer;
        private int filled;
        private boolean closed;

        Encrypting(OutputStream out, Segments segments, int segmentSize) {
            super(out);
            this.segments = segments;
            this.buffer = new byte[segmentSize];
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            while (length > 0) {
                if (filled == buffer.length) {
                    // only now is it known that this segment is not the last
                    out.write(segments.seal(buffer, filled, false));
                    filled = 0;
                }
                int taken = Math.min(length, buffer.length - filled);
                System.arraycopy(bytes, offset, buffer, filled, taken);
                filled += taken;
                offset += taken;
                length -= taken;
            }
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try (OutputStream target = out) {
                target.write(segments.seal(buffer, filled, true));
            }
        }
    }

    private static final class Decrypting extends InputStream {
        private final DataInputStream in;
        private final Segments segments;
        private final int segmentSize;
        private byte[] plain = new byte[0];
        private int position;
        private boolean ended;
        private int peeked = -1;

        Decrypting(InputStream in, Segments segments, int segmentSize) {
            this.in = new DataInputStream(in);
            this.segments = segments;
            this.segmentSize = segmentSize;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            while (position == plain.length) {
                if (ended) {
                    return -1;
                }
                nextSegment();
            }
            int taken = Math.min(length, plain.length - position);
            System.arraycopy(plain, position, bytes, offset, taken);
            position += taken;
            return taken;
        }

        private void nextSegment() throws IOException {
            ByteArrayOutputStream sealed = new ByteArrayOutputStream(segmentSize + TAG_LENGTH);
            if (peeked >= 0) {
                sealed.write(peeked);
            }
            sealed.write(in.readNBytes(segmentSize + TAG_LENGTH - sealed.size()));
            if (sealed.size() < TAG_LENGTH) {
                throw new ArchiveIntegrityException(
                        "the archive ends inside segment " + segments.next + ": it is cut off");
            }
            // a whole segment followed by more bytes is not the last; one followed by the end must be
            peeked = sealed.size() == segmentSize + TAG_LENGTH ? in.read() : -1;
            boolean last = peeked < 0;
            plain = segments.open(sealed.toByteArray(), last);
            position = 0;
            ended = last;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
