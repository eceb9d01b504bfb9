package io.silo.postgres.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** {@link ArchiveReader} splits records at every line end, wherever it falls in its eight-byte steps and buffers. */
class ArchiveReaderTest {
    @Test
    void everyRecordEndsAtItsOwnLineEndWhateverItsLength() throws IOException {
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        int records = 0;
        // lengths around every multiple of eight, and lines longer than the reader's 64 KiB buffer
        for (int length = 0; length < 200; length++) {
            plain.write(("R " + "x".repeat(length) + "\n").getBytes(StandardCharsets.UTF_8));
            records++;
        }
        for (int length : new int[] {65_533, 65_534, 65_535, 65_536, 65_537, 200_001}) {
            plain.write(("R " + "\u00e9".repeat(length / 2) + "\n").getBytes(StandardCharsets.UTF_8));
            records++;
        }

        try (ArchiveReader reader = new ArchiveReader(new ByteArrayInputStream(gzip(plain.toByteArray())))) {
            for (int length = 0; length < 200; length++) {
                assertThat(reader.next()).isTrue();
                assertThat(reader.kind()).isEqualTo('R');
                assertThat(reader.text()).isEqualTo("x".repeat(length));
            }
            for (int length : new int[] {65_533, 65_534, 65_535, 65_536, 65_537, 200_001}) {
                assertThat(reader.next()).isTrue();
                assertThat(reader.text()).isEqualTo("\u00e9".repeat(length / 2));
            }
            assertThat(reader.next()).isFalse();
            assertThat(reader.lineNumber()).isEqualTo(records);
        }
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(zipped)) {
            out.write(bytes);
        }
        return zipped.toByteArray();
    }
}
