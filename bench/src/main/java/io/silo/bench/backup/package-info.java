/**
 * {@code silo bench --backup}: an organization's backup and restore by Silo against {@code pg_dump
 * -Fc} and {@code pg_restore} of the same databases, on a Debian PostgreSQL 15 server the run starts
 * for itself, and the report of it.
 */
package io.silo.bench.backup;
