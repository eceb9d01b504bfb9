package io.silo.postgres.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.silo.error.ProblemType;
import io.silo.error.SiloException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * The archive is compressed and encrypted on a writer thread and decrypted and decompressed on a
 * reader thread ({@link WriteBehind}, {@link ReadAhead}): what fails there (an archive that fails
 * authentication, a full disk) must reach the dump's or the restore's thread as it was thrown, after
 * the bytes before it, never be lost or hang either side.
 */
class ArchiveThreadsTest {
    @Test
    void aDecryptionFailureReachesTheReaderAsThrownAfterTheBytesBeforeIt() {
        byte[] good = gzipPrefix(300_000);
        InputStream failing = new SequenceInputStream(new ByteArrayInputStream(good), new InputStream() {
            @Override
            public int read() {
                throw ProblemType.INVALID_ARCHIVE.exception("segment 7 of the archive fails its authentication");
            }
        });
        try (ArchiveReader reader = new ArchiveReader(failing)) {
            long rows = 0;
            try {
                while (reader.next()) {
                    rows++;
                }
            } catch (SiloException e) {
                assertThat(e.type()).isEqualTo("invalid-archive");
                assertThat(e).hasMessageContaining("fails its authentication");
            }
            assertThat(rows).isGreaterThan(1_000);
        }
    }

    @Test
    void aWriteFailureReachesTheWriterAndDoesNotHangIt() {
        OutputStream full = new OutputStream() {
            private long written;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                written += length;
                if (written > 100_000) {
                    throw new IOException("No space left on device");
                }
            }
        };
        assertThatThrownBy(() -> {
                    try (ArchiveWriter writer = new ArchiveWriter(full)) {
                        byte[] row = new byte[1_000];
                        java.util.Random random = new java.util.Random(18);
                        for (int i = 0; i < 100_000; i++) {
                            random.nextBytes(row);
                            for (int j = 0; j < row.length; j++) {
                                row[j] = (byte) ('a' + (row[j] & 15));
                            }
                            writer.row(row, row.length);
                        }
                        writer.record('Z', Map.of("rows", 100_000));
                    }
                })
                .isInstanceOf(UncheckedIOException.class)
                .hasRootCauseMessage("No space left on device");
    }

    /** A gzip stream of many short rows, cut after {@code bytes} bytes (no end of the gzip stream). */
    private static byte[] gzipPrefix(int bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            java.util.Random random = new java.util.Random(18);
            while (out.size() < bytes) {
                gzip.write(("R {\"n\":" + random.nextLong() + "}\n").getBytes());
            }
            gzip.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] all = out.toByteArray();
        return java.util.Arrays.copyOf(all, bytes);
    }
}
