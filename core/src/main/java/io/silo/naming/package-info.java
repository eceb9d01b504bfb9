/**
 * Names Silo gives to things in PostgreSQL: tenant databases rendered from a service template's
 * pattern ({@link io.silo.naming.DatabaseNamer}), and indexes derived from the fields they cover
 * ({@link io.silo.naming.IndexNames}). Every name is at most 63 bytes, PostgreSQL's limit.
 */
package io.silo.naming;
