package io.silo.bench.stack;

import io.silo.bench.system.ProcFs;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Samples, every 100 ms for as long as Silo runs: the server connections of tenant roles
 * ({@code pg_stat_activity} backends whose role starts with {@code silo_t_}, the ones the
 * connection budget caps) and all client backends; Silo's resident memory; and every 500 ms the
 * connections Silo itself counts. Keeps the maxima of the whole run, and of each {@link Window}
 * opened on it.
 *
 * <p>Thread-safe.
 */
public final class Sampler implements AutoCloseable {
    private static final long PERIOD_MILLIS = 100;
    private static final String BACKENDS = "SELECT count(*) FILTER (WHERE usename LIKE 'silo\\_t\\_%'),"
            + " count(*) FILTER (WHERE backend_type = 'client backend') FROM pg_stat_activity";

    private final Connection connection;
    private final long siloPid;
    private final Supplier<Optional<PoolFigures>> pools;
    private final Window whole = new Window();
    private final List<Window> open = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Optional<String> failure = Optional.empty();

    /** The maxima seen while a window was open. */
    public static final class Window {
        private final AtomicLong tenantBackends = new AtomicLong();
        private final AtomicLong clientBackends = new AtomicLong();
        private final AtomicLong siloConnections = new AtomicLong();
        private final AtomicLong residentBytes = new AtomicLong();
        private final AtomicLong samples = new AtomicLong();

        void take(long tenants, long clients, long rss) {
            tenantBackends.accumulateAndGet(tenants, Math::max);
            clientBackends.accumulateAndGet(clients, Math::max);
            residentBytes.accumulateAndGet(rss, Math::max);
            samples.incrementAndGet();
        }

        void takeSiloConnections(long connections) {
            siloConnections.accumulateAndGet(connections, Math::max);
        }

        public long maxTenantBackends() {
            return tenantBackends.get();
        }

        public long maxClientBackends() {
            return clientBackends.get();
        }

        public long maxSiloConnections() {
            return siloConnections.get();
        }

        public long maxResidentBytes() {
            return residentBytes.get();
        }

        public long samples() {
            return samples.get();
        }
    }

    /**
     * @param connection a connection of its own, as a role that sees every backend
     * @param pools Silo's pool figures, read over HTTP
     */
    public Sampler(Connection connection, long siloPid, Supplier<Optional<PoolFigures>> pools) {
        this.connection = connection;
        this.siloPid = siloPid;
        this.pools = pools;
        this.thread = Thread.ofPlatform().daemon().name("bench-sampler").start(this::loop);
    }

    /** Starts collecting maxima until {@link #close(Window)}. */
    public Window open() {
        Window window = new Window();
        open.add(window);
        return window;
    }

    public void close(Window window) {
        open.remove(window);
    }

    /** The maxima since Silo started. */
    public Window whole() {
        return whole;
    }

    /** Why sampling stopped early, if it did. */
    public Optional<String> failure() {
        return failure;
    }

    private void loop() {
        long tick = 0;
        try (Statement statement = connection.createStatement()) {
            while (running) {
                long tenants;
                long clients;
                try (ResultSet row = statement.executeQuery(BACKENDS)) {
                    row.next();
                    tenants = row.getLong(1);
                    clients = row.getLong(2);
                }
                long rss = ProcFs.residentBytes(siloPid).orElse(0L);
                whole.take(tenants, clients, rss);
                open.forEach(window -> window.take(tenants, clients, rss));
                if (tick++ % 5 == 0) {
                    pools.get().ifPresent(figures -> {
                        whole.takeSiloConnections(figures.connections());
                        open.forEach(window -> window.takeSiloConnections(figures.connections()));
                    });
                }
                Thread.sleep(PERIOD_MILLIS);
            }
        } catch (SQLException e) {
            failure = Optional.of("sampling pg_stat_activity failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(5_000);
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException e) {
            // the run is over
        }
    }
}
