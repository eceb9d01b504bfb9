/**
 * The rollout job: a service's existing tenant databases brought to its newest version, in
 * parallel on administrative connections, each database on its own (see {@code RolloutJob}).
 */
package io.silo.postgres.migration;
