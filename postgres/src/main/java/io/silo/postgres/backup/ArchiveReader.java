package io.silo.postgres.backup;

import io.silo.error.ProblemType;
import io.silo.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import tools.jackson.databind.JsonNode;

/**
 * Reads the records {@link ArchiveWriter} wrote, one at a time; a line is held only until the next
 * is read. A failure to decrypt or decompress is an {@code invalid-archive} problem.
 *
 * <p>Not thread-safe.
 */
final class ArchiveReader implements AutoCloseable {
    /** No line is longer: a row is at most a document of 1 MiB or a file chunk of 256 KiB in hex. */
    private static final int MAX_LINE = 64 * 1024 * 1024;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    private final InputStream in;
    /**
     * What was read from {@link #in} and not yet taken: read in bulk and scanned for line ends here,
     * not through {@code BufferedInputStream.read()}, whose lock per byte took most of a restore.
     */
    private final byte[] buffer = new byte[1 << 16];

    private int position;
    private int limit;
    private byte[] line = new byte[1 << 16];
    private int length;
    private char kind;
    private long lineNumber;

    ArchiveReader(InputStream plain) {
        try {
            this.in = new ReadAhead(new GZIPInputStream(plain, 1 << 16), "archive-reader");
        } catch (IOException e) {
            throw invalid(e);
        }
    }

    /** Reads the next record; false at the end of the stream. */
    boolean next() {
        try {
            length = 0;
            int b = read();
            if (b < 0) {
                return false;
            }
            lineNumber++;
            kind = (char) b;
            if (read() != ' ') {
                throw ProblemType.INVALID_ARCHIVE.exception("record " + lineNumber + " of the archive is malformed");
            }
            while (true) {
                if (position == limit && !fill()) {
                    throw ProblemType.INVALID_ARCHIVE.exception("the archive ends inside record " + lineNumber);
                }
                int end = indexOfLineEnd();
                append((end < 0 ? limit : end) - position);
                if (end >= 0) {
                    position = end + 1;
                    return true;
                }
                position = limit;
            }
        } catch (IOException e) {
            throw invalid(e);
        }
    }

    /**
     * Where the next line end is in the buffer from the position on, or -1: eight bytes at a time
     * (a byte is a newline where its XOR with one is zero; the classic test for a zero byte in a word
     * is exact for the lowest one), the rest one by one. A restore scans every byte of the archive's
     * gigabytes here.
     */
    private int indexOfLineEnd() {
        int i = position;
        for (; i + Long.BYTES <= limit; i += Long.BYTES) {
            long x = (long) LONGS.get(buffer, i) ^ NEWLINES;
            long zeros = (x - ONES) & ~x & HIGHS;
            if (zeros != 0) {
                return i + (Long.numberOfTrailingZeros(zeros) >>> 3);
            }
        }
        for (; i < limit; i++) {
            if (buffer[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Appends {@code count} bytes from the buffer's position to the line. */
    private void append(int count) {
        if (length + count > line.length) {
            if (length + count > MAX_LINE) {
                throw ProblemType.INVALID_ARCHIVE.exception(
                        "record " + lineNumber + " of the archive is over " + MAX_LINE + " bytes");
            }
            line = Arrays.copyOf(line, Math.min(MAX_LINE, Math.max(length + count, line.length * 2)));
        }
        System.arraycopy(buffer, position, line, length, count);
        length += count;
    }

    /** The next byte, or -1 at the end of the stream. */
    private int read() throws IOException {
        if (position == limit && !fill()) {
            return -1;
        }
        return buffer[position++] & 0xff;
    }

    /** Reads more into the buffer, which is empty; false at the end of the stream. */
    private boolean fill() throws IOException {
        int read = in.readNBytes(buffer, 0, buffer.length);
        position = 0;
        limit = read;
        return read > 0;
    }

    char kind() {
        return kind;
    }

    /** The record's JSON, for every kind but rows. */
    JsonNode json() {
        try {
            return Json.read(text());
        } catch (RuntimeException e) {
            throw ProblemType.INVALID_ARCHIVE.exception("record " + lineNumber + " of the archive is not JSON");
        }
    }

    /** The record's bytes as written; valid until the next call of {@link #next}. */
    byte[] bytes() {
        return line;
    }

    int length() {
        return length;
    }

    String text() {
        return new String(line, 0, length, StandardCharsets.UTF_8);
    }

    long lineNumber() {
        return lineNumber;
    }

    static RuntimeException invalid(IOException e) {
        return ProblemType.INVALID_ARCHIVE.exception("the archive cannot be read: "
                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the archive", e);
        }
    }
}
