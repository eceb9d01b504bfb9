package io.silo.postgres.pool;

import static io.silo.postgres.pool.TenantDatabases.cluster;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.silo.cluster.Cluster;
import io.silo.config.SiloConfig;
import io.silo.error.SiloException;
import io.silo.postgres.pool.TenantDatabases.TenantDatabase;
import io.silo.testing.TestPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The budget under load, as the server counts connections: many tenants, few permits, many
 * concurrent requests.
 */
class ConnectionBudgetTest {
    private static final Logger log = LoggerFactory.getLogger(ConnectionBudgetTest.class);
    private static final TestPostgres SERVER = TestPostgres.primary();
    private static final int BUDGET = 5;
    private static final int DATABASES = 40;
    private static final int THREADS = 64;
    private static final int REQUESTS_PER_THREAD = 15;

    @Test
    void budgetIsNeverExceededWhileManyTenantsCompeteForIt() throws Exception {
        List<TenantDatabase> tenants = new ArrayList<>();
        for (int i = 0; i < DATABASES; i++) {
            tenants.add(TenantDatabases.create(SERVER, "hammer"));
        }
        List<String> roles = tenants.stream().map(TenantDatabase::role).toList();
        Cluster primary = cluster("primary", SERVER, BUDGET);
        // A generous acquire timeout: this test is about the cap, not about timeouts, and CPU here is shared.
        SiloConfig.Pools config = new SiloConfig.Pools(2, 1000, Duration.ofSeconds(60), Duration.ofSeconds(30), 80);

        try (PoolRegistry pools = PoolRegistry.open(config, new SimpleMeterRegistry());
                Sampler sampler = Sampler.start(roles)) {
            Map<String, LongAdder> failures = new ConcurrentHashMap<>();
            AtomicInteger served = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                workers.add(Thread.ofVirtual().name("hammer-", t).start(() -> {
                    for (int r = 0; r < REQUESTS_PER_THREAD; r++) {
                        TenantDatabase tenant =
                                tenants.get(ThreadLocalRandom.current().nextInt(tenants.size()));
                        try (Connection connection = pools.connection(tenant.target(primary));
                                Statement statement = connection.createStatement()) {
                            statement.execute("SELECT pg_sleep(0.002)");
                            served.incrementAndGet();
                        } catch (SiloException e) {
                            if (e.getMessage().contains("this one was not queued")) {
                                // a database whose line of waiting requests is full refuses more: bounded, not a
                                // failure
                                refused.incrementAndGet();
                                continue;
                            }
                            log.warn("request failed: {}", e.getMessage());
                            failures.computeIfAbsent(e.type(), type -> new LongAdder())
                                    .increment();
                        } catch (SQLException e) {
                            failures.computeIfAbsent("sql " + e.getSQLState(), type -> new LongAdder())
                                    .increment();
                        }
                    }
                }));
            }
            for (Thread worker : workers) {
                assertThat(worker.join(Duration.ofMinutes(3)))
                        .as("worker %s finished: no request hung", worker.getName())
                        .isTrue();
            }
            sampler.stop();

            PoolStats stats = pools.stats("primary").orElseThrow();
            log.info(
                    "budget {}: {} requests served, max {} server connections seen in {} samples; {} budget waits, {} reclaimed, "
                            + "{} pools opened, {} refused at once (a full line), failures {}",
                    BUDGET,
                    served.get(),
                    sampler.max(),
                    sampler.samples(),
                    stats.budgetWaits(),
                    stats.reclaimed(),
                    stats.poolsOpened(),
                    refused.get(),
                    failures);
            assertThat(sampler.samples()).isGreaterThan(10);
            assertThat(sampler.max())
                    .as("server connections of the tenant roles, at most the budget")
                    .isLessThanOrEqualTo(BUDGET);
            assertThat(failures).isEmpty();
            assertThat(served.get() + refused.get()).isEqualTo(THREADS * REQUESTS_PER_THREAD);
            assertThat(refused.get())
                    .as("refused at once: a few at most")
                    .isLessThan(THREADS * REQUESTS_PER_THREAD / 20);
            assertThat(stats.budgetWaits()).as("requests waited for the budget").isPositive();
            assertThat(stats.reclaimed())
                    .as("idle connections were reclaimed for other tenants")
                    .isPositive();
            assertThat(stats.connections()).isLessThanOrEqualTo(BUDGET);
        }
    }

    /** Counts the tenant roles' backends in pg_stat_activity, as often as it can, on one connection of its own. */
    private static final class Sampler implements AutoCloseable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicInteger max = new AtomicInteger();
        private final AtomicInteger samples = new AtomicInteger();
        private final Thread thread;
        private final Connection connection;
        private final PreparedStatement count;

        private Sampler(List<String> roles) throws SQLException {
            this.connection = SERVER.connect("postgres");
            this.count =
                    connection.prepareStatement("SELECT count(*)::int FROM pg_stat_activity WHERE usename = ANY (?)");
            count.setArray(1, connection.createArrayOf("text", roles.toArray()));
            this.thread = Thread.ofPlatform().name("backend-sampler").start(this::run);
        }

        static Sampler start(List<String> roles) throws SQLException {
            return new Sampler(roles);
        }

        private void run() {
            while (running.get()) {
                try (ResultSet rows = count.executeQuery()) {
                    rows.next();
                    int backends = rows.getInt(1);
                    max.accumulateAndGet(backends, Math::max);
                    samples.incrementAndGet();
                    if (backends > BUDGET) {
                        log.warn("{} backends of the tenant roles, budget {}", backends, BUDGET);
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
        }

        void stop() {
            running.set(false);
            try {
                thread.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        int max() {
            return max.get();
        }

        int samples() {
            return samples.get();
        }

        @Override
        public void close() throws SQLException {
            stop();
            count.close();
            connection.close();
        }
    }
}
