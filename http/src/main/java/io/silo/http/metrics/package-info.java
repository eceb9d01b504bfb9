/** Prometheus: the {@code /metrics} endpoint. */
package io.silo.http.metrics;
