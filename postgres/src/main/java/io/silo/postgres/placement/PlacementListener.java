package io.silo.postgres.placement;

import io.silo.postgres.control.ControlDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link PlacementCache} coherent across Silo instances. The control database's triggers
 * send {@code pg_notify('silo_placement', <tenant id>)} on every change of {@code tenants} and
 * {@code tenant_databases}; this listener holds one dedicated connection that {@code LISTEN}s on
 * that channel, and for each notification invalidates the tenant and tells the subscribers (the pool
 * registry, to close the pools of a suspended, deleted or moved tenant).
 *
 * <p>A notification sent while the connection is down is lost for good. So when the connection
 * breaks the cache drops everything and reads through until the listener is back, and on every
 * (re)connection, once {@code LISTEN} is in force, it drops everything again. Reconnection backs off
 * from {@value #FIRST_BACKOFF_MILLIS} ms to {@value #MAX_BACKOFF_MILLIS} ms and stops on {@link #close()}.
 *
 * <p>Thread-safe. Subscribers run on the listener's thread, one notification after another: they
 * should be quick, and a subscriber that throws is logged and does not stop the others.
 */
public final class PlacementListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PlacementListener.class);

    /** The channel the control database's triggers notify on. */
    public static final String CHANNEL = "silo_placement";
    /** What the listening session calls itself in {@code pg_stat_activity}. */
    public static final String APPLICATION_NAME = "silo placement listener";

    static final long FIRST_BACKOFF_MILLIS = 100;
    static final long MAX_BACKOFF_MILLIS = 5_000;
    /** How long one wait for notifications lasts; also how long {@link #close()} may wait for the loop. */
    private static final int POLL_MILLIS = 500;
    /** A silent connection is pinged this often, so that a dead peer is noticed without a notification. */
    private static final Duration PING_AFTER = Duration.ofSeconds(10);

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    /** While the control database stays unreachable, one failure in this many is logged. */
    private static final int LOG_EVERY = 10;

    /** Opens the dedicated connection. */
    @FunctionalInterface
    public interface Connector {
        Connection connect() throws SQLException;
    }

    private final Connector connector;
    private final PlacementCache cache;
    private final List<Consumer<UUID>> subscribers = new CopyOnWriteArrayList<>();
    private final List<Channel> channels;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean listening;
    /** The listening connection while there is one: closing the listener aborts it, ending the wait for notifications. */
    private volatile Connection current;

    /**
     * Another channel of the control database that rides on the listening connection (revocations,
     * jobs, clusters, template reloads):
     * each payload goes to {@code consumer}, and {@code resync} runs each time listening (re)starts,
     * when notifications may have been missed.
     */
    public record Channel(String name, Consumer<String> consumer, Runnable resync) {}

    private PlacementListener(Connector connector, PlacementCache cache, List<Channel> channels) {
        this.connector = connector;
        this.cache = cache;
        this.channels = List.copyOf(channels);
        this.thread = Thread.ofVirtual().name("silo-placement-listener").unstarted(this::run);
    }

    /** Starts listening on a dedicated connection to the control database. */
    public static PlacementListener start(ControlDatabase control, PlacementCache cache) {
        return start(control, cache, List.of());
    }

    /** Starts listening on a dedicated connection to the control database, on the placement channel and {@code channels}. */
    public static PlacementListener start(ControlDatabase control, PlacementCache cache, List<Channel> channels) {
        return start(control::dedicatedConnection, cache, channels);
    }

    /** Starts listening on connections from {@code connector}. */
    public static PlacementListener start(Connector connector, PlacementCache cache) {
        return start(connector, cache, List.of());
    }

    /** Starts listening on connections from {@code connector}, on the placement channel and {@code channels}. */
    public static PlacementListener start(Connector connector, PlacementCache cache, List<Channel> channels) {
        // Until LISTEN is in force, changes can be missed: read through.
        cache.coherent(false);
        PlacementListener listener = new PlacementListener(connector, cache, channels);
        listener.thread.start();
        return listener;
    }

    /** Adds a subscriber told the id of every tenant whose placement may have changed, after the cache forgot it. */
    public void subscribe(Consumer<UUID> subscriber) {
        subscribers.add(subscriber);
    }

    /** Whether the listening connection is up; while it is not, the cache reads through. */
    public boolean isListening() {
        return listening;
    }

    /**
     * Stops listening and waits for the thread, at most a few seconds: the listening connection is
     * aborted, so that the thread does not wait out its poll for notifications (a command of the CLI
     * ends that much sooner).
     */
    @Override
    public void close() {
        stopping.countDown();
        Connection listeningOn = current;
        if (listeningOn != null) {
            try {
                listeningOn.abort(Runnable::run);
            } catch (SQLException e) {
                log.debug("could not abort the listening connection: {}", e.getMessage());
            }
        }
        try {
            if (!thread.join(STOP_TIMEOUT)) {
                log.warn("placement listener did not stop within {} s", STOP_TIMEOUT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean stopping() {
        return stopping.getCount() == 0;
    }

    private void run() {
        long backoff = FIRST_BACKOFF_MILLIS;
        int failures = 0;
        while (!stopping()) {
            try (Connection connection = connector.connect()) {
                current = connection;
                if (stopping()) {
                    break; // closed while connecting: close() saw no connection to abort
                }
                listen(connection);
                cache.coherent(true);
                listening = true;
                resync();
                if (failures > 0) {
                    log.info(
                            "placement listener is back after {} failed attempts; cached placements were dropped",
                            failures);
                }
                failures = 0;
                backoff = FIRST_BACKOFF_MILLIS;
                receive(connection);
            } catch (SQLException | RuntimeException e) {
                if (stopping()) {
                    break;
                }
                failures++;
                if (failures == 1 || failures % LOG_EVERY == 0) {
                    log.warn(
                            "placement listener lost the control database ({}); placements are read through until it is back "
                                    + "(while it does not answer, the last known ones are served), next attempt in {} ms (failure {})",
                            firstLine(e),
                            backoff,
                            failures);
                }
            } finally {
                current = null;
                listening = false;
                cache.coherent(false);
            }
            if (pause(backoff)) {
                break;
            }
            backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
        }
        log.debug("placement listener stopped");
    }

    private void listen(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET application_name = '" + APPLICATION_NAME + "'");
            statement.execute("LISTEN " + CHANNEL);
            for (Channel channel : channels) {
                statement.execute("LISTEN " + channel.name());
            }
        }
    }

    private void resync() {
        for (Channel channel : channels) {
            channel.resync().run();
        }
    }

    private void receive(Connection connection) throws SQLException {
        PGConnection postgres = connection.unwrap(PGConnection.class);
        long lastHeard = System.nanoTime();
        while (!stopping()) {
            PGNotification[] batch = postgres.getNotifications(POLL_MILLIS);
            if (batch != null && batch.length > 0) {
                dispatch(batch);
                lastHeard = System.nanoTime();
            } else if (System.nanoTime() - lastHeard > PING_AFTER.toNanos()) {
                if (!connection.isValid((int) PING_AFTER.toSeconds())) {
                    throw new SQLException("the control database stopped answering the listening connection", "08006");
                }
                lastHeard = System.nanoTime();
            }
        }
    }

    private void dispatch(PGNotification[] batch) {
        // A burst of changes to one tenant (a user change marks and clears directory_dirty) is one event.
        Set<UUID> tenants = new LinkedHashSet<>();
        for (PGNotification notification : batch) {
            Optional<Channel> other = channels.stream()
                    .filter(channel -> channel.name().equals(notification.getName()))
                    .findFirst();
            if (other.isPresent()) {
                other.get().consumer().accept(notification.getParameter());
            } else {
                parse(notification.getParameter()).ifPresent(tenants::add);
            }
        }
        for (UUID tenant : tenants) {
            cache.invalidate(tenant);
            for (Consumer<UUID> subscriber : subscribers) {
                try {
                    subscriber.accept(tenant);
                } catch (RuntimeException e) {
                    log.warn("placement subscriber {} failed for tenant {}: {}", subscriber, tenant, e.getMessage(), e);
                }
            }
        }
    }

    private static Optional<UUID> parse(String payload) {
        try {
            return Optional.of(UUID.fromString(payload.trim()));
        } catch (IllegalArgumentException e) {
            log.warn("ignored a notification on {} whose payload is not a tenant id: '{}'", CHANNEL, payload);
            return Optional.empty();
        }
    }

    /** Waits before the next attempt; returns true when the listener is stopping. */
    private boolean pause(long millis) {
        try {
            return stopping.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private static String firstLine(Exception e) {
        String message = e.getMessage();
        return message == null
                ? e.getClass().getSimpleName()
                : message.lines().findFirst().orElse(message);
    }
}
