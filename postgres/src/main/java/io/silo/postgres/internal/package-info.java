/** Public for the PostgreSQL packages only, not API: nothing outside the {@code postgres} module imports it. */
package io.silo.postgres.internal;
