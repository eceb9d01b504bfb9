package io.silo.postgres.pool;

import io.silo.config.ConfigException;
import io.silo.config.SiloConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;

/**
 * What every tenant-database pool is built with: the validated configuration and the shared
 * threads.
 *
 * @param maxPerDatabase the most connections of one pool
 * @param acquireTimeout how long a request waits for a connection
 * @param connectionIdleTimeout how long an idle connection stays in a pool that is still used
 * @param housekeeper HikariCP's housekeeping, shared by all pools rather than a thread per pool
 * @param threads where HikariCP runs its connection adders and closers: virtual threads, because
 *                an adder may block on the connection budget
 * @param clock the time of circuits
 * @param rolePasswords where a pool finds its role's password again when a database refuses the one it has
 */
record PoolSettings(
        int maxPerDatabase,
        Duration acquireTimeout,
        Duration connectionIdleTimeout,
        Duration statementTimeout,
        ScheduledExecutorService housekeeper,
        ThreadFactory threads,
        Clock clock,
        RolePasswords rolePasswords) {

    /** HikariCP replaces a connection timeout under 250 ms by its 30 s default; reject it instead. */
    static final Duration MIN_ACQUIRE_TIMEOUT = Duration.ofMillis(250);
    /** HikariCP's bounds for idleTimeout: 10 s at least, and below its 30 min maxLifetime. */
    private static final Duration MIN_CONNECTION_IDLE = Duration.ofSeconds(10);

    private static final Duration MAX_CONNECTION_IDLE = Duration.ofMinutes(10);

    /** From a configuration {@link #validate} accepted (the registry checks it before it starts any thread). */
    static PoolSettings of(
            SiloConfig.Pools config,
            ScheduledExecutorService housekeeper,
            ThreadFactory threads,
            Clock clock,
            RolePasswords rolePasswords) {
        Duration idle = config.idleTimeout();
        if (idle.compareTo(MIN_CONNECTION_IDLE) < 0) {
            idle = MIN_CONNECTION_IDLE;
        } else if (idle.compareTo(MAX_CONNECTION_IDLE) > 0) {
            idle = MAX_CONNECTION_IDLE;
        }
        return new PoolSettings(
                config.maxPerDatabase(),
                config.acquireTimeout(),
                idle,
                config.statementTimeout(),
                housekeeper,
                threads,
                clock,
                rolePasswords);
    }

    static void validate(SiloConfig.Pools config) {
        if (config.acquireTimeout().compareTo(MIN_ACQUIRE_TIMEOUT) < 0) {
            throw new ConfigException(
                    "invalid pools.acquireTimeout = " + config.acquireTimeout().toMillis() + "ms: expected at least "
                            + MIN_ACQUIRE_TIMEOUT.toMillis() + "ms");
        }
        if (config.idleTimeout().isNegative() || config.idleTimeout().isZero()) {
            throw new ConfigException(
                    "invalid pools.idleTimeout = " + config.idleTimeout() + ": expected a positive duration");
        }
        if (config.maxPerDatabase() < 1 || config.maxOpenPools() < 1) {
            throw new ConfigException("invalid pools.maxPerDatabase = " + config.maxPerDatabase()
                    + " or pools.maxOpenPools = " + config.maxOpenPools() + ": expected at least 1");
        }
    }

    /**
     * How long a request's connection waits for the server to answer: the statement timeout, after
     * which the server cancels the statement itself, plus the connect timeout for the cancel to arrive.
     */
    int socketTimeoutMillis() {
        return (int) Math.min(Integer.MAX_VALUE, statementTimeout.toMillis() + 1000L * connectTimeoutSeconds());
    }

    /** Seconds for the driver's connect and login timeouts: the acquire timeout, rounded up. */
    int connectTimeoutSeconds() {
        long millis = acquireTimeout.toMillis();
        return (int) Math.max(1, (millis + 999) / 1000);
    }
}
