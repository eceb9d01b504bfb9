package io.silo.bench.report;

import io.silo.bench.load.WrkOutput;
import io.silo.bench.stack.PhaseFigures;

/**
 * Routed reads under {@code wrk}: what wrk reported, and what the system did meanwhile. wrk's own
 * CPU is under "other" in the split: it is not the benchmark's process.
 *
 * @param output wrk's figures
 * @param connections wrk's connections ({@code -c})
 * @param system the system over the measured run
 */
public record WrkPhase(WrkOutput output, int connections, PhaseFigures system) {}
