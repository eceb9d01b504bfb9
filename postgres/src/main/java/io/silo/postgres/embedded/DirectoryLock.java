package io.silo.postgres.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An exclusive lock on a file, held while a process uses the directory it guards: the operating
 * system lets go of it when the process ends, even when it is killed, so a lock that can be taken
 * means that nobody uses the directory any more.
 *
 * <p>Within one process the files it holds are kept in a set and checked before the file is opened:
 * on Linux a lock is the process's, and closing any descriptor of the file, even one opened only to
 * try, would let go of it (as Lucene's {@code NativeFSLockFactory} does for the same reason).
 *
 * <p>Thread-safe; {@link #close()} may be called more than once.
 */
final class DirectoryLock implements AutoCloseable {
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private boolean closed;

    private DirectoryLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock on {@code file} (created when missing); empty when another process, or this one, holds it. */
    static Optional<DirectoryLock> claim(Path file) {
        Path key = file.toAbsolutePath().normalize();
        if (!HELD.add(key)) {
            return Optional.empty();
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            HELD.remove(key);
            throw new UncheckedIOException("cannot open the lock file " + key, e);
        }
        try {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return Optional.of(new DirectoryLock(key, channel, lock));
            }
        } catch (IOException | OverlappingFileLockException e) {
            closeQuietly(channel);
            HELD.remove(key);
            throw new IllegalStateException("cannot lock " + key + ": " + e.getMessage(), e);
        }
        closeQuietly(channel);
        HELD.remove(key);
        return Optional.empty();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } catch (IOException e) {
            // the channel's close below lets go of it too
        }
        closeQuietly(channel);
        HELD.remove(file);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing held is left: the lock goes with the channel
        }
    }
}
