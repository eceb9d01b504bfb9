/** Clusters at run time: what a platform administrator changes about the servers tenants are placed on. */
package io.silo.app.cluster;
