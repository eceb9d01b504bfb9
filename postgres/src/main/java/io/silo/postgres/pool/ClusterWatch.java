package io.silo.postgres.pool;

import io.silo.cluster.Cluster;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a cluster answers. A connection attempt that fails the way every other would (refused,
 * unreachable, no answer within the connect timeout, the server starting or stopping) marks it
 * <em>down</em>: requests for its tenants are refused at once, and a probe logs in to it in the
 * background every {@link #PROBE_EVERY} until it answers, which marks it up again. No request ever
 * waits for a probe, and no request is the probe.
 *
 * <p>The probe logs in with the cluster's administrative role to its maintenance database. Any
 * answer of the server counts, a refused password or a full server too: the question is whether it
 * answers, not whether that role may work.
 *
 * <p>Thread-safe; the up state, the common case, is one volatile read.
 */
final class ClusterWatch {
    private static final Logger log = LoggerFactory.getLogger(ClusterWatch.class);

    /** The pause between two probes of a cluster that is down. */
    static final Duration PROBE_EVERY = Duration.ofMillis(500);

    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    /** Why and since when the cluster is down. */
    private record Outage(String reason, long sinceNanos) {}

    private final Cluster cluster;
    private final PGSimpleDataSource probe = new PGSimpleDataSource();
    private final ScheduledExecutorService scheduler;
    private final ThreadFactory threads;
    private final Runnable onDown;
    private volatile Outage outage;

    /**
     * @param onDown runs once each time the cluster goes down, before any probe: what was connected
     *               to it is suspect
     */
    ClusterWatch(Cluster cluster, PoolSettings settings, Runnable onDown) {
        this.cluster = cluster;
        this.scheduler = settings.housekeeper();
        this.threads = settings.threads();
        this.onDown = onDown;
        int seconds = settings.connectTimeoutSeconds();
        probe.setURL(cluster.url());
        probe.setUser(cluster.user());
        probe.setPassword(cluster.password());
        probe.setConnectTimeout(seconds);
        probe.setSocketTimeout(seconds);
        probe.setLoginTimeout(seconds);
        probe.setApplicationName("silo-probe");
    }

    boolean isDown() {
        return outage != null;
    }

    /** Why the cluster is down; empty while it is up. */
    String reason() {
        Outage now = outage;
        return now == null ? "" : now.reason();
    }

    /** When a refused request may try again: about when the next probe has told. */
    Duration retryAfter() {
        return RETRY_AFTER;
    }

    /** A connection attempt failed as described in the class comment: the cluster is down until a probe gets an answer. */
    void down(String reason) {
        synchronized (this) {
            if (outage != null) {
                return;
            }
            outage = new Outage(reason, System.nanoTime());
        }
        log.warn(
                "cluster {} is unreachable: {}; requests for its tenants fail at once until a probe (every {} ms) gets an answer",
                cluster.id(),
                reason,
                PROBE_EVERY.toMillis());
        onDown.run();
        scheduleProbe();
    }

    private void scheduleProbe() {
        try {
            // the probe may block for the connect timeout: on a thread of its own, not the shared scheduler's
            scheduler.schedule(
                    () -> threads.newThread(this::probe).start(), PROBE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("cluster {} is not probed any more: the pools are closing", cluster.id());
        }
    }

    private void probe() {
        Optional<Failure> failure;
        try {
            failure = login();
        } catch (RuntimeException | Error e) {
            scheduleProbe(); // whatever went wrong, the cluster is still down: the probing must go on
            throw e;
        }
        if (failure.isPresent() && failure.get().kind() == Failure.Kind.CLUSTER_DOWN) {
            synchronized (this) {
                if (outage != null) {
                    outage = new Outage(failure.get().message(), outage.sinceNanos());
                }
            }
            scheduleProbe();
            return;
        }
        Outage ended;
        synchronized (this) {
            // under the lock of down(): a failure reported meanwhile is either before (and ends here) or after
            ended = outage;
            outage = null;
        }
        if (ended != null) {
            log.info(
                    "cluster {} answers again, after {} ms unreachable",
                    cluster.id(),
                    TenantPool.millisSince(ended.sinceNanos()));
        }
    }

    private Optional<Failure> login() {
        try {
            Connection connection = probe.getConnection();
            connection.close();
            return Optional.empty();
        } catch (SQLException | RuntimeException e) {
            return Optional.of(Failure.of(e));
        }
    }
}
