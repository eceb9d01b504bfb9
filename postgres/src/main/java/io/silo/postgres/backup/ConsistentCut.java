package io.silo.postgres.backup;

import io.silo.postgres.cluster.ClusterAdmins;
import io.silo.postgres.jdbc.DataAccessException;
import io.silo.tenant.DatabaseState;
import io.silo.tenant.Tenant;
import io.silo.tenant.TenantDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A tenant-wide consistent cut: while every database's snapshot is opened, no write transaction is
 * open on any of the tenant's tables. {@link Hold#take} locks every table of every one of the
 * tenant's databases in {@code SHARE} mode, each database on a connection of its own: a lock is
 * granted once the write transactions already running on its table end, and a new write waits
 * for it. With all of them held, the snapshots opened next see the same instant in every database;
 * {@link Hold#release} then lets the waiting writes go on. Writes wait for the time the snapshots
 * take to open (milliseconds), not for the backup's reading.
 *
 * <p>A writer holding one table and wanting another that the cut holds already ends in a deadlock
 * that PostgreSQL resolves by cancelling one side; a lock not granted within {@link #LOCK_TIMEOUT}
 * fails the backup, which may be run again.
 *
 * <p>Thread-safe; a {@link Hold} is not.
 */
public final class ConsistentCut {
    static final String LOCK_TIMEOUT = "5s";

    private final ClusterAdmins clusters;

    public ConsistentCut(ClusterAdmins clusters) {
        this.clusters = clusters;
    }

    /** A cut of {@code tenant}'s databases, not yet taken. */
    public Hold hold(Tenant tenant) {
        return new Hold(tenant.databases().stream()
                .filter(database ->
                        database.state() == DatabaseState.READY || database.state() == DatabaseState.WRITE_FENCED)
                .toList());
    }

    /** The locks of one cut. */
    public final class Hold {
        private final List<TenantDatabase> databases;
        private final List<Connection> held = new ArrayList<>();

        private Hold(List<TenantDatabase> databases) {
            this.databases = databases;
        }

        /** Locks every table of every database; on failure releases what it took. */
        public void take() {
            try {
                for (TenantDatabase database : databases) {
                    Connection connection = clusters.of(database.clusterId()).connect(database.databaseName());
                    held.add(connection);
                    connection.setAutoCommit(false);
                    try (var statement = connection.createStatement()) {
                        statement.execute("SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'");
                        statement.execute("""
                                DO $$ DECLARE t record; BEGIN
                                  FOR t IN SELECT c.oid::regclass AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                                           WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname LOOP
                                    EXECUTE format('LOCK TABLE %s IN SHARE MODE', t.name);
                                  END LOOP; END $$""");
                    }
                }
            } catch (SQLException e) {
                release();
                throw new DataAccessException("(lock the tenant's tables for a consistent backup)", e);
            }
        }

        /** Ends the locking transactions. */
        public void release() {
            for (Connection connection : held) {
                try (connection) {
                    connection.rollback();
                } catch (SQLException ignored) {
                    // closing the connection ends its transaction and its locks anyway
                }
            }
            held.clear();
        }
    }
}
