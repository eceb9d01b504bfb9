package io.silo.postgres.cluster;

import io.silo.cluster.Cluster;
import io.silo.config.SiloConfig.AutovacuumTuning;
import io.silo.postgres.control.ClusterStore;
import io.silo.postgres.jdbc.DataAccessException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code autovacuum_naptime} of Silo's servers scaled to their number of databases.
 *
 * <p>PostgreSQL's autovacuum launcher starts a worker in one database every naptime ÷ databases: with
 * its default minute and 2,000 tenant databases, a forked process every 30 ms that connects, reads the
 * catalog and the statistics, and in an idle tenant's database finds nothing to do. On this project's
 * benchmark machine that cost 2.5 to 5 % of a core per 1,000 databases at rest (docs/operations.md has
 * the figures). Silo keeps the launcher to {@linkplain #naptimeFor two worker starts a second} at most;
 * a database then waits longer between two visits (8 minutes with 1,000 databases), which a tenant's
 * small tables afford, and a database near transaction-id wraparound is still taken first.
 *
 * <p>Every {@link #EVERY} and at start, for each cluster it may tune ({@link AutovacuumTuning}): the
 * databases are counted and the naptime set when it is more than a tenth away from the scaled one. A
 * role without the right to {@code ALTER SYSTEM} and {@code pg_reload_conf()} is told once in the log
 * what to set, and left alone. A disabled cluster is skipped; one that fails is tried again next round.
 *
 * <p>Thread-safe; {@link #close()} stops it.
 */
public final class AutovacuumTuner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AutovacuumTuner.class);
    /** How often the databases are counted again. */
    static final Duration EVERY = Duration.ofMinutes(2);

    private static final Duration PER_DATABASE = Duration.ofMillis(500);
    private static final Duration FLOOR = Duration.ofMinutes(1);
    private static final Duration CEILING = Duration.ofHours(1);
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    private final ClusterStore clusters;
    private final ClusterAdmins admins;
    private final AutovacuumTuning tuning;
    private final boolean primaryEmbedded;
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    private volatile Thread thread;

    /**
     * A tuner that does nothing until {@link #start()} or {@link #tune()}.
     *
     * @param primaryEmbedded whether the primary cluster is the embedded server, which Silo owns
     */
    public AutovacuumTuner(
            ClusterStore clusters, ClusterAdmins admins, AutovacuumTuning tuning, boolean primaryEmbedded) {
        this.clusters = clusters;
        this.admins = admins;
        this.tuning = tuning;
        this.primaryEmbedded = primaryEmbedded;
    }

    /** Tunes now and every {@link #EVERY} until {@link #close()}. */
    public AutovacuumTuner start() {
        thread = Thread.ofVirtual().name("autovacuum-tuner").start(this::run);
        return this;
    }

    /** The naptime for a server of {@code databases}: half a second each, from PostgreSQL's minute to an hour. */
    public static Duration naptimeFor(int databases) {
        Duration scaled = PER_DATABASE.multipliedBy(databases);
        return scaled.compareTo(FLOOR) < 0 ? FLOOR : scaled.compareTo(CEILING) > 0 ? CEILING : scaled;
    }

    /**
     * One round over the clusters; returns how many servers had their naptime changed. A cluster that
     * fails is logged and left for the next round; the others are tuned all the same.
     */
    public int tune() {
        int changed = 0;
        for (Cluster cluster : clusters.list()) {
            if (!tunes(cluster) || refused.contains(cluster.id())) {
                continue;
            }
            try {
                changed += tune(admins.of(cluster.id())) ? 1 : 0;
            } catch (RuntimeException e) {
                log.warn(
                        "autovacuum tuning of cluster {} failed; trying again in {}: {}",
                        cluster.id(),
                        EVERY,
                        e.getMessage());
            }
        }
        return changed;
    }

    private boolean tunes(Cluster cluster) {
        if ("disabled".equals(cluster.status())) {
            return false;
        }
        return switch (tuning) {
            case OFF -> false;
            case EMBEDDED -> primaryEmbedded && cluster.control();
            case ALL -> true;
        };
    }

    /** Tunes the server of {@code admin}: whether its naptime was changed. */
    boolean tune(ClusterAdmin admin) {
        String id = admin.cluster().id();
        int databases = admin.databaseCount();
        Duration target = naptimeFor(databases);
        Duration current = admin.autovacuumNaptime();
        if (Math.abs(current.toSeconds() - target.toSeconds()) * 10 <= target.toSeconds()) {
            return false;
        }
        try {
            admin.setAutovacuumNaptime(target);
            log.info(
                    "autovacuum_naptime of cluster {} set to {} s for {} databases (was {} s)",
                    id,
                    target.toSeconds(),
                    databases,
                    current.toSeconds());
            return true;
        } catch (DataAccessException e) {
            if (e.sqlState().filter(INSUFFICIENT_PRIVILEGE::equals).isEmpty()) {
                throw e;
            }
            refused.add(id);
            log.warn(
                    "cluster {} has {} databases; its administrative role may not set autovacuum_naptime ({}), so Silo leaves it"
                            + " at {} s. Recommended: ALTER SYSTEM SET autovacuum_naptime = '{}s'; SELECT pg_reload_conf();"
                            + " (docs/operations.md)",
                    id,
                    databases,
                    e.getMessage(),
                    current.toSeconds(),
                    target.toSeconds());
            return false;
        }
    }

    private void run() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                tune();
            } catch (RuntimeException e) {
                log.warn("autovacuum tuning failed; trying again in {}: {}", EVERY, e.getMessage());
            }
            try {
                Thread.sleep(EVERY);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        Thread running = thread;
        if (running == null) {
            return;
        }
        running.interrupt();
        try {
            if (!running.join(Duration.ofSeconds(5))) {
                log.warn("the autovacuum tuner did not stop within 5 s; it ends with the process");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
