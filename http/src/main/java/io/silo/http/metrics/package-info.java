/** Prometheus: HTTP timings and the {@code /metrics} endpoint. */
package io.silo.http.metrics;
