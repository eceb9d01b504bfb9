package io.silo.postgres.backup;

import io.silo.postgres.jdbc.DataAccessException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * One table's rows streamed into {@code COPY … FROM STDIN} over up to {@link #STREAMS} connections
 * at once, each {@code COPY} its own statement: PostgreSQL parses a {@code COPY}'s text on one core,
 * so a large table loads about that many times faster on a server with the cores to spare. The
 * first stream starts at once on the load's own connection; the others once {@link #PARALLEL_FROM}
 * bytes went through it, so that a small table costs no more than one {@code COPY}. Chunks of whole
 * lines go to the streams in turn, each through a queue to a thread of its own, so that a stream
 * whose server process is busy does not hold the others up; the rows' order does not matter (the
 * archive's checksum does not depend on it).
 *
 * <p>Not thread-safe: one thread hands the chunks over; the streams' threads are this class's own.
 */
final class ParallelCopy implements AutoCloseable {
    /** How many {@code COPY}s at most: PostgreSQL's cores that parse, next to the restore's own. */
    static final int STREAMS = 2;

    /** The bytes the first stream takes alone: below this, a table is one {@code COPY}. */
    static final long PARALLEL_FROM = 8L << 20;

    /** Opens the connections of the streams after the first, to the same database, set as the first. */
    @FunctionalInterface
    interface Connections {
        Connection open(int stream) throws SQLException;
    }

    /** Bytes of whole lines to write. */
    private record Chunk(byte[] bytes, int length) {}

    private static final Chunk END = new Chunk(new byte[0], 0);

    private final String sql;
    private final Connections connections;
    private final int most;
    private final String what;
    private final List<Stream> streams = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private long sent;
    private int next;

    /**
     * @param first the load's connection, where the first {@code COPY} runs
     * @param most how many {@code COPY}s at most: 1 for a table that keeps a unique index while it
     *     loads (a duplicate row in each of two {@code COPY}s would make the second wait for the first's
     *     end, which waits for every row to be handed over: a deadlock PostgreSQL cannot see)
     * @param sql the {@code COPY … FROM STDIN} statement
     * @param what the table, for errors
     */
    ParallelCopy(Connection first, Connections connections, int most, String sql, String what) {
        this.sql = sql;
        this.connections = connections;
        this.most = Math.min(most, STREAMS);
        this.what = what;
        start(first);
    }

    /** Hands {@code length} bytes of whole lines over; {@code chunk} is this class's from now on. */
    void send(byte[] chunk, int length) {
        if (streams.size() < most && sent >= PARALLEL_FROM) {
            try {
                start(connections.open(streams.size()));
            } catch (SQLException e) {
                throw new DataAccessException("(a second COPY into " + what + ")", e);
            }
        }
        sent += length;
        Stream stream = streams.get(next);
        next = (next + 1) % streams.size();
        stream.hand(new Chunk(chunk, length));
    }

    /** Ends every {@code COPY}; the rows they took together. */
    long finish() {
        for (Stream stream : streams) {
            stream.hand(END);
        }
        long rows = 0;
        for (Stream stream : streams) {
            stream.join();
        }
        rethrow();
        try {
            for (Stream stream : streams) {
                rows += stream.copy.endCopy();
            }
        } catch (SQLException e) {
            throw new DataAccessException("(COPY into " + what + ")", e);
        }
        return rows;
    }

    /** Stops the streams' threads and cancels every {@code COPY} not ended (after a failure). */
    @Override
    public void close() {
        for (Stream stream : streams) {
            stream.thread.interrupt();
        }
        for (Stream stream : streams) {
            stream.join();
            try {
                if (stream.copy.isActive()) {
                    stream.copy.cancelCopy();
                }
            } catch (SQLException e) {
                // the connection is closed with the load, which deletes what it loaded
            }
        }
    }

    private void start(Connection connection) {
        try {
            CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
            streams.add(new Stream(copy, streams.size()));
        } catch (SQLException e) {
            throw new DataAccessException("(COPY into " + what + ")", e);
        }
    }

    private void rethrow() {
        Throwable failed = failure.get();
        if (failed instanceof SQLException e) {
            throw new DataAccessException("(COPY into " + what + ")", e);
        }
        if (failed instanceof RuntimeException e) {
            throw e;
        }
        if (failed instanceof Error e) {
            throw e;
        }
    }

    /** One {@code COPY} and the thread that writes into it. */
    private final class Stream {
        final CopyIn copy;
        final BlockingQueue<Chunk> chunks = new ArrayBlockingQueue<>(2);
        final Thread thread;

        Stream(CopyIn copy, int number) {
            this.copy = copy;
            this.thread = Thread.ofVirtual().name("restore-copy-" + number).start(this::write);
        }

        private void write() {
            try {
                while (true) {
                    Chunk chunk = chunks.take();
                    if (chunk == END) {
                        return;
                    }
                    copy.writeToCopy(chunk.bytes(), 0, chunk.length());
                }
            } catch (InterruptedException e) {
                // closed after a failure elsewhere
            } catch (SQLException | RuntimeException | Error e) {
                failure.compareAndSet(null, e);
            }
        }

        /** Queues a chunk, waiting while the queue is full, unless a stream failed. */
        void hand(Chunk chunk) {
            try {
                while (!chunks.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
                    rethrow();
                    if (!thread.isAlive()) {
                        throw new IllegalStateException("a COPY into " + what + " stopped");
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while loading " + what, e);
            }
            rethrow();
        }

        void join() {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
