package io.silo.bench.load;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The fair baseline's connections: at most {@code budget} open at once across every database, as
 * Silo's budget allows, and the simplest policy that keeps what is warm: a request takes an idle
 * connection of its database; else opens one (a login) while the budget has room; else, when its
 * database has no connection at all, closes the least recently used idle connection of another
 * database to open its own; else waits for one of its own to come back. With a budget of at least
 * the warm databases nothing is closed once warm; with a smaller one it is an LRU cache of single
 * logins: the physical limit of a database per tenant.
 *
 * <p>Thread-safe; the lock covers the bookkeeping only, never a login or a close.
 *
 * @param <C> what is kept per connection (the connection and its prepared statements)
 */
public final class ConnectionLru<C extends ConnectionLru.Held> implements AutoCloseable {
    /** A connection with whatever its client prepared on it. */
    public interface Held {
        Connection connection();
    }

    /** Opens a connection to a database and prepares it. */
    @FunctionalInterface
    public interface Opener<C> {
        C open(String database) throws SQLException;
    }

    private final int budget;
    private final Opener<C> opener;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition returned = lock.newCondition();
    /** Idle connections per database, the databases in least-recently-returned order. */
    private final LinkedHashMap<String, Deque<C>> idle = new LinkedHashMap<>(16, 0.75f, true);

    private final Map<String, Integer> perDatabase = new HashMap<>();
    private final LongAdder logins = new LongAdder();
    private int open;

    public ConnectionLru(int budget, Opener<C> opener) {
        this.budget = budget;
        this.opener = opener;
    }

    /** A connection to {@code database}: idle, or newly opened within the budget. */
    public C take(String database) throws SQLException {
        Idle<C> victim = null;
        lock.lock();
        try {
            while (true) {
                Deque<C> own = idle.get(database);
                if (own != null && !own.isEmpty()) {
                    C held = own.pop();
                    if (own.isEmpty()) {
                        idle.remove(database);
                    }
                    return held;
                }
                if (open < budget) {
                    open++;
                    perDatabase.merge(database, 1, Integer::sum);
                    break;
                }
                if (perDatabase.getOrDefault(database, 0) == 0) {
                    victim = oldestIdle();
                    if (victim != null) {
                        // its slot goes to the new connection
                        perDatabase.merge(victim.database(), -1, Integer::sum);
                        perDatabase.merge(database, 1, Integer::sum);
                        break;
                    }
                }
                returned.await(100, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for a connection", e);
        } finally {
            lock.unlock();
        }
        if (victim != null) {
            closeQuietly(victim.held());
        }
        try {
            C opened = opener.open(database);
            logins.increment();
            return opened;
        } catch (SQLException | RuntimeException e) {
            release(database);
            throw e;
        }
    }

    /** Gives back a connection taken from {@code database}; a broken one is closed instead. */
    public void give(String database, C held, boolean broken) {
        if (broken) {
            closeQuietly(held);
            release(database);
            return;
        }
        lock.lock();
        try {
            idle.computeIfAbsent(database, any -> new ArrayDeque<>()).push(held);
            returned.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Logins so far. */
    public long logins() {
        return logins.sum();
    }

    private Idle<C> oldestIdle() {
        Iterator<Map.Entry<String, Deque<C>>> databases = idle.entrySet().iterator();
        if (!databases.hasNext()) {
            return null;
        }
        Map.Entry<String, Deque<C>> oldest = databases.next();
        Idle<C> victim = new Idle<>(oldest.getKey(), oldest.getValue().removeLast());
        if (oldest.getValue().isEmpty()) {
            databases.remove();
        }
        return victim;
    }

    private void release(String database) {
        lock.lock();
        try {
            open--;
            perDatabase.merge(database, -1, Integer::sum);
            returned.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private record Idle<C>(String database, C held) {}

    private static void closeQuietly(Held held) {
        try {
            held.connection().close();
        } catch (SQLException e) {
            // closing is all we wanted
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            idle.values().forEach(connections -> connections.forEach(ConnectionLru::closeQuietly));
            idle.clear();
        } finally {
            lock.unlock();
        }
    }
}
