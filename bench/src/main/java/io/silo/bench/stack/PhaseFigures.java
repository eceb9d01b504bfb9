package io.silo.bench.stack;

import io.silo.bench.system.CpuSplit;
import java.util.Optional;

/**
 * What the system did during one measured window.
 *
 * @param maxTenantBackends most server connections of tenant roles seen at once (sampled every 100 ms)
 * @param maxClientBackends most client backends of any role seen at once
 * @param maxSiloConnections most connections Silo counted itself (sampled every 500 ms)
 * @param maxResidentBytes Silo's largest resident memory
 * @param cpu where the CPU time went; empty without {@code /proc}
 * @param pools what the pools did in the window (counters) and how they ended it (gauges)
 */
public record PhaseFigures(
        long maxTenantBackends,
        long maxClientBackends,
        long maxSiloConnections,
        long maxResidentBytes,
        Optional<CpuSplit> cpu,
        Optional<PoolFigures> pools) {}
