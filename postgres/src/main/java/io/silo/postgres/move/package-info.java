/**
 * Moving a tenant's databases to another cluster while it keeps working: the job ({@link
 * io.silo.postgres.move.MoveJob}), PostgreSQL's logical replication of one database, and the copy of
 * its rows under the write fence where the source cannot replicate.
 */
package io.silo.postgres.move;
