/**
 * Authorization in one place: platform administrators, organization administrators, and the
 * per-service roles of the service templates ({@link io.silo.app.access.Access}).
 */
package io.silo.app.access;
