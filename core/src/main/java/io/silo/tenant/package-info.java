/** Tenants: organizations, their status, quotas, contacts, and the placement of their databases. */
package io.silo.tenant;
