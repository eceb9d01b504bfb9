package io.silo.bench.stack;

import io.silo.bench.system.Pause;
import io.silo.bench.system.ProcFs;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * PostgreSQL with no client at all, Silo stopped: what its background work costs with the run's
 * thousands of databases, mostly autovacuum's launcher starting a worker in one database every
 * {@code autovacuum_naptime} ÷ databases. After a checkpoint, measured at PostgreSQL's default of a
 * minute, at the naptime Silo set, and at the default again: right after the load, autovacuum still
 * has real work (the tables the load wrote), which the first window takes most of; the last two
 * compare the launcher's cost alone. On the embedded server only (the figures need the postmaster's
 * process tree, and a server of yours keeps its settings).
 *
 * @param databases the server's databases that accept connections
 * @param measures one per naptime, in the order measured
 */
public record AtRest(int databases, List<Measure> measures) {

    /**
     * PostgreSQL's CPU over a window at one naptime.
     *
     * @param naptime the {@code autovacuum_naptime} in force
     * @param coreShare PostgreSQL's CPU (the postmaster and every process it started, ended ones too),
     *                  as a share of one core
     */
    public record Measure(Duration naptime, double coreShare) {}

    /** PostgreSQL's default {@code autovacuum_naptime}. */
    public static final Duration DEFAULT = Duration.ofMinutes(1);

    public AtRest {
        measures = List.copyOf(measures);
    }

    /**
     * Measures PostgreSQL's default naptime, the one in force, and the default again (only the default
     * when they are the same), each for {@code window} after a few seconds for the launcher to take it
     * up; empty when the postmaster is not on this machine. The naptime in force before is set again
     * at the end.
     */
    public static Optional<AtRest> measure(PostgresServer server, Duration window, Consumer<String> progress)
            throws SQLException {
        if (server.postmasterPid().isEmpty() || ProcFs.machine().isEmpty()) {
            return Optional.empty();
        }
        long postmaster = server.postmasterPid().getAsLong();
        try (Connection connection = server.connect("postgres");
                Statement statement = connection.createStatement()) {
            int databases = integer(statement, "SELECT count(*) FROM pg_database WHERE datallowconn");
            Duration before = naptime(statement);
            try {
                return Optional.of(
                        new AtRest(databases, measure(statement, postmaster, databases, before, window, progress)));
            } finally {
                setNaptime(statement, before);
            }
        }
    }

    private static List<Measure> measure(
            Statement statement,
            long postmaster,
            int databases,
            Duration before,
            Duration window,
            Consumer<String> progress)
            throws SQLException {
        statement.execute("CHECKPOINT");
        List<Measure> measures = new ArrayList<>();
        for (Duration naptime : before.equals(DEFAULT) ? List.of(DEFAULT) : List.of(DEFAULT, before, DEFAULT)) {
            setNaptime(statement, naptime);
            progress.accept("PostgreSQL at rest: " + databases + " databases, autovacuum_naptime " + naptime.toSeconds()
                    + " s, " + window.toSeconds() + " s");
            Pause.sleep(Duration.ofSeconds(5), "PostgreSQL was at rest");
            long start = System.nanoTime();
            long ticks = ProcFs.treeTicks(postmaster).orElseThrow();
            Pause.sleep(window, "PostgreSQL was at rest");
            long used = ProcFs.treeTicks(postmaster).orElseThrow() - ticks;
            double seconds = (System.nanoTime() - start) / 1e9;
            measures.add(new Measure(naptime, used / (double) ProcFs.TICKS_PER_SECOND / seconds));
        }
        return measures;
    }

    private static Duration naptime(Statement statement) throws SQLException {
        return Duration.ofSeconds(
                integer(statement, "SELECT setting::int FROM pg_settings WHERE name = 'autovacuum_naptime'"));
    }

    private static void setNaptime(Statement statement, Duration naptime) throws SQLException {
        statement.execute("ALTER SYSTEM SET autovacuum_naptime = '" + naptime.toSeconds() + "s'");
        statement.execute("SELECT pg_reload_conf()");
    }

    private static int integer(Statement statement, String sql) throws SQLException {
        try (ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getInt(1);
        }
    }
}
