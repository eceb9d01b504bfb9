package io.silo.bench.system;

import java.util.Optional;

/**
 * Where the machine's CPU time went during an interval, each a share of all of it (every core):
 * 0.5 on two cores is one core busy.
 *
 * @param silo Silo's JVM
 * @param postgres the PostgreSQL server and its backends; empty when it runs elsewhere or is not ours to see
 * @param generator the benchmark process: the load generator and its samplers
 * @param other every other process, and PostgreSQL when not measured on its own: a busy machine shows here
 * @param idle nobody
 */
public record CpuSplit(double silo, Optional<Double> postgres, double generator, double other, double idle) {}
