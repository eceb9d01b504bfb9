/**
 * Jobs: long operations as persisted, idempotent steps that resume after a crash. The runner and
 * store live in {@code io.silo.postgres.job}; handlers plug in through {@link io.silo.job.JobHandler}.
 */
package io.silo.job;
