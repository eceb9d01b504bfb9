/**
 * Rollouts: bringing the existing tenant databases of a service to its template's newest version,
 * as a job ({@code service.migrate}), with a dry run and a canary. The job itself is in
 * {@code io.silo.postgres.migration}; the per-database engine in {@code io.silo.postgres.schema}.
 * And the new template versions a rollout brings, taken in without a restart ({@link
 * io.silo.app.migration.TemplateReload}).
 */
package io.silo.app.migration;
