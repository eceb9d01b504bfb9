package io.silo.postgres.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * An input stream that reads the stream under it ahead, on a thread of its own: an archive's
 * decryption and decompression (AES-GCM, gzip) run while the restore's thread sums the rows'
 * checksums and hands them to PostgreSQL. A few buffers are read ahead at most, so memory stays
 * flat. What the stream under it throws (an archive that fails authentication, say) is thrown here,
 * as it was thrown, where the bytes before it end.
 *
 * <p>Not thread-safe: one thread reads; the stream under it is read and closed by the reader thread.
 */
final class ReadAhead extends InputStream {
    private static final int BUFFER = 1 << 18;

    /** A read-ahead chunk, or the end of the stream with what ended it (null: the stream's end). */
    private record Chunk(byte[] bytes, int length, Throwable failure) {
        boolean last() {
            return length < 0;
        }
    }

    private final InputStream in;
    private final BlockingQueue<Chunk> chunks = new ArrayBlockingQueue<>(4);
    private final Thread reader;
    private Chunk current = new Chunk(new byte[0], 0, null);
    private int position;
    /** The last chunk, once taken. */
    private Chunk end;

    ReadAhead(InputStream in, String name) {
        this.in = in;
        this.reader = Thread.ofPlatform().name(name).daemon().start(this::fill);
    }

    private void fill() {
        try (in) {
            while (true) {
                byte[] bytes = new byte[BUFFER];
                int length = in.readNBytes(bytes, 0, BUFFER);
                if (length > 0) {
                    chunks.put(new Chunk(bytes, length, null));
                }
                if (length < BUFFER) {
                    chunks.put(new Chunk(bytes, -1, null));
                    return;
                }
            }
        } catch (InterruptedException e) {
            // closed before the end: nobody reads on
        } catch (IOException | RuntimeException | Error e) {
            try {
                chunks.put(new Chunk(new byte[0], -1, e));
            } catch (InterruptedException closed) {
                // closed meanwhile: nobody reads on
            }
        }
    }

    @Override
    public int read() throws IOException {
        if (!atHand()) {
            return -1;
        }
        return current.bytes()[position++] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (!atHand()) {
            return -1;
        }
        int part = Math.min(length, current.length() - position);
        System.arraycopy(current.bytes(), position, bytes, offset, part);
        position += part;
        return part;
    }

    /** Whether bytes are at hand, taking the next chunk when the current one is used up. */
    private boolean atHand() throws IOException {
        while (position == current.length()) {
            if (end != null) {
                if (end.failure() != null) {
                    rethrow(end.failure());
                }
                return false;
            }
            Chunk next;
            try {
                next = chunks.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading the archive");
            }
            if (next.last()) {
                end = next;
            } else {
                current = next;
                position = 0;
            }
        }
        return true;
    }

    private static void rethrow(Throwable thrown) throws IOException {
        if (thrown instanceof IOException e) {
            throw e;
        }
        if (thrown instanceof RuntimeException e) {
            throw e;
        }
        throw (Error) thrown;
    }

    /** Stops the reader (which closes the stream under it) and waits for it. */
    @Override
    public void close() throws IOException {
        reader.interrupt();
        try {
            reader.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while closing the archive");
        }
        chunks.clear();
    }
}
