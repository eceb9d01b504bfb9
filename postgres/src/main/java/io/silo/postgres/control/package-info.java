/**
 * The control database and its stores: clusters, platform administrators, signing keys, the
 * master audit log, and (as they land) tenants, the directory, signups, refresh tokens and jobs;
 * and whether it answers now ({@link io.silo.postgres.control.ControlAvailability}), so that an
 * outage of it fails fast while tenants are served.
 */
package io.silo.postgres.control;
