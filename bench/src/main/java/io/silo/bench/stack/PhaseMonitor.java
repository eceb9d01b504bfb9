package io.silo.bench.stack;

import io.silo.bench.load.LoadDriver;
import io.silo.bench.system.CpuMeter;
import io.silo.bench.system.IoPressure;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Supplier;

/**
 * Watches the system over one load phase's measuring window: CPU snapshots, pool counters and the
 * disk's pressure at both ends, the sampler's maxima in between.
 *
 * <p>Not thread-safe: one per phase, told by the driver's thread.
 */
public final class PhaseMonitor implements LoadDriver.Window {
    private final CpuMeter cpu;
    private final Sampler sampler;
    private final Supplier<Optional<PoolFigures>> pools;
    private Optional<CpuMeter.Snapshot> cpuAtStart = Optional.empty();
    private Optional<PoolFigures> poolsAtStart = Optional.empty();
    private Sampler.Window window;
    private Optional<IoPressure.Window> disk = Optional.empty();
    private PhaseFigures figures;

    public PhaseMonitor(CpuMeter cpu, Sampler sampler, Supplier<Optional<PoolFigures>> pools) {
        this.cpu = cpu;
        this.sampler = sampler;
        this.pools = pools;
    }

    @Override
    public void opened() {
        poolsAtStart = pools.get();
        window = sampler.open();
        cpuAtStart = cpu.snapshot();
        disk = IoPressure.window();
    }

    @Override
    public void closed() {
        OptionalDouble ioPressure = disk.map(IoPressure.Window::share).orElse(OptionalDouble.empty());
        Optional<CpuMeter.Snapshot> cpuAtEnd = cpu.snapshot();
        sampler.close(window);
        Optional<PoolFigures> poolsAtEnd = pools.get();
        figures = new PhaseFigures(
                window.maxTenantBackends(),
                window.maxClientBackends(),
                window.maxSiloConnections(),
                window.maxResidentBytes(),
                cpuAtStart.flatMap(start -> cpuAtEnd.map(end -> CpuMeter.between(start, end))),
                poolsAtEnd.flatMap(end -> poolsAtStart.map(end::minus)),
                ioPressure);
    }

    /** The figures, once the window closed. */
    public PhaseFigures figures() {
        if (figures == null) {
            throw new IllegalStateException("the measuring window has not closed yet");
        }
        return figures;
    }
}
