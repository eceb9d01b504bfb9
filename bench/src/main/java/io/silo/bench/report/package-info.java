/**
 * The results of a run and how they are written down: a section appended to
 * {@code docs/benchmarks.md} with every figure in tables, and a chart (PNG, drawn with Java 2D in
 * headless mode) next to it. Earlier runs are kept, so the history shows.
 */
package io.silo.bench.report;
