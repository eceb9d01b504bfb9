/** Public, but not API: small JDBC helpers shared by the PostgreSQL packages. */
package io.silo.postgres.internal;
