package io.silo.bench.report;

import io.silo.bench.load.LoadResult;
import io.silo.bench.stack.PhaseFigures;
import io.silo.bench.stack.Soak;

/**
 * The soak: routed reads at half the peak for a long while, and what Silo's memory did meanwhile.
 *
 * @param load what the clients measured
 * @param memory Silo's resident memory and heap after a full collection, sampled, with their slopes
 * @param system the system over the whole soak
 */
public record SoakPhase(LoadResult load, Soak.Figures memory, PhaseFigures system) {

    /** How much {@code slope} (bytes per minute) adds over the settled part, as a share of {@code mean}. */
    public static double drift(double slope, double settledMinutes, double mean) {
        return mean <= 0 ? 0 : Math.abs(slope) * settledMinutes / mean;
    }
}
