/**
 * Administration of clusters: creating and dropping tenant databases and roles, granting a
 * tenant's role its own databases only, and the template databases new tenants are copied from.
 */
package io.silo.postgres.cluster;
