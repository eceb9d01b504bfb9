package io.silo.bench.backup;

import io.silo.bench.stack.HotSpots;
import io.silo.bench.system.Machine;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Everything a backup benchmark run measured, for its report. Immutable.
 *
 * @param startedAt when the run began
 * @param commit the code under test
 * @param machine the machine, its load average when the run began
 * @param postgres the server's version and settings
 * @param organization the organization's slug and its databases
 * @param invoices documents in its collection
 * @param databaseBytes its databases together ({@code pg_database_size}), after filling and vacuuming
 * @param steps the timed steps, in the order they ran
 * @param profiles the hot spots of an extra, unmeasured backup and restore under JFR, when asked for
 * @param fillSeconds how long filling the collection took (not a measured figure)
 * @param endLoadAverage the machine's one-minute load average when the last step ended
 */
public record BackupFigures(
        Instant startedAt,
        String commit,
        Machine machine,
        String postgres,
        String organization,
        List<String> databases,
        long invoices,
        long databaseBytes,
        List<Step> steps,
        List<Profile> profiles,
        double fillSeconds,
        double endLoadAverage) {

    public BackupFigures {
        databases = List.copyOf(databases);
        steps = List.copyOf(steps);
        profiles = List.copyOf(profiles);
    }

    /** Where the CLI's JVM spent its CPU in one command run under JFR. */
    public record Profile(String command, HotSpots hotSpots) {}

    /**
     * One timed step.
     *
     * @param tool what ran, e.g. {@code silo backup}
     * @param seconds wall-clock time of the processes, start to exit
     * @param ownSeconds the time the tool reported itself (Silo's, without its JVM's start), when it does
     * @param archiveBytes the archive written or read
     * @param databaseBytes the databases read or written ({@code pg_database_size})
     * @param documents documents found in the restored copy, for restores
     * @param loadAverage the machine's one-minute load average when the step started
     * @param toolCpuSeconds CPU time of the programs the step ran (the Silo CLI's JVM, {@code pg_dump}, …)
     * @param postgresCpuSeconds CPU time of PostgreSQL (postmaster and backends) during the step, when measured
     */
    public record Step(
            String tool,
            double seconds,
            Optional<Double> ownSeconds,
            long archiveBytes,
            long databaseBytes,
            Optional<Long> documents,
            double loadAverage,
            double toolCpuSeconds,
            Optional<Double> postgresCpuSeconds) {

        /** Megabytes of the databases per second. */
        public double databaseMegabytesPerSecond() {
            return databaseBytes / 1048576.0 / seconds;
        }

        /** Megabytes of the archive per second. */
        public double archiveMegabytesPerSecond() {
            return archiveBytes / 1048576.0 / seconds;
        }
    }
}
