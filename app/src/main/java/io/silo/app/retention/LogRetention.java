package io.silo.app.retention;

import io.silo.config.SiloConfig;
import io.silo.postgres.cluster.ClusterAdmins;
import io.silo.postgres.control.TenantStore;
import io.silo.postgres.control.TenantStore.ServiceOfTenant;
import io.silo.postgres.jdbc.Jdbc;
import io.silo.postgres.job.Leases;
import io.silo.template.ServiceTemplate;
import io.silo.template.TemplateCatalog;
import io.silo.tenant.TenantDatabase;
import io.silo.tenant.TenantStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Purges log rows older than {@code retention.activity} from every tenant database's {@code
 * silo_activity} and older than {@code retention.audit} from the control database's {@code
 * audit_log}. Rows go {@code retention.batchSize} per statement, each statement its own transaction,
 * with {@code retention.pause} between: no long locks, no WAL flood, and a purge stopped half-way
 * has removed only old rows. Tenant databases are reached on administrative connections (the
 * tenants' own roles may not delete their activity, and their pools are left to their requests).
 * The {@code retention} lease lets one instance purge at a time.
 *
 * <p>Thread-safe; {@link #close()} stops the schedule.
 */
public final class LogRetention implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LogRetention.class);
    private static final String LEASE = "retention";
    private static final Duration LEASE_TIME = Duration.ofMinutes(10);
    private static final int DATABASES_PER_PAGE = 100;

    private final SiloConfig.Retention config;
    private final Jdbc control;
    private final TenantStore tenants;
    private final ClusterAdmins admins;
    private final TemplateCatalog templates;
    private final Leases leases;
    private final Clock clock;
    private final String holder;
    private volatile Thread schedule;

    public LogRetention(
            SiloConfig.Retention config,
            Jdbc control,
            TenantStore tenants,
            ClusterAdmins admins,
            TemplateCatalog templates,
            Leases leases,
            Clock clock,
            String holder) {
        this.config = config;
        this.control = control;
        this.tenants = tenants;
        this.admins = admins;
        this.templates = templates;
        this.leases = leases;
        this.clock = clock;
        this.holder = holder;
    }

    /**
     * What one purge did: rows removed, statements issued and the most rows one statement removed;
     * {@code ran} is false when another instance held the lease.
     */
    public record Purge(boolean ran, long auditRows, long activityRows, int statements, int largestBatch) {
        static final Purge SKIPPED = new Purge(false, 0, 0, 0, 0);

        Purge plus(long audit, long activity, int moreStatements, int batch) {
            return new Purge(
                    true,
                    auditRows + audit,
                    activityRows + activity,
                    statements + moreStatements,
                    Math.max(largestBatch, batch));
        }
    }

    /** Starts purging every {@code retention.interval}, the first time after one interval. */
    public synchronized LogRetention start() {
        schedule = Thread.ofVirtual().name("log-retention").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(config.interval());
                    purge();
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    log.warn("log retention failed; trying again in {}: {}", config.interval(), e.getMessage());
                }
            }
        });
        return this;
    }

    /** Purges once now, unless another instance is purging. */
    public Purge purge() throws InterruptedException {
        if (!leases.tryAcquire(LEASE, holder, LEASE_TIME)) {
            return Purge.SKIPPED;
        }
        try {
            Instant now = clock.instant();
            Purge done = new Purge(true, 0, 0, 0, 0);
            if (SiloConfig.Retention.purges(config.audit())) {
                done = purgeAudit(done, now.minus(config.audit()));
            }
            if (SiloConfig.Retention.purges(config.activity())) {
                done = purgeActivity(done, now.minus(config.activity()));
            }
            if (done.auditRows() + done.activityRows() > 0) {
                log.info(
                        "log retention removed {} audit log rows and {} tenant activity rows in {} statements",
                        done.auditRows(),
                        done.activityRows(),
                        done.statements());
            }
            return done;
        } finally {
            leases.release(LEASE, holder);
        }
    }

    private Purge purgeAudit(Purge done, Instant before) throws InterruptedException {
        while (true) {
            int removed = control.update(
                    "DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < ? ORDER BY id LIMIT ?)",
                    before,
                    config.batchSize());
            done = done.plus(removed, 0, 1, removed);
            if (removed < config.batchSize()) {
                return done;
            }
            pause();
        }
    }

    private Purge purgeActivity(Purge done, Instant before) throws InterruptedException {
        List<String> services =
                templates.all().stream().map(ServiceTemplate::service).toList();
        Optional<ServiceOfTenant> after = Optional.empty();
        while (true) {
            List<ServiceOfTenant> page = tenants.readyDatabases(
                    // a suspended organization's log ages like any other: it is read on administrative connections
                    List.of(TenantStatus.ACTIVE, TenantStatus.SUSPENDED), services, after, DATABASES_PER_PAGE);
            for (ServiceOfTenant database : page) {
                Optional<TenantDatabase> found =
                        tenants.find(database.tenantId()).flatMap(tenant -> tenant.database(database.service()));
                if (found.isPresent()) {
                    done = purgeActivity(done, found.get(), before);
                }
            }
            if (page.size() < DATABASES_PER_PAGE) {
                return done;
            }
            after = Optional.of(page.getLast());
        }
    }

    private Purge purgeActivity(Purge done, TenantDatabase database, Instant before) throws InterruptedException {
        try (Connection connection = admins.of(database.clusterId()).connect(database.databaseName());
                PreparedStatement delete = connection.prepareStatement(
                        "DELETE FROM silo_activity WHERE id IN (SELECT id FROM silo_activity WHERE at < ? ORDER BY id LIMIT ?)")) {
            if (!hasActivity(connection)) {
                return done;
            }
            delete.setTimestamp(1, Timestamp.from(before));
            delete.setInt(2, config.batchSize());
            while (true) {
                int removed = delete.executeUpdate();
                done = done.plus(0, removed, 1, removed);
                if (removed < config.batchSize()) {
                    return done;
                }
                leases.renew(LEASE, holder, LEASE_TIME);
                pause();
            }
        } catch (SQLException e) {
            log.warn(
                    "log retention skipped database {} on cluster {}: {}",
                    database.databaseName(),
                    database.clusterId(),
                    e.getMessage());
            return done;
        }
    }

    private static boolean hasActivity(Connection connection) throws SQLException {
        try (var statement = connection.createStatement();
                var rows = statement.executeQuery("SELECT to_regclass('silo_activity') IS NOT NULL")) {
            return rows.next() && rows.getBoolean(1);
        }
    }

    private void pause() throws InterruptedException {
        if (!config.pause().isZero()) {
            Thread.sleep(config.pause());
        }
    }

    @Override
    public synchronized void close() {
        Thread thread = schedule;
        if (thread == null) {
            return;
        }
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
