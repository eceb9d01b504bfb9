package io.silo.postgres.backup;

import io.silo.error.ProblemType;
import io.silo.json.Json;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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

    private final InputStream in;
    private byte[] line = new byte[1 << 16];
    private int length;
    private char kind;
    private long lineNumber;

    ArchiveReader(InputStream plain) {
        try {
            this.in = new BufferedInputStream(new GZIPInputStream(plain, 1 << 16), 1 << 16);
        } catch (IOException e) {
            throw invalid(e);
        }
    }

    /** Reads the next record; false at the end of the stream. */
    boolean next() {
        try {
            length = 0;
            int b = in.read();
            if (b < 0) {
                return false;
            }
            lineNumber++;
            kind = (char) b;
            if (in.read() != ' ') {
                throw ProblemType.INVALID_ARCHIVE.exception("record " + lineNumber + " of the archive is malformed");
            }
            while ((b = in.read()) != '\n') {
                if (b < 0) {
                    throw ProblemType.INVALID_ARCHIVE.exception("the archive ends inside record " + lineNumber);
                }
                if (length == line.length) {
                    if (length >= MAX_LINE) {
                        throw ProblemType.INVALID_ARCHIVE.exception(
                                "record " + lineNumber + " of the archive is over " + MAX_LINE + " bytes");
                    }
                    line = Arrays.copyOf(line, Math.min(MAX_LINE, length * 2));
                }
                line[length++] = (byte) b;
            }
            return true;
        } catch (IOException e) {
            throw invalid(e);
        }
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

    private static RuntimeException invalid(IOException e) {
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
