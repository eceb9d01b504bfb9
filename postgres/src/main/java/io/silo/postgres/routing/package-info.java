/** Routing: from a tenant and a service to a connection on that tenant's database, as its own role. */
package io.silo.postgres.routing;
