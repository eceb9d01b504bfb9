package io.silo.postgres.backup;

import io.silo.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Writes the records of an archive: one line each, a kind letter, a space and JSON, the whole
 * compressed with gzip. The caller encrypts what this writes to ({@code ArchiveCipher}).
 *
 * <p>Kinds, in order: {@code H} the header (once), then per database {@code D} (which), per table
 * {@code T} (name and columns), {@code R} a row (its line of {@code COPY}'s text format, which
 * escapes every line break; {@code to_jsonb(row)::text} in format 1), {@code E} the table's end
 * (rows and checksum), and {@code Q} its sequences;
 * {@code Z} ends the archive, so an archive without it is known to be cut off.
 *
 * <p>Not thread-safe.
 */
public final class ArchiveWriter implements AutoCloseable {
    private final OutputStream out;

    /** Writes to {@code out}, which this closes. */
    public ArchiveWriter(OutputStream out) {
        try {
            this.out = new WriteBehind(new LevelledGzip(out), "archive-writer");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the archive", e);
        }
    }

    void record(char kind, Object value) {
        line(kind, Json.write(value).getBytes(StandardCharsets.UTF_8));
    }

    /** A row: the first {@code length} bytes of {@code text}, which hold no line end. */
    void row(byte[] text, int length) {
        line('R', text, length);
    }

    private void line(char kind, byte[] text) {
        line(kind, text, text.length);
    }

    private void line(char kind, byte[] text, int length) {
        try {
            out.write(kind);
            out.write(' ');
            out.write(text, 0, length);
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the archive", e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot finish the archive", e);
        }
    }

    /** gzip at its fastest level: the archive is written as fast as the databases are read. */
    private static final class LevelledGzip extends GZIPOutputStream {
        LevelledGzip(OutputStream out) throws IOException {
            super(out, 1 << 16);
            def.setLevel(Deflater.BEST_SPEED);
        }
    }
}
