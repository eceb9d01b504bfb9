/** The embedded PostgreSQL server used when no external cluster is configured, and by tests. */
package io.silo.postgres.embedded;
