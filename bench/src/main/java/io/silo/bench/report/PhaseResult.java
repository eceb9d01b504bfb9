package io.silo.bench.report;

import io.silo.bench.load.LoadResult;
import io.silo.bench.stack.PhaseFigures;

/**
 * One load phase: what the clients measured, and what the system did meanwhile.
 *
 * @param kind what the phase stands for in the report and the chart
 */
public record PhaseResult(Kind kind, LoadResult load, PhaseFigures system) {
    /** The phases a run has, in order. */
    public enum Kind {
        BASELINE("raw JDBC baseline"),
        RAW_READS("raw JDBC reads, same budget, LRU"),
        READS("routed reads"),
        HALF_LOAD_READS("routed reads at half load"),
        RAW_HALF_LOAD_READS("raw JDBC reads at half load, same budget, LRU"),
        RAW_INSERTS("raw JDBC inserts with activity, same budget"),
        INSERTS("routed inserts"),
        PATCHES("routed patches"),
        OVERLOAD("routed reads, 8 times the clients (overload)"),
        PROFILED_READS("routed reads under JFR");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /** Whether Silo answers this phase's requests (else PostgreSQL does, directly). */
        public boolean routed() {
            return this != BASELINE && this != RAW_READS && this != RAW_HALF_LOAD_READS && this != RAW_INSERTS;
        }
    }
}
