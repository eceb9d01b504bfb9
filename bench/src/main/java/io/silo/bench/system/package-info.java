/**
 * The machine as Linux reports it in {@code /proc}: CPU time of the whole machine and of the
 * processes under test (Silo's JVM, PostgreSQL's postmaster and its backends, the load generator),
 * resident memory, and a description of the hardware for the report.
 */
package io.silo.bench.system;
