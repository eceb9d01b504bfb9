/**
 * Tenant database schemas: bringing a database to a service template's version
 * ({@link io.silo.postgres.schema.SchemaApplier}) and the SQL of collection tables and their
 * indexes ({@link io.silo.postgres.schema.CollectionTables}).
 */
package io.silo.postgres.schema;
