package io.silo.bench.stack;

import io.silo.bench.system.CpuSplit;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What the system did during one measured window.
 *
 * @param maxTenantBackends most server connections of tenant roles seen at once (sampled every 100 ms)
 * @param maxClientBackends most client backends of any role seen at once
 * @param maxSiloConnections most connections Silo counted itself (sampled every 500 ms)
 * @param maxResidentBytes Silo's largest resident memory
 * @param cpu where the CPU time went; empty without {@code /proc}
 * @param pools what the pools did in the window (counters) and how they ended it (gauges)
 * @param ioPressure the share of the window that some task waited for the disk; empty without
 *     {@code /proc/pressure/io}
 */
public record PhaseFigures(
        long maxTenantBackends,
        long maxClientBackends,
        long maxSiloConnections,
        long maxResidentBytes,
        Optional<CpuSplit> cpu,
        Optional<PoolFigures> pools,
        OptionalDouble ioPressure) {}
