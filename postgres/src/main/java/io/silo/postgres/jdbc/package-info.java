/**
 * Small, explicit JDBC for the modules above {@code postgres}: {@link io.silo.postgres.jdbc.Jdbc} (a
 * connection per call, or a transaction, with void forms), {@link io.silo.postgres.jdbc.Handle} (the
 * statements of one connection), and {@link io.silo.postgres.jdbc.DataAccessException}, which says what
 * failed (a unique key and its constraint, a timeout, a broken connection) so that nobody above reads
 * SQLSTATEs or message text. {@link io.silo.postgres.jdbc.Identifiers} quotes the names and text of
 * the SQL that cannot take bind parameters (DDL, {@code COPY}, roles and databases).
 */
package io.silo.postgres.jdbc;
