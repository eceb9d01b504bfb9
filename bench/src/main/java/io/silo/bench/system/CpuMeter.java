package io.silo.bench.system;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * Takes CPU snapshots of the machine and of the processes under test, and turns two of them into a
 * {@link CpuSplit}.
 *
 * <p>Thread-safe: immutable.
 */
public final class CpuMeter {
    private final long siloPid;
    private final OptionalLong postgresPid;
    private final long selfPid = ProcessHandle.current().pid();

    /**
     * @param siloPid the process id of Silo's JVM
     * @param postgresPid the postmaster's process id, when PostgreSQL runs on this machine and we know it
     */
    public CpuMeter(long siloPid, OptionalLong postgresPid) {
        this.siloPid = siloPid;
        this.postgresPid = postgresPid;
    }

    /** CPU ticks used so far, by whom. */
    public record Snapshot(
            long nanos, long machineTotal, long machineBusy, long silo, Optional<Long> postgres, long generator) {}

    /** Empty without {@code /proc}. */
    public Optional<Snapshot> snapshot() {
        return ProcFs.machine()
                .map(machine -> new Snapshot(
                        System.nanoTime(),
                        machine.total(),
                        machine.busy(),
                        ProcFs.processTicks(siloPid).orElse(0L),
                        postgresPid.isPresent() ? ProcFs.treeTicks(postgresPid.getAsLong()) : Optional.empty(),
                        ProcFs.processTicks(selfPid).orElse(0L)));
    }

    /** What happened between two snapshots. */
    public static CpuSplit between(Snapshot from, Snapshot to) {
        double total = Math.max(1, to.machineTotal() - from.machineTotal());
        double silo = (to.silo() - from.silo()) / total;
        Optional<Double> postgres =
                from.postgres().flatMap(start -> to.postgres().map(end -> (end - start) / total));
        double generator = (to.generator() - from.generator()) / total;
        double busy = (to.machineBusy() - from.machineBusy()) / total;
        double other = Math.max(0, busy - silo - generator - postgres.orElse(0.0));
        return new CpuSplit(silo, postgres, generator, other, Math.max(0, 1 - busy));
    }
}
