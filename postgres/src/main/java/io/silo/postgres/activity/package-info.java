/** Tenant activity logs: one per tenant database, written in the transaction of the change it records. */
package io.silo.postgres.activity;
