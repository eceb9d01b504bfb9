/** The data plane over HTTP: tenant-routed collections, batches, and what each caller may touch. */
package io.silo.server.data;
