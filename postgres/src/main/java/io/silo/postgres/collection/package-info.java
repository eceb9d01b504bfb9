/**
 * The collections engine: JSON documents in a table per collection of a tenant database, with
 * versions, JSON Schema validation, unique keys, private fields, and queries in the filter
 * language of {@link io.silo.postgres.collection.query}. {@link
 * io.silo.postgres.collection.DocumentStore} is the API; it works on a connection the caller
 * has already routed to the tenant's database and whose transaction the caller owns. The rest
 * of the package, package-private, renders SQL (values always bound, field paths always
 * validated identifiers) and checks bodies, schemas and cursors.
 */
package io.silo.postgres.collection;
