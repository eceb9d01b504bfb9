/**
 * The control database and its stores: clusters, platform administrators, signing keys, the
 * master audit log, and (as they land) tenants, the directory, signups, refresh tokens and jobs.
 */
package io.silo.postgres.control;
