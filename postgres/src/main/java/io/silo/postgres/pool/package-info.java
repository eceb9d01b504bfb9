/**
 * Connections to tenant databases: one small HikariCP pool per (cluster, database), opened on first
 * use and closed when idle ({@link io.silo.postgres.pool.PoolRegistry}); a per-cluster connection
 * budget that caps the server connections of all those pools together; a per-cluster circuit that
 * fails requests at once while a cluster is down. Every pool connects as its tenant's own role.
 */
package io.silo.postgres.pool;
