package io.silo.bench.backup;

import io.silo.bench.system.ProcFs;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The CPU a step used, from {@code /proc}: the programs the benchmark ran and waited for (the Silo
 * CLI's JVM, {@code pg_dump}, {@code pg_restore}: its reaped children), and PostgreSQL (the
 * postmaster and every process it started, backends included). On a shared machine, wall-clock
 * time includes waiting for the CPU; these do not.
 *
 * @param benchmarkPid this JVM's process id
 * @param postmasterPid PostgreSQL's postmaster, when known
 * @param toolTicks the benchmark's reaped children's ticks when the step began
 * @param postgresTicks PostgreSQL's ticks when the step began
 *
 * <p>Immutable; the process ids are read once.
 */
record CpuWatch(long benchmarkPid, OptionalLong postmasterPid, long toolTicks, Optional<Long> postgresTicks) {

    /** CPU seconds of a finished step. */
    record Used(double tools, Optional<Double> postgres) {}

    static CpuWatch start(OptionalLong postmasterPid) {
        long self = ProcessHandle.current().pid();
        return new CpuWatch(
                self,
                postmasterPid,
                ProcFs.reapedChildrenTicks(self).orElse(0L),
                postmasterPid.isPresent() ? ProcFs.treeTicks(postmasterPid.getAsLong()) : Optional.empty());
    }

    Used stop() {
        long tools = ProcFs.reapedChildrenTicks(benchmarkPid).orElse(toolTicks) - toolTicks;
        Optional<Double> postgres = postgresTicks.flatMap(before -> ProcFs.treeTicks(postmasterPid.getAsLong())
                .map(after -> (after - before) / (double) ProcFs.TICKS_PER_SECOND));
        return new Used(tools / (double) ProcFs.TICKS_PER_SECOND, postgres);
    }
}
