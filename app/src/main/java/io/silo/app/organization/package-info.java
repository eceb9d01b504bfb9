/** Organizations (tenants): create and provision, read, update, suspend, activate, delete; where a tenant is provisioned. */
package io.silo.app.organization;
