package io.silo.postgres.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.silo.error.SiloException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The reader gives back every record the writer wrote, byte for byte, whatever their lengths and
 * wherever they fall against its buffer (a line across two reads, a line over the buffer's size,
 * empty rows); a stream cut inside a record is refused.
 */
class ArchiveReaderTest {
    @Test
    void everyRecordComesBackAsWrittenWhateverItsLength() {
        Random random = new Random(18);
        List<byte[]> rows = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            // mostly short rows, some around the reader's 64 KiB buffer, a few several times its size
            int length = switch (i % 50) {
                case 0 -> 65_536 + random.nextInt(3) - 1;
                case 1 -> 200_000 + random.nextInt(100_000);
                case 2 -> 0;
                default -> random.nextInt(2_000);
            };
            byte[] row = new byte[length];
            for (int j = 0; j < length; j++) {
                row[j] = (byte) ('a' + random.nextInt(26));
            }
            rows.add(row);
        }
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        try (ArchiveWriter writer = new ArchiveWriter(plain)) {
            writer.record('H', Map.of("format", 1));
            rows.forEach(row -> writer.row(row, row.length));
            writer.record('Z', Map.of("rows", rows.size()));
        }

        try (ArchiveReader reader = new ArchiveReader(new ByteArrayInputStream(plain.toByteArray()))) {
            assertThat(reader.next()).isTrue();
            assertThat(reader.kind()).isEqualTo('H');
            assertThat(reader.json().path("format").asInt()).isEqualTo(1);
            for (byte[] row : rows) {
                assertThat(reader.next()).isTrue();
                assertThat(reader.kind()).isEqualTo('R');
                assertThat(Arrays.copyOf(reader.bytes(), reader.length())).isEqualTo(row);
            }
            assertThat(reader.next()).isTrue();
            assertThat(reader.kind()).isEqualTo('Z');
            assertThat(reader.json().path("rows").asInt()).isEqualTo(rows.size());
            assertThat(reader.lineNumber()).isEqualTo(rows.size() + 2L);
            assertThat(reader.next()).isFalse();
        }
    }

    @Test
    void aStreamCutInsideARecordIsRefused() {
        try (ArchiveReader reader = new ArchiveReader(new ByteArrayInputStream(gzip("R {\"a\":1}\nR {\"a\":2")))) {
            assertThat(reader.next()).isTrue();
            assertThat(reader.text()).isEqualTo("{\"a\":1}");
            assertThatThrownBy(reader::next)
                    .isInstanceOfSatisfying(
                            SiloException.class, e -> assertThat(e.type()).isEqualTo("invalid-archive"))
                    .hasMessageContaining("ends inside record 2");
        }
    }

    private static byte[] gzip(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (var out = new java.util.zip.GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
