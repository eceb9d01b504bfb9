/** The job store and runner: persisted steps, leases, retries with back-off, resumption after a crash. */
package io.silo.postgres.job;
