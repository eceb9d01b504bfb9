/**
 * Authorization in one place: platform administrators, organization administrators, and the
 * per-service roles of the service templates ({@link io.silo.server.authz.Access}).
 */
package io.silo.server.authz;
