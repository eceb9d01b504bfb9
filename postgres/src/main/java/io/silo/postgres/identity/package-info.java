/**
 * Identity storage: users in each tenant's core database, their outbox, and the directory in the
 * control database that the outbox feeds.
 */
package io.silo.postgres.identity;
