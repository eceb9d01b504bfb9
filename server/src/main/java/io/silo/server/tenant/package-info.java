/** Organizations (tenants) for platform administrators: create and provision, read, update, suspend, activate, delete. */
package io.silo.server.tenant;
