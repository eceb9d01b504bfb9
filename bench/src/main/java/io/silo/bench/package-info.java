/**
 * {@code silo bench}: one command that, in one run, provisions tenants through Silo's API next to
 * raw {@code CREATE DATABASE}, measures the raw-JDBC baseline on the tenants' own databases, drives
 * routed reads and writes over HTTP from this process against Silo in a JVM of its own, migrates
 * every tenant, and appends every figure to {@code docs/benchmarks.md}. See that file for how to
 * run it and how to read it.
 */
package io.silo.bench;
