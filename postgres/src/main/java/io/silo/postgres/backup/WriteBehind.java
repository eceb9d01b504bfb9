package io.silo.postgres.backup;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A buffered output stream whose buffers reach the stream under it on a thread of its own: an
 * archive's compression and encryption (gzip, AES-GCM) run while the dump's thread reads the next
 * rows from PostgreSQL and sums their checksums, on two cores where there are two. A few buffers
 * wait at most, so memory stays flat; the writer's failure is thrown to the next write or the close.
 *
 * <p>Not thread-safe: one thread writes; the stream under it is written by the writer thread only,
 * and closed by it when this is closed.
 */
final class WriteBehind extends OutputStream {
    private static final int BUFFER = 1 << 18;
    private static final byte[] END = new byte[0];

    private final OutputStream out;
    private final BlockingQueue<byte[]> full = new ArrayBlockingQueue<>(4);
    private final Thread writer;
    private volatile Throwable failure;
    private byte[] buffer = new byte[BUFFER];
    private int count;
    private boolean closed;

    WriteBehind(OutputStream out, String name) {
        this.out = out;
        this.writer = Thread.ofPlatform().name(name).daemon().start(this::drain);
    }

    private void drain() {
        try (out) {
            for (byte[] chunk = full.take(); chunk != END; chunk = full.take()) {
                if (failure == null) {
                    out.write(chunk);
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            failure = e;
        } catch (InterruptedException e) {
            failure = new InterruptedIOException("the archive's writer was interrupted");
        }
        if (failure != null) {
            full.clear(); // the writing thread may wait for room; it learns of the failure next
        }
    }

    @Override
    public void write(int b) throws IOException {
        if (count == buffer.length) {
            handOff();
        }
        buffer[count++] = (byte) b;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        while (length > 0) {
            if (count == buffer.length) {
                handOff();
            }
            int part = Math.min(length, buffer.length - count);
            System.arraycopy(bytes, offset, buffer, count, part);
            count += part;
            offset += part;
            length -= part;
        }
    }

    private void handOff() throws IOException {
        rethrow();
        byte[] chunk = count == buffer.length ? buffer : Arrays.copyOf(buffer, count);
        put(chunk);
        buffer = new byte[BUFFER];
        count = 0;
    }

    private void put(byte[] chunk) throws IOException {
        try {
            while (!full.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
                rethrow();
                if (!writer.isAlive()) {
                    throw new IOException("the archive's writer stopped");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing the archive");
        }
    }

    private void rethrow() throws IOException {
        Throwable thrown = failure;
        if (thrown instanceof IOException e) {
            throw new IOException(e.getMessage(), e);
        }
        if (thrown instanceof RuntimeException e) {
            throw e;
        }
        if (thrown instanceof Error e) {
            throw e;
        }
    }

    /** Hands off what is buffered, waits for the writer to write it and close the stream under it. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (count > 0) {
            handOff();
        }
        put(END);
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while finishing the archive");
        }
        rethrow();
    }
}
