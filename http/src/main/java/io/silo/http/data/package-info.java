/** The data plane over HTTP: tenant-routed collections, batches, and the activity log. */
package io.silo.http.data;
