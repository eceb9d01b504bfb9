/**
 * Imports of MongoDB systems into organizations ({@code silo import}): {@code mongodump} folders
 * ({@code .bson}, gzipped or not, with their {@code .metadata.json}) and {@code mongoexport} files
 * (JSON lines or arrays of extended JSON), read with MongoDB's own {@code org.mongodb:bson} library,
 * in the layouts the seeds' systems used (a shared database with an organization field, a
 * database per tenant, a database per tenant and service). Every document's id becomes a
 * name-based UUID of the source and its ObjectId, so references stay intact and a re-run changes
 * nothing. An import runs as a job ({@link io.silo.app.imports.ImportJob}, started by {@link
 * io.silo.app.imports.Imports} from {@code silo import} or {@code POST /api/admin/imports}); see
 * {@code docs/import.md}.
 */
package io.silo.app.imports;
