/** Prometheus metrics: the registry, HTTP timings and the {@code /metrics} endpoint. */
package io.silo.server.metrics;
