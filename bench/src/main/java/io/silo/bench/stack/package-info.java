/**
 * The stack under test and what the benchmark sees of it: the PostgreSQL server (embedded, or
 * one you configure), Silo in a JVM of its own, their connections, pools, memory and CPU sampled
 * over each measured window, and JFR profiles of Silo.
 */
package io.silo.bench.stack;
